# Each log line starts with an RFC 3339 UTC timestamp.
cd "$WORK"
[[ $(wc -l < log.txt) == 5 ]] || { echo "log.txt: $(cat log.txt)"; exit 1; }
if grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z demo(\.worker)?: ' log.txt; then
  echo "log lines without a timestamp"
  exit 1
fi
echo "log checks hold"

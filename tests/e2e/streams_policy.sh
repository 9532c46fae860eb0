# A compiled-in policy: deny beats allow, anchored prefixes, look-alikes.
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
mkdir -p pub/private && echo hi > pub/a.txt && echo no > pub/private/b.txt && echo x > top.txt
cmds=$'o file:///pub/a.txt\no file:///pub/private/b.txt\no file:///top.txt\no file:///pubx/a.txt\no file:///pub/../top.txt\no zero://\no null://\no http://good.test/x\no http://GOOD.test:80/x\no http://good.test.evil.test/\no http://good.test@evil.test/\no http://evil.test/?http://good.test/\no http://good.test:8080/\n'
if [[ ${DAGGER_E2E_HTTP-} == unsupported ]]; then # a target without libcurl:
  # the allowed http opens answer -UNSUPPORTED, the denied ones still -6
  no_libcurl policy 10 <<'OUT'
o 1
o -6
o -6
o -6
o -6
o -6
o -6
o -10
o -10
o -6
o -6
o -6
o -6
OUT
  exit $fail
fi
expect policy <<'OUT'
o 1
o -6
o -6
o -6
o -6
o -6
o -6
o 2
o 3
o -6
o -6
o -6
o -6
OUT
[[ $(grep -c 'policy: denied' "$WORK/policy.stderr") == 10 ]] || { echo "FAIL: one stderr line per denial expected"; cat "$WORK/policy.stderr"; fail=1; }
exit $fail

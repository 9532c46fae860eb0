# The copy is byte-exact for a larger binary file too, and a missing input
# is named on stderr with exit status 1.
cd "$WORK"
mkdir big
head -c 200000 /dev/urandom > big/in.txt
DAGGER_ROOT=big ./copy > big.out
cmp big/in.txt big/out.txt
grep -qx 'copied 200000 bytes' big.out
mkdir empty
set +e
DAGGER_ROOT=empty ./copy > /dev/null 2> missing.err
status=$?
set -e
[[ $status == 1 ]] && grep -qx 'copy: file:///in.txt: NOT_FOUND' missing.err ||
  { echo "missing input: status $status: $(cat missing.err)"; exit 1; }
echo "copy checks hold"

# random:// end to end: reads fill the whole buffer, two reads differ,
# writes are refused.
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
cmds=$'o random://\nr 1 4096\nr 1 4096\nW 1 1\nx\nf 1\no random://x\n'
out=$(printf '%s' "$cmds" | "$RUN")
[[ $(printf '%s\n' "$out" | grep -c '^r 4096$') == 2 ]] || { echo "FAIL: short random reads"; fail=1; }
printf '%s\n' "$out" | grep -qx 'w -10' || { echo "FAIL: write to random:// not refused"; fail=1; }
printf '%s\n' "$out" | grep -qx 'f 0' || { echo "FAIL: flush of random://"; fail=1; }
printf '%s\n' "$out" | grep -qx 'o -2' || { echo "FAIL: random://x accepted"; fail=1; }
# the two 4096-byte blocks differ (the chance that they match is nil)
blocks=$(printf '%s' "$cmds" | "$RUN" | od -An -v -tx1 | tr -d ' \n' | md5sum)
blocks2=$(printf '%s' "$cmds" | "$RUN" | od -An -v -tx1 | tr -d ' \n' | md5sum)
[[ $blocks != "$blocks2" ]] || { echo "FAIL: random:// repeated itself"; fail=1; }
exit $fail

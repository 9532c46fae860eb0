# file:// on a full disk: a write that only partly fits answers the count
# that reached the file, the next one an error, and the file holds exactly
# the acknowledged bytes. A real 64 KiB tmpfs, mounted inside the jail
# (needs root, or skips).
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
mkdir disk
if ! mount -t tmpfs -o size=64k tmpfs disk 2> /dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs root)"
  exit 77
fi
trap 'umount "$WORK/jail/disk"; rm -rf "$WORK"' EXIT
cmds=$(
  printf 'o file:///disk/f.bin?mode=w\nW 1 60000\n'
  head -c 60000 /dev/zero | tr '\0' a
  printf '\nW 1 10000\n'
  head -c 10000 /dev/zero | tr '\0' b
  printf '\nW 1 10000\n'
  head -c 10000 /dev/zero | tr '\0' c
  printf '\nx 1\n'
)
expect fulldisk <<'OUT'
o 1
w 60000
w 5536
w -8
x 0
OUT
size=$(stat -c %s disk/f.bin)
[[ $size == 65536 ]] || { echo "FAIL: the file holds $size bytes, 65536 acknowledged"; fail=1; }
exit $fail

# file:// end to end: modes, the jail (escape battery), DAGGER_ROOT.
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
mkdir -p sub outside_target && printf 'secret\n' > ../secret.txt
printf 'line one\nline two\n' > in.txt
ln -s ../secret.txt link_out.txt
ln -s in.txt link_in.txt
ln -s .. sub/up

cmds=$'o file:///in.txt\nc 1\no file:///out.txt?mode=w\nW 2 4\nabc\nf 2\nx 2\no file:///out.txt?mode=a\nW 2 4\ndef\nr 2 1\nx 2\no file:///out.txt\nc 2\nW 2 1\nx\n'
expect modes <<'OUT'
o 1
line one
line two
c 18 0
o 2
w 4
f 0
x 0
o 2
w 4
r -10
x 0
o 2
abc
def
c 8 0
w -10
OUT

# Each of these must be refused; none may reach ../secret.txt.
cmds=$'o file:///../secret.txt\no file:///%2e%2e/secret.txt\no file:///%2E%2e/secret.txt\no file:///sub/../../secret.txt\no file:///link_out.txt\no file:///link_in.txt\no file:///sub/up/secret.txt\no file://localhost/in.txt\no file:///in.txt?mode=x\no file:///missing.txt\no file:///sub\no file:///\no file:////etc/passwd\no file:///in.txt%00.x\n'
expect escapes <<'OUT'
o -6
o -6
o -6
o -6
o -6
o -6
o -6
o -2
o -2
o -7
o -10
o -10
o -7
o -2
OUT

# DAGGER_ROOT moves the jail.
mkdir -p "$WORK/other" && printf 'from other\n' > "$WORK/other/in.txt"
cmds=$'o file:///in.txt\nc 1\n'
DAGGER_ROOT=$WORK/other expect root <<'OUT'
o 1
from other
c 11 0
OUT
[[ $(cat ../secret.txt) == secret ]] || { echo "FAIL: secret.txt changed"; fail=1; }
exit $fail

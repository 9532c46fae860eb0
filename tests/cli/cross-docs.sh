#!/usr/bin/env bash
# docs/cross.md's quick start, run as written: its first sh block, with
# this daggercc first in PATH, in a folder holding examples/hello.wat. Both
# programs print the greeting.
source "$(dirname "$0")/lib.sh"
for tool in aarch64-linux-gnu-gcc s390x-linux-gnu-gcc qemu-aarch64 qemu-s390x; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
cd "$WORK"
mkdir -p bin examples
ln -s "$DAGGERCC" bin/daggercc
cp "$HELLO" examples/hello.wat
awk '/^## Quick start/ { on = 1 } on && /^```sh$/ { block = 1; next }
     block && /^```$/ { exit } block { print }' "$CLI/../../docs/cross.md" >quickstart.sh
[[ -s quickstart.sh ]]
ok $? "docs/cross.md has a quick start block"
run env PATH="$WORK/bin:$PATH" XDG_CACHE_HOME="$WORK/cache" bash -e quickstart.sh
expect_status 0 "the quick start runs"
[[ $out == $'Hello, Dagger!\nHello, Dagger!' ]]
ok $? "both programs greet: [$out] [$err]"
file hello-s390x | grep -q "IBM S/390.*statically linked"
ok $? "hello-s390x is a static s390x program: $(file hello-s390x)"
expect_clean_tmp "the quick start"
done_testing

#!/usr/bin/env bash
# Self-describing programs: every program carries a .note.daggercc saying
# what built it; daggercc --inspect PROGRAM [--json] prints it and refuses
# a file that is no daggercc program. The cross parts inspect a big-endian
# 64-bit (s390x) and a little-endian 32-bit (arm) program on this host.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
ARM=arm-linux-gnueabihf S390X=s390x-linux-gnu
cross=1
for tool in $ARM-gcc $S390X-gcc; do
  command -v $tool >/dev/null || { echo "note: $tool missing: cross parts skipped"; cross=0; }
done
[[ ${DAGGER_CROSS_PREBUILT:-1} == 0 ]] && cross=0
export XDG_CACHE_HOME=$WORK/cache
cp "$HELLO" hello.wat
SHA=$(wat2wasm --debug-names hello.wat -o /dev/stdout | sha256sum | cut -d' ' -f1)

# ---- docs/inspect.md's example, as written ------------------------------------
# Its text output, but for what depends on the machine and the version.
vary='s/^(version|target|bounds|module-sha256|cc): .*/\1: -/'
awk '/^\$ daggercc --inspect hello$/ { on = 1; next } on && /^\$/ { exit }
     on { print }' "$CLI/../../docs/inspect.md" | sed -E "$vary" > doc.txt
dcc --deny http -O1 hello.wat -o hello
dcc --inspect hello
[[ -s doc.txt && $(sed -E "$vary" <<<"$out") == "$(cat doc.txt)" ]]
ok $? "docs/inspect.md's example output: [$out] vs [$(cat doc.txt)]"
cp hello hello-stripped && strip hello-stripped
dcc --inspect hello-stripped
expect_out_match "^module-sha256: +$SHA$" "strip keeps the note"

# ---- a host program ---------------------------------------------------------
dcc --deny http --env HOME=/nowhere -O1 hello.wat -o prog
expect_status 0 "compile"
dcc --inspect prog
expect_status 0 "--inspect a program"
for line in "format: +1" "version: +[0-9]+\.[0-9]+\.[0-9]+" \
  "target: +$(gcc -dumpmachine)" "bounds: +(guard|explicit)" "static: +no" \
  "opt: +-O1" "module-sha256: +$SHA" "policy-default: +allow" \
  "deny: +http" "env: +HOME=/nowhere" "flag: +--deny=http" \
  "flag: +--env=HOME=/nowhere" "flag: +-O1"; do
  expect_out_match "^$line\$" "--inspect shows $line"
done
[[ $out != *"$WORK"* && $out != *hello.wat* && $out != *"-o"* ]]
ok $? "no path, input name or output option in the note: [$out]"

dcc --inspect prog --json
expect_status 0 "--inspect --json"
NOTE_JSON=$out python3 - "$SHA" <<'PY'
import json, os, sys
n = json.loads(os.environ["NOTE_JSON"])
assert n["format"] == 1 and n["static"] is False, n
assert n["module_sha256"] == sys.argv[1], n
assert n["deny"] == ["http"] and n["allow"] == [], n
assert n["policy_default"] == "allow" and n["env"] == ["HOME=/nowhere"], n
assert n["limits"] == {}, n
assert n["flags"] == ["--deny=http", "--env=HOME=/nowhere", "-O1"], n
PY
ok $? "the JSON parses and says the same"

# The explicit strategy; a static program where the host can link one (a
# runtime built with sanitizers cannot).
dcc --bounds=explicit hello.wat -o prog-explicit
expect_status 0 "compile --bounds=explicit"
dcc --inspect=prog-explicit
expect_out_match "^bounds: +explicit$" "--bounds=explicit recorded"
expect_out_match "^flag: +--bounds=explicit$" "the --bounds flag recorded"
dcc --print-features
if grep -q "^static: yes" <<<"$out"; then
  dcc --static hello.wat -o prog-static
  expect_status 0 "compile --static"
  dcc --inspect=prog-static
  expect_out_match "^static: +yes$" "--static recorded"
  expect_out_match "^flag: +--static$" "the --static flag recorded"
fi

# ---- refusals ---------------------------------------------------------------
dcc --inspect /bin/ls
expect_status 1 "/bin/ls"
expect_err "daggercc: /bin/ls: not a daggercc program (an ELF file without a daggercc note: no .note.daggercc section)" \
  "/bin/ls refused"
echo "just some text" > text.txt
dcc --inspect text.txt
expect_status 1 "a text file"
expect_err "daggercc: text.txt: not a daggercc program (not an ELF file)" \
  "a text file refused"
dcc --inspect "$WORK"
expect_status 1 "a directory"
expect_err_match "not a daggercc program \(not a regular file\)$" "a directory"
dcc --inspect missing
expect_status 1 "a missing file"
expect_err "daggercc: missing: No such file or directory" "a missing file"
# Cut short: the section headers sit at the end, past the cut.
head -c 4000 prog > cut
dcc --inspect cut
expect_status 1 "a program cut short"
expect_err_match "^daggercc: cut: not a daggercc program \(damaged ELF file: " \
  "a program cut short"
dcc --json
expect_status 2 "--json alone"
expect_err_match "--json goes with --inspect" "--json alone"
dcc --help
[[ $out == *"--inspect PROGRAM"* ]]
ok $? "--help mentions --inspect"

# ---- cross targets: another byte order and word size -------------------------
if [[ $cross == 1 ]]; then
  for t in $S390X $ARM; do
    dcc --target=$t hello.wat -o prog-$t
    expect_status 0 "compile for $t"
    dcc --inspect prog-$t
    expect_status 0 "--inspect a $t program"
    expect_out_match "^target: +$t$" "$t: target"
    expect_out_match "^bounds: +explicit$" "$t: bounds"
    expect_out_match "^module-sha256: +$SHA$" "$t: the module's SHA-256"
    expect_out_match "^cc: +$t-gcc$" "$t: the C compiler"
  done
fi
expect_clean_tmp "inspect"
done_testing

#!/usr/bin/env bash
# --emit-c DIR on a shared machine (issue 17): the files are created anew
# and renamed into place, so a symbolic link planted under one of their
# names is replaced, never written through; a DIR of another user's that
# others may write is refused; `--emit-c=` is a usage error.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
chmod 755 "$WORK"
files=(daggercc-module.c daggercc-module.h daggercc-glue.c)

# Existing files are replaced (atomically: the inode changes).
dcc --emit-c out "$HELLO" -o hello
expect_status 0 "--emit-c into a new folder"
before=$(stat -c %i out/daggercc-glue.c)
dcc --emit-c out "$HELLO" -o hello
expect_status 0 "--emit-c again"
[[ $(stat -c %i out/daggercc-glue.c) != "$before" ]]
ok $? "an existing file is replaced by a new one"
left=$(ls -A out | grep -v '^daggercc-')
[[ -z $left ]]
ok $? "no temporary file is left in the folder: [$left]"

# A symbolic link under an emitted name, pointing at a file of the user's.
echo "my precious file" >victim
cp victim victim.orig
mkdir planted
for f in "${files[@]}"; do ln -s "$WORK/victim" "planted/$f"; done
dcc --emit-c planted "$HELLO" -o hello
expect_status 0 "--emit-c over planted symbolic links"
cmp -s victim victim.orig
ok $? "the link's target is untouched"
for f in "${files[@]}"; do
  [[ -f planted/$f && ! -L planted/$f ]]
  ok $? "planted/$f is now a regular file"
done

# A folder in the way of a name: a clear failure.
mkdir -p blocked/daggercc-module.c/inner
dcc --emit-c blocked "$HELLO" -o blocked-out
expect_status 1 "--emit-c where a name is a folder"
expect_err_match '^daggercc: blocked/daggercc-module\.c: cannot write: ' "a folder in the way"
expect_absent blocked-out "a folder in the way"
expect_clean_tmp "a folder in the way"

if [[ $(id -u) == 0 ]] && runuser -u nobody -- true 2>/dev/null; then
  # A shared folder of another user's: refused before anything is written.
  mkdir shared && chmod 1777 shared && chown nobody shared
  runuser -u nobody -- ln -s "$WORK/victim" shared/daggercc-module.h
  dcc --emit-c shared "$HELLO" -o shared-out
  expect_status 1 "--emit-c into another user's shared folder"
  expect_err_match '^daggercc: shared: owned by another user and writable by others: refusing to write into it$' "another user's folder"
  cmp -s victim victim.orig
  ok $? "the planted link's target is untouched"
  expect_absent shared-out "another user's folder"
  # The owner of a folder others may write emits into it as before.
  nobody_tmp=$(runuser -u nobody -- mktemp -d /tmp/daggercc-cli-nobody.XXXXXX)
  runuser -u nobody -- env TMPDIR="$nobody_tmp" "$DAGGERCC" --emit-c shared "$HELLO" -o "$nobody_tmp/prog" 2>&1
  ok $? "the owner of a shared folder may emit into it"
  [[ -f shared/daggercc-glue.c && ! -L shared/daggercc-module.h ]]
  ok $? "the owner's emit replaced the link"
  cmp -s victim victim.orig
  ok $? "the link's target is still untouched"
  rm -rf "$nobody_tmp"
else
  echo "note: not root or no user nobody: the second-user parts were skipped"
fi

run "$DAGGERCC" --emit-c= "$HELLO" -o never
expect_status 2 "--emit-c="
expect_err_match '^daggercc: --emit-c needs a non-empty value' "--emit-c="
expect_absent never "--emit-c="
expect_clean_tmp "--emit-c"
done_testing

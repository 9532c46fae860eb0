#!/usr/bin/env bash
# The cross-runtime cache on a shared machine (issue 17): private whatever
# the umask, every entry checked against the SHA-256s of its manifest
# before use and rebuilt when bad, no symbolic link followed, nothing
# deleted that daggercc did not make, a bounded wait for a lock. And
# --build-runtime DIR, which publishes the same way.
# Needs aarch64-linux-gnu-gcc and qemu-aarch64 (skipped otherwise); parts
# with a second user need root (runuser to nobody).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
A64=aarch64-linux-gnu
for tool in $A64-gcc qemu-aarch64; do
  command -v $tool >/dev/null || { echo "note: $tool missing: skipped"; exit 77; }
done
[[ -n ${DAGGER_BUILD_DIR:-} ]] || { echo "note: DAGGER_BUILD_DIR unset: skipped"; exit 77; }
export XDG_CACHE_HOME=$WORK/cache
CACHE=$WORK/cache/daggercc

# An installed daggercc without the prebuilt runtime, so that it uses the cache.
run "${CMAKE:-cmake}" --install "$DAGGER_BUILD_DIR" --prefix "$WORK/prefix"
expect_status 0 "cmake --install"
rm -rf "prefix/lib/daggercc/$A64"
DCC=$WORK/prefix/bin/daggercc
chmod 755 "$WORK" # the second user must reach its files
ENTRY=$(
  "$DCC" --target=$A64 --print-features |
    sed -n "s|^runtime: built on first use in ||p"
)
[[ $ENTRY == "$CACHE/$A64-"* ]]
ok $? "the entry's name [$ENTRY]"

compile() { run "$DCC" --target=$A64 "$HELLO" -o "$@"; }
runs() { # PROGRAM WHAT
  run qemu-aarch64 -L /usr/$A64 "$1"
  [[ $status == 0 && $out == "Hello, Dagger!" ]]
  ok $? "$2: the program runs ($status, [$out], [$err])"
}
perms() { stat -c %a "$1"; }

# ---- private whatever the umask ------------------------------------------------
(umask 000 && "$DCC" --target=$A64 "$HELLO" -o first 2>first.err)
ok $? "a first compile under umask 000: $(cat first.err)"
grep -q "building the runtime for $A64 (once)" first.err
ok $? "it builds the runtime"
runs ./first "the first compile"
[[ $(perms "$CACHE") == 700 && $(perms "$ENTRY") == 700 && $(perms "$CACHE/$A64.lock") == 600 ]]
ok $? "under umask 000: cache $(perms "$CACHE"), entry $(perms "$ENTRY"), lock $(perms "$CACHE/$A64.lock")"
left=$(find "$CACHE" -perm /022)
[[ -z $left ]]
ok $? "nothing in the cache is writable by others: [$left]"
compile second
expect_err "" "a compile with the cached entry is silent"

# ---- bad entries are rebuilt ---------------------------------------------------------
lib=$ENTRY/libdaggerrt.a
size=$(stat -c %s "$lib")
printf '\xff\xff\xff\xff' | dd of="$lib" bs=1 seek=$((size / 2)) conv=notrunc status=none
[[ $(stat -c %s "$lib") == "$size" ]]
ok $? "the archive is corrupted, not resized"
compile corrupted
expect_status 0 "a compile with a corrupted archive in the cache"
expect_err_match "building the runtime for $A64 \(once\)" "a corrupted archive is rebuilt"
runs ./corrupted "after a corrupted archive"

truncate -s 100 "$lib"
touch "$ENTRY/libdaggerrt.so"
compile truncated
expect_status 0 "a compile with a truncated archive and an unknown file"
expect_err_match "building the runtime for $A64 \(once\)" "a truncated archive is rebuilt"
runs ./truncated "after a truncated archive"
aside=$(ls -d "$ENTRY".bad-* 2>/dev/null)
[[ -n $aside && -f $aside/libdaggerrt.so ]]
ok $? "an entry holding a file daggercc did not make is moved aside, not deleted [$aside]"
rm -rf "$aside"

# ---- symbolic links are never followed -------------------------------------------------
mv "$ENTRY" saved-entry
mkdir victim && echo precious >victim/keep && cp saved-entry/* victim/
ln -s "$WORK/victim" "$ENTRY"
compile via-symlink
expect_status 1 "an entry that is a symbolic link"
expect_err_match "^daggercc: $ENTRY: not a directory: refusing to use or remove it$" "a symlinked entry"
[[ -f victim/keep && -f victim/libdaggerrt.a && -L $ENTRY ]]
ok $? "the symlink's target keeps its files"
rm "$ENTRY" && mv saved-entry "$ENTRY"

mv "$CACHE" saved-cache
mkdir elsewhere && ln -s "$WORK/elsewhere" "$CACHE"
compile cache-symlink
expect_status 1 "a cache root that is a symbolic link"
expect_err_match "^daggercc: $CACHE: not a directory \(a symbolic link\?\): refusing to use it$" "a symlinked root"
rm "$CACHE" && mv saved-cache "$CACHE"

# ---- other users -----------------------------------------------------------------------
if [[ $(id -u) == 0 ]] && runuser -u nobody -- true 2>/dev/null; then
  chmod 777 "$CACHE"
  compile open-root
  expect_status 1 "a cache root writable by others"
  expect_err_match "^daggercc: $CACHE: writable by other users: refusing to use it$" "a root writable by others"
  expect_absent open-root "a root writable by others"
  chmod 700 "$CACHE"

  # An entry planted by another user (as through a root left open).
  mv "$ENTRY" saved-entry
  mkdir planted && cp saved-entry/* planted/ && chown -R nobody planted && mv planted "$ENTRY"
  compile planted-entry
  expect_status 1 "an entry owned by another user"
  expect_err_match "^daggercc: $ENTRY: owned by another user: refusing to use or remove it$" "a planted entry"
  [[ -f $ENTRY/libdaggerrt.a ]]
  ok $? "another user's entry is not deleted"
  rm -rf "$ENTRY" && mv saved-entry "$ENTRY"

  # A lock file of another user's.
  mv "$ENTRY" saved-entry
  chown nobody "$CACHE/$A64.lock"
  compile foreign-lock
  expect_status 1 "a lock file owned by another user"
  expect_err_match "^daggercc: $CACHE/$A64\.lock: owned by another user: refusing to use it$" "a foreign lock"
  chown root "$CACHE/$A64.lock"
  mv saved-entry "$ENTRY"
else
  echo "note: not root or no user nobody: the second-user parts were skipped"
fi

# ---- a lock held too long ----------------------------------------------------------------
mv "$ENTRY" saved-entry
flock "$CACHE/$A64.lock" sleep 30 &
holder=$!
sleep 0.5
SECONDS=0
DAGGERCC_LOCK_TIMEOUT=2 compile locked
took=$SECONDS
expect_status 1 "a lock held by another daggercc"
expect_err_match "^daggercc: $CACHE/$A64\.lock: another daggercc building the runtime for $A64 has held this lock for 2 s: giving up$" "a lock held too long"
[[ $took -lt 10 ]]
ok $? "the wait is bounded (${took} s)"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
mv saved-entry "$ENTRY"

# ---- --build-runtime DIR ---------------------------------------------------------------------
mkdir mine && echo keep >mine/notes.txt
run "$DCC" --target=$A64 --build-runtime mine
expect_status 1 "--build-runtime into a folder with other files"
expect_err_match "^daggercc: mine: not empty, and not a directory daggercc made: refusing to replace it$" "--build-runtime mine"
[[ $(ls mine) == notes.txt ]]
ok $? "--build-runtime leaves the folder's files alone"
mkdir here && echo keep >here/notes.txt && cd here
run "$DCC" --target=$A64 --build-runtime .
expect_status 1 "--build-runtime ."
[[ $(ls) == notes.txt ]]
ok $? "--build-runtime . deletes nothing"
cd "$WORK"
ln -s "$WORK/mine" linked
run "$DCC" --target=$A64 --build-runtime linked
expect_status 1 "--build-runtime onto a symbolic link"
[[ -L linked && $(ls mine) == notes.txt ]]
ok $? "--build-runtime onto a symbolic link changes nothing"
mkdir empty
run "$DCC" --target=$A64 --build-runtime empty
expect_status 0 "--build-runtime into an empty folder"
[[ -f empty/libdaggerrt.a && -f empty/daggercc-entry ]]
ok $? "--build-runtime fills an empty folder"
run "$DCC" --target=$A64 --build-runtime empty
expect_status 0 "--build-runtime again"
expect_err "" "--build-runtime on an up-to-date folder does nothing"
# A runtime folder of a daggercc from before manifests is replaced; its
# files are known. With a file of the user's in it, it is refused.
mkdir legacy && cp empty/* legacy/ && rm legacy/daggercc-entry
run "$DCC" --target=$A64 --build-runtime legacy
expect_status 0 "--build-runtime over a runtime folder without a manifest"
[[ -f legacy/daggercc-entry ]]
ok $? "the old runtime folder was rebuilt with a manifest"
mkdir legacy2 && cp empty/* legacy2/ && rm legacy2/daggercc-entry && echo keep >legacy2/notes.txt
run "$DCC" --target=$A64 --build-runtime legacy2
expect_status 1 "--build-runtime over an old runtime folder holding other files"
[[ -f legacy2/notes.txt ]]
ok $? "the other file is kept"
expect_clean_tmp "the cache"
done_testing

#!/usr/bin/env bash
# --static programs with the static libcurl (cmake/StaticHttps.cmake,
# docs/static-https.md): one fetches from a loopback HTTPS server whose
# certificate comes from a CA this script makes, with an empty environment
# and no library path; `file` says it is statically linked; in a root of
# its own holding nothing but the program (a bare container) it still
# fetches, given the CA, and without one it says that no CA store was
# found. The same for aarch64-linux-gnu under qemu where that target has
# the static libcurl. Skips (77) when the host has none, unless the build
# was configured with DAGGER_REQUIRE_ALL (scripts/test.sh): then it fails.
source "$(dirname "$0")/lib.sh"
E2E=$CLI/../e2e
SHELL_WAT=$E2E/streams_https.wat # the stream shell
RUN=/nonexistent                  # (streams_lib.bash wants one)
source "$E2E/streams_lib.bash"

dcc --print-features
if ! grep -q '^static: yes' <<<"$out"; then
  echo "SKIP: the host cannot link --static programs ($(grep '^static:' <<<"$out"))"
  exit 77
fi
if ! grep -q '^http: .*static libcurl with OpenSSL' <<<"$out"; then
  why="no static libcurl for the host (--print-features: $(grep '^http:' <<<"$out"))"
  # (DAGGER_REQUIRE_ALL: the build was to make one; its output says why not)
  [[ ${DAGGER_REQUIRE_STATIC_HTTPS:-0} == 1 ]] && { echo "FAIL: $why"; exit 1; }
  echo "SKIP: $why"
  exit 77
fi
command -v openssl >/dev/null || { echo "SKIP: openssl missing"; exit 77; }
mkdir "$WORK/certs" && sh "$CLI/../servers/make_certs.sh" "$WORK/certs"
start_httpd --tls "$WORK/certs/server.pem" "$WORK/certs/server.key"
req=$'GET /echo HTTP/1.1\r\n\r\n'
cmds() { # HOST: the shell's commands for one GET of /echo
  printf 'o https://%s:%s/echo\nW 1 %d\n%s\nf 1\nc 1\n' "$1" "$PORT" \
    "${#req}" "$req"
}
fetched() { [[ $1 == *$'\nf 0\n'*'HTTP/1.1 200 OK'*'GET /echo'* ]]; }

programs_uncached # the link must run: what it prints is checked
dcc --static "$SHELL_WAT" -o shell
expect_status 0 "--static with the static libcurl"
[[ $err != *"note: --static"* ]]
ok $? "no note that http(s) is missing: [$err]"
# glibc's warnings about name lookup in static programs are dropped
# (compiler/linkmsg.c): the link prints nothing.
[[ -z $err ]]
ok $? "the link says nothing: [$err]"
file shell | grep -q "statically linked"
ok $? "file: $(file shell)"
! readelf -l shell | grep -q INTERP && ! readelf -d shell 2>/dev/null | grep -q NEEDED
ok $? "no interpreter, no shared library needed"

got=$(cmds localhost | env -i DAGGER_CA_FILE="$WORK/certs/ca.pem" ./shell 2>&1)
fetched "$got"
ok $? "env -i, the test's CA: fetched over HTTPS: [$got]"
got=$(cmds localhost | env -i ./shell 2>&1)
[[ $got == *$'\nf -8\n'* ]]
ok $? "env -i, the system store only: the test's server is not trusted: [$got]"

# A root holding only the program (and the CA): no C library, no
# /etc/ssl, no /etc/hosts. Needs unshare -r (a user namespace) for chroot.
root=$WORK/root
mkdir -p "$root" && cp shell "$WORK/certs/ca.pem" "$root/"
chroot=$(command -v chroot || echo /usr/sbin/chroot)
if unshare -r "$chroot" "$root" /shell </dev/null >/dev/null 2>&1; then
  got=$(cmds 127.0.0.1 | env -i DAGGER_CA_FILE=/ca.pem unshare -r "$chroot" "$root" /shell 2>&1)
  fetched "$got"
  ok $? "alone in an empty root, with DAGGER_CA_FILE: fetched: [$got]"
  got=$(cmds 127.0.0.1 | env -i unshare -r "$chroot" "$root" /shell 2>&1)
  [[ $got == *$'\nf -8\n'* && $got == *"https: no CA certificates to verify the server with"*"set DAGGER_CA_FILE"* ]]
  ok $? "alone, with no CA store: -8 and says so: [$got]"
else
  echo "note: unshare -r chroot is not allowed here: the empty-root checks are left out"
fi

# aarch64-linux-gnu, where its static libcurl was built.
triple=aarch64-linux-gnu
dcc --target=$triple --print-features
if grep -q '^http: .*static libcurl with OpenSSL' <<<"$out" && command -v qemu-aarch64 >/dev/null; then
  dcc --target=$triple --static "$SHELL_WAT" -o shell-arm64
  expect_status 0 "--static for $triple"
  file shell-arm64 | grep -q "ARM aarch64.*statically linked"
  ok $? "file: $(file shell-arm64)"
  got=$(cmds localhost | env -i DAGGER_CA_FILE="$WORK/certs/ca.pem" qemu-aarch64 ./shell-arm64 2>&1)
  fetched "$got"
  ok $? "$triple under qemu, env -i: fetched over HTTPS: [$got]"
else
  echo "note: no static libcurl for $triple here (or no qemu-aarch64): left out"
fi
expect_clean_tmp "static https"
done_testing

#!/usr/bin/env bash
# Unpacks libcurl4 for foreign Debian architectures, with everything it
# needs at run time, into a folder that qemu-user programs can load it from:
#   ${XDG_CACHE_HOME:-~/.cache}/daggercc/sysroot/ARCH/{usr/,}lib/TRIPLE
# Usage: cross-sysroot.sh [ARCH...]   (default: arm64 armhf s390x)
#
# Why not `apt-get install libcurl4:ARCH`: multiarch wants a library at the
# same version for every architecture, and the host's libssl3 (a security
# update) is often newer than the one in the architecture's index, so dpkg
# refuses. Here the .deb files are fetched with `apt-get download` and only
# unpacked (`dpkg-deb -x`), never installed. libc6 is left out: programs
# must keep using the cross toolchain's C library (/usr/TRIPLE/lib).
#
# Idempotent: a folder whose recorded package versions match the index is
# left alone. A folder is built beside its final place and renamed into it,
# under a lock, so a reader never sees half of one. tests/e2e/run.sh adds
# the folder's library directories to the programs' LD_LIBRARY_PATH.
set -euo pipefail
sudo="" as_root=(-o APT::Sandbox::User=root)
[[ $(id -u) -ne 0 ]] && sudo=sudo as_root=()
root=${XDG_CACHE_HOME:-$HOME/.cache}/daggercc/sysroot
archs=("$@")
[[ ${#archs[@]} -eq 0 ]] && archs=(arm64 armhf s390x)
mkdir -p "$root"
tmp=""
trap 'rm -rf ${tmp:+"$tmp"}' EXIT

# closure ARCH: the real ARCH packages libcurl4:ARCH needs (Depends and
# Pre-Depends, recursively), without libc6, as NAME=VERSION lines.
closure() {
  local arch=$1 names
  mapfile -t names < <(apt-cache depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "libcurl4:$arch" |
    grep -E "^[a-z0-9][^ ]*:$arch\$" | grep -vx "libc6:$arch" | sort -u)
  apt-cache show --no-all-versions "${names[@]}" |
    awk -v a=":$arch" '/^Package:/ { p = $2 } /^Version:/ { print p a "=" $2 }'
}

for arch in "${archs[@]}"; do
  dest=$root/$arch
  exec 9> "$root/$arch.lock"
  flock 9
  # Up to date if apt's index has not changed since (apt-cache is slow).
  if [[ -f $dest/.packages && -z $(find /var/lib/apt/lists -maxdepth 1 \
    -newer "$dest/.packages" -name '*Packages*' -print -quit) ]]; then
    exec 9>&-
    continue
  fi
  if ! apt-cache show "libcurl4:$arch" > /dev/null 2>&1; then
    dpkg --print-foreign-architectures | grep -qx "$arch" || $sudo dpkg --add-architecture "$arch"
    $sudo apt-get update -qq
    apt-cache show "libcurl4:$arch" > /dev/null 2>&1 ||
      { echo "cross-sysroot: Debian has no libcurl4:$arch" >&2; exit 1; }
  fi
  want=$(closure "$arch")
  if [[ -f $dest/.packages && $(< "$dest/.packages") == "$want" ]]; then
    touch "$dest/.packages"
    exec 9>&-
    continue
  fi
  echo "cross-sysroot: unpacking libcurl4:$arch and $(($(wc -l <<< "$want") - 1)) libraries into $dest"
  tmp=$(mktemp -d "$root/.$arch.XXXXXX")
  mkdir "$tmp/debs" "$tmp/root"
  mapfile -t pkgs <<< "$want"
  # (as root, apt would hand the download to its sandbox user, which
  # cannot write into the private temporary folder)
  (cd "$tmp/debs" && apt-get download -qq "${as_root[@]}" "${pkgs[@]}")
  for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$tmp/root"
  done
  printf '%s\n' "$want" > "$tmp/root/.packages"
  ls "$tmp"/root/usr/lib/*/libcurl.so.4 > /dev/null ||
    { echo "cross-sysroot: libcurl4:$arch has no libcurl.so.4" >&2; exit 1; }
  old=""
  if [[ -e $dest ]]; then
    old=$root/.$arch.old.$$
    mv -T "$dest" "$old"
  fi
  mv -T "$tmp/root" "$dest"
  rm -rf "$tmp" ${old:+"$old"}
  exec 9>&-
done

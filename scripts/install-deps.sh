#!/usr/bin/env bash
# Installs the Debian 12 packages daggercc needs to build, test and
# cross-compile. Idempotent: asks apt only for what is missing. Run as root
# (or with sudo available).
set -euo pipefail
sudo=""
[[ $(id -u) -ne 0 ]] && sudo=sudo
packages=(
  build-essential cmake pkg-config git file python3 openssl ca-certificates
  wabt libcurl4-openssl-dev libsodium-dev libcunit1-dev
  clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 clang-format
  hyperfine gnuplot-nox
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
  gcc-s390x-linux-gnu qemu-user
)
# Cross-compiled programs load libsodium at run time where the target has
# it (Debian has no riscv64 build in bookworm): the tests run them under
# qemu-user, which finds the multiarch libraries.
foreign=(arm64 armhf s390x)
for arch in "${foreign[@]}"; do
  packages+=("libsodium23:$arch")
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  for arch in "${foreign[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$arch" || $sudo dpkg --add-architecture "$arch"
  done
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# libcurl4:ARCH cannot be installed beside the host's newer libssl3 (dpkg
# wants equal versions), so it is unpacked into the user's cache instead,
# where the cross tests find it (riscv64 has none: there they check that
# http(s) opens answer -UNSUPPORTED). Does nothing when it is up to date.
"$(dirname "$0")/cross-sysroot.sh" "${foreign[@]}"

#!/usr/bin/env bash
# Installs the Debian 12 packages daggercc needs to build, test and
# cross-compile. Idempotent: asks apt only for what is missing. Run as root
# (or with sudo available).
set -euo pipefail
packages=(
  build-essential cmake pkg-config git file python3 openssl ca-certificates
  wabt libcurl4-openssl-dev libsodium-dev libcunit1-dev
  clang-19 lld-19 wasi-libc clang-format
  hyperfine gnuplot-nox
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
  gcc-s390x-linux-gnu qemu-user
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo=sudo
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

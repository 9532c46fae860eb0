#!/usr/bin/env bash
# Installs the Debian 12 packages daggercc needs. Idempotent: asks apt only
# for what is missing. Run as root (or with sudo available).
#
#   install-deps.sh [--list] [demo|all]
#
#   demo    what building daggercc and compiling a module need
#           (scripts/demo.sh)
#   all     (default) that, plus what the whole test suite, the fuzz
#           targets, C guests, the cross targets and the benchmarks need
#           (scripts/test.sh)
#   --list  print the set's packages, one per line (foreign architectures
#           as NAME:ARCH), and install nothing
#
# Packages are installed without their Recommends, so every package whose
# files the build or the tests use is named here, or is a hard dependency
# of one named here: the lint test tests/lint/debian-deps.py checks that
# against the files the build records (cmake/DebianProbes.cmake).
set -euo pipefail
list=0 set=all
for arg in "$@"; do
  case $arg in
    --list) list=1 ;;
    demo | all) set=$arg ;;
    -h | --help)
      sed -n '2,18s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "install-deps: unknown argument '$arg' (expected --list, demo or all)" >&2
      exit 2
      ;;
  esac
done

# libssl-dev and dpkg-dev: the static libcurl of --static programs
# (cmake/StaticHttps.cmake) links OpenSSL's libssl.a and libcrypto.a and is
# built from curl's Debian source package, unpacked with dpkg-source. The
# patched wasm2c (cmake/Wasm2cLinear.cmake) is built from wabt's, with
# dpkg-dev's hard dependencies patch and xz-utils, and build-essential's
# g++ and make.
demo=(
  build-essential cmake pkg-config ca-certificates
  wabt libcurl4-openssl-dev libsodium-dev
  libssl-dev dpkg-dev
)
# clang-19 only recommends libclang-rt-19-dev (libFuzzer, the sanitizer
# runtimes), and each cross gcc only recommends its C library.
all=(
  "${demo[@]}"
  libcunit1-dev git file python3 openssl clang-format
  clang-19 lld-19 libclang-rt-19-dev
  wasi-libc libclang-rt-19-dev-wasm32
  hyperfine gnuplot-nox distcc
  qemu-user
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  gcc-s390x-linux-gnu libc6-dev-s390x-cross
)
# Cross-compiled programs load libsodium at run time where the target has
# it (Debian has no riscv64 build in bookworm): the tests run them under
# qemu-user, which finds the multiarch libraries.
foreign=()
if [[ $set == all ]]; then
  foreign=(arm64 armhf s390x)
  for arch in "${foreign[@]}"; do
    all+=("libsodium23:$arch")
  done
  packages=("${all[@]}")
else
  packages=("${demo[@]}")
fi

if [[ $list -eq 1 ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

sudo=""
[[ $(id -u) -ne 0 ]] && sudo=sudo
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
if [[ ${#foreign[@]} -gt 0 ]]; then
  "$(dirname "$0")/cross-sysroot.sh" "${foreign[@]}"
fi

# Builds the static libcurl of --static programs (docs/static-https.md), in
# script mode, for one target: cmake -DTRIPLE=... -P static-curl.cmake
#   TRIPLE   the target (aarch64-linux-gnu)      CC      its C compiler
#   ARCH     its Debian architecture (arm64)     HOST    1 for the host
#   SSL_LIB  the host's libssl.a (HOST only)     OUT     where the archives go
#   CACHE    the cache root (XDG_CACHE_HOME/daggercc)
#
# libcurl is Debian's source package, pinned below (version and SHA-256 of
# every file), unpacked with dpkg-source so that Debian's patches (its
# security fixes) are applied, and configured for HTTP and HTTPS only. It is
# built once per target and key into CACHE/static-https/TRIPLE-KEY (under a
# lock; a new pin, compiler, OpenSSL or this file makes a new key), then
# copied into OUT with OpenSSL's libssl.a and libcrypto.a: the host's from
# libssl-dev, another architecture's from libssl-dev:ARCH, fetched with
# apt-get download and only unpacked (never installed, as
# scripts/cross-sysroot.sh does). Any failure (no network, a package
# missing) leaves OUT absent and says why: programs then answer -10 as
# before, and --print-features says so. It never fails the build.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/DebianSource.cmake)

set(CURL_UPSTREAM 7.88.1)
set(CURL_DEBIAN 7.88.1-10+deb12u15)
set(CURL_POOL http://deb.debian.org/debian/pool/main/c/curl)
set(CURL_FILES
  "curl_${CURL_DEBIAN}.dsc" 2744f12e3aef161c0361743fa1b318296b122e566e47f381e4a63320fbcc23f4
  "curl_${CURL_UPSTREAM}.orig.tar.gz" cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7
  "curl_${CURL_UPSTREAM}.orig.tar.gz.asc" 7a5a55d7123149a1b357f298cf895bd0a601e3a2807005ef6c95f3752803485f
  "curl_${CURL_DEBIAN}.debian.tar.xz" 961b78bc48492c5693e4decb352ddd176f343260a8956f48b2887874048ef23b)
# HTTP/1.1 and HTTPS through OpenSSL, nothing else: no other protocol, no
# library beyond OpenSSL (no zlib, brotli, zstd, nghttp2, libidn2, libpsl,
# GSSAPI, LDAP, RTMP, SSH), no cookies, HSTS, alt-svc or netrc, and no CA
# path compiled in (rt/http.c finds the store at run time).
set(CURL_OPTIONS
  --disable-shared --enable-static --with-pic --with-openssl
  --without-zlib --without-brotli --without-zstd --without-nghttp2
  --without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3
  --without-libidn2 --without-libpsl --without-gssapi --without-libgsasl
  --without-librtmp --without-libssh2 --without-libssh --without-wolfssh
  --disable-ldap --disable-ldaps --disable-rtsp --disable-dict
  --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb
  --disable-smtp --disable-gopher --disable-mqtt --disable-ftp --disable-file
  --disable-manual --disable-libcurl-option --disable-ntlm --disable-ntlm-wb
  --disable-alt-svc --disable-hsts --disable-cookies --disable-netrc
  --disable-unix-sockets
  --without-ca-bundle --without-ca-path --without-ca-fallback)

function(give_up why)
  file(REMOVE_RECURSE "${OUT}")
  message(STATUS "static HTTPS for ${TRIPLE}: not built (${why}); "
    "--static programs answer -10 to http(s) opens")
  # (a normal exit: this never fails the build)
  set(GAVE_UP 1 PARENT_SCOPE)
endfunction()

# OpenSSL for the target: SSL_DIR gets a folder with lib/libssl.a,
# lib/libcrypto.a and include/ (openssl/*.h).
function(find_openssl)
  if(HOST)
    get_filename_component(libdir "${SSL_LIB}" DIRECTORY)
    if(NOT EXISTS "${SSL_LIB}" OR NOT EXISTS "${libdir}/libcrypto.a")
      set(FAILED "no libssl.a: install the Debian package libssl-dev" PARENT_SCOPE)
      return()
    endif()
    set(SSL_LIBDIR "${libdir}" PARENT_SCOPE)
    set(SSL_CPPFLAGS "" PARENT_SCOPE)
    file(STRINGS /usr/include/openssl/opensslv.h v
      REGEX "define OPENSSL_FULL_VERSION_STR")
    string(REGEX MATCH "\"[^\"]*\"" v "${v}")
    set(SSL_ID "the host's libssl-dev (OpenSSL ${v})" PARENT_SCOPE)
    return()
  endif()
  set(dir "${CACHE}/static-https/openssl-${ARCH}")
  file(LOCK "${dir}.lock" GUARD FUNCTION RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    set(FAILED "cannot lock ${dir}.lock: ${rc}" PARENT_SCOPE)
    return()
  endif()
  execute_process(COMMAND apt-get download --print-uris libssl-dev:${ARCH}
    OUTPUT_VARIABLE uri RESULT_VARIABLE rc ERROR_QUIET)
  # ('URI' FILE SIZE HASH; the URI is escaped, FILE is not)
  string(REGEX MATCH "' (libssl-dev_[^ ]*_${ARCH}\\.deb) " deb "${uri}")
  set(deb "${CMAKE_MATCH_1}")
  if(NOT rc EQUAL 0 OR NOT deb)
    set(FAILED "apt knows no libssl-dev:${ARCH} (dpkg --add-architecture ${ARCH}; apt-get update)" PARENT_SCOPE)
    return()
  endif()
  if(NOT EXISTS "${dir}/${deb}.unpacked")
    file(REMOVE_RECURSE "${dir}")
    file(MAKE_DIRECTORY "${dir}")
    run("apt-get download libssl-dev:${ARCH}" ${CMAKE_COMMAND} -E chdir "${dir}"
      apt-get download -qq -o APT::Sandbox::User=root libssl-dev:${ARCH})
    if(NOT FAILED)
      run("dpkg-deb -x ${deb}" dpkg-deb -x "${dir}/${deb}" "${dir}/root")
    endif()
    if(FAILED)
      set(FAILED "${FAILED}" PARENT_SCOPE)
      return()
    endif()
    file(REMOVE "${dir}/${deb}")
    file(TOUCH "${dir}/${deb}.unpacked")
  endif()
  set(SSL_LIBDIR "${dir}/root/usr/lib/${TRIPLE}" PARENT_SCOPE)
  set(SSL_CPPFLAGS "-I${dir}/root/usr/include/${TRIPLE} -I${dir}/root/usr/include" PARENT_SCOPE)
  set(SSL_ID "${deb}" PARENT_SCOPE)
endfunction()

# Downloads and unpacks the pinned source into ${work}/src.
function(fetch_source work)
  debian_source_fetch("${work}" "${CURL_POOL}" "curl_${CURL_DEBIAN}.dsc"
    ${CURL_FILES})
  if(FAILED)
    set(FAILED "${FAILED}" PARENT_SCOPE)
    return()
  endif()
  # Debian's patches also touch configure.ac and Makefile.am (its library
  # flavours); the shipped configure is used as it is, so the sources of
  # the generated files are made older than them, for make not to run the
  # autotools (a date in the future would fail configure's clock check).
  file(GLOB_RECURSE inputs "${work}/src/*Makefile.am" "${work}/src/m4/*.m4")
  execute_process(COMMAND touch -d 2000-01-01 ${inputs}
    ${work}/src/configure.ac ${work}/src/acinclude.m4)
  execute_process(COMMAND touch -d 2000-01-02 ${work}/src/aclocal.m4)
endfunction()

function(build_curl entry)
  string(RANDOM LENGTH 8 r)
  set(work "${CACHE}/static-https/.build-${TRIPLE}-${r}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}/build")
  message(STATUS "static HTTPS for ${TRIPLE}: building libcurl ${CURL_DEBIAN} "
    "once into ${entry} (a few minutes)")
  fetch_source("${work}")
  set(host_opt "")
  if(NOT HOST)
    set(host_opt --host=${TRIPLE})
  endif()
  if(NOT FAILED)
    run(configure ${CMAKE_COMMAND} -E chdir "${work}/build"
      ${CMAKE_COMMAND} -E env CC=${CC} "CPPFLAGS=${SSL_CPPFLAGS}"
      "LDFLAGS=-L${SSL_LIBDIR}" CFLAGS=-O2
      ../src/configure ${host_opt} ${CURL_OPTIONS})
  endif()
  if(NOT FAILED)
    run(make make -C "${work}/build/lib" -j2 libcurl.la)
  endif()
  publish_entry("${work}" "${work}/build/lib/.libs/libcurl.a" "${entry}")
  set(FAILED "${FAILED}" PARENT_SCOPE)
endfunction()

set(FAILED "")
set(GAVE_UP 0)
if(NOT CACHE)
  give_up("no cache folder: set XDG_CACHE_HOME or HOME")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E make_directory
  "${CACHE}/static-https" RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0)
  give_up("cannot create ${CACHE}/static-https")
  return()
endif()
find_openssl()
if(FAILED)
  give_up("${FAILED}")
  return()
endif()
# What the build depends on (RECIPE: bump it when build_curl changes).
set(RECIPE 1)
string(SHA256 key "${RECIPE};${CURL_FILES};${CURL_OPTIONS};${CC};${SSL_ID}")
string(SUBSTRING "${key}" 0 16 key)
set(entry "${CACHE}/static-https/${TRIPLE}-${key}")
cached_build("${CACHE}/static-https/${TRIPLE}.lock" "${entry}" libcurl.a
  build_curl)
if(FAILED)
  give_up("${FAILED}")
  return()
endif()
file(MAKE_DIRECTORY "${OUT}")
foreach(f "${entry}/libcurl.a" "${SSL_LIBDIR}/libssl.a" "${SSL_LIBDIR}/libcrypto.a")
  get_filename_component(name "${f}" NAME)
  file(COPY_FILE "${f}" "${OUT}/${name}" ONLY_IF_DIFFERENT)
endforeach()
file(WRITE "${OUT}/VERSION.tmp"
  "libcurl ${CURL_UPSTREAM} (Debian source ${CURL_DEBIAN}); OpenSSL from ${SSL_ID}\n")
file(COPY_FILE "${OUT}/VERSION.tmp" "${OUT}/VERSION" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}/VERSION.tmp")

# Builds wabt 1.0.32's wasm2c with third_party/wabt's patch (linear in the
# number of functions: third_party/wabt/README.md), in script mode:
#   cmake -DCACHE=... -DOUT=... -DCC=... -DCXX=... -DPATCH=... -P wasm2c-linear.cmake
#   CACHE  the cache root (XDG_CACHE_HOME/daggercc)   OUT    where wasm2c goes
#   CC     the C compiler   CXX  the C++ compiler     PATCH  the patch file
#
# wabt is Debian's source package, pinned below (the SHA-256 of every
# file), unpacked with dpkg-source (Debian's patch applied), then patched
# with PATCH, and only its wasm2c target is built, in Release, once per key
# into CACHE/wasm2c/KEY (under a lock; new pins, a new patch, another
# compiler or RECIPE make a new key). That folder is no entry of daggercc's
# cache (no manifest, not at the cache's top), so pruning never removes it.
# The binary is then copied into OUT with a VERSION line. Any failure (no
# network, a package missing) leaves OUT absent and says why: daggercc then
# runs Debian's wasm2c, as before. It never fails the build.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/DebianSource.cmake)

set(WABT_UPSTREAM 1.0.32)
set(WABT_DEBIAN 1.0.32-1)
set(WABT_POOL http://deb.debian.org/debian/pool/main/w/wabt)
set(WABT_FILES
  "wabt_${WABT_DEBIAN}.dsc" 05e51dee8519b5150c9b535dabbff6211d89d0a9b02bd2d150d6f829fc57e943
  "wabt_${WABT_UPSTREAM}.orig.tar.xz" 2e9fbcbe0ef64042f9691d995116954bc84823fe747a593d80a873566a18cba8
  "wabt_${WABT_DEBIAN}.debian.tar.xz" 62354750c6b317d321e2eddf3362f29e1341f90dca099403c885f967529f1487)
set(WABT_OPTIONS -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTS=OFF
  -DBUILD_LIBWASM=OFF -DWITH_WASI=OFF)

function(give_up why)
  file(REMOVE_RECURSE "${OUT}")
  message(STATUS "patched wasm2c: not built (${why}); daggercc runs "
    "Debian's wasm2c (quadratic in the number of functions)")
  # (a normal exit: this never fails the build)
endfunction()

# The compiler's identity, for the key.
function(compiler_id var cc)
  execute_process(COMMAND ${cc} --version OUTPUT_VARIABLE v
    RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    set(FAILED "${cc} --version failed: is it installed?" PARENT_SCOPE)
  endif()
  set(${var} "${v}" PARENT_SCOPE)
endfunction()

function(build_wasm2c entry)
  string(RANDOM LENGTH 8 r)
  set(work "${CACHE}/wasm2c/.build-${r}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}/build")
  message(STATUS "patched wasm2c: building wabt ${WABT_DEBIAN}'s wasm2c "
    "once into ${entry} (one to three minutes)")
  debian_source_fetch("${work}" "${WABT_POOL}" "wabt_${WABT_DEBIAN}.dsc"
    ${WABT_FILES})
  if(NOT FAILED)
    run("patch ${PATCH}" patch -d "${work}/src" -p1 --forward
      --no-backup-if-mismatch -i "${PATCH}")
  endif()
  # The environment's flags (a sanitizer build's, say) stay out: the key
  # does not cover them.
  set(env ${CMAKE_COMMAND} -E env --unset=CFLAGS --unset=CXXFLAGS
    --unset=LDFLAGS --unset=CPPFLAGS)
  if(NOT FAILED)
    run("configuring wabt" ${env} ${CMAKE_COMMAND} -S "${work}/src"
      -B "${work}/build" -G "Unix Makefiles" -DCMAKE_C_COMPILER=${CC}
      -DCMAKE_CXX_COMPILER=${CXX} ${WABT_OPTIONS})
  endif()
  if(NOT FAILED)
    run("building wasm2c" ${env} ${CMAKE_COMMAND} --build "${work}/build"
      --target wasm2c -j2)
  endif()
  publish_entry("${work}" "${work}/build/wasm2c" "${entry}")
  set(FAILED "${FAILED}" PARENT_SCOPE)
endfunction()

set(FAILED "")
if(NOT CACHE)
  give_up("no cache folder: set XDG_CACHE_HOME or HOME")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E make_directory "${CACHE}/wasm2c"
  RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0)
  give_up("cannot create ${CACHE}/wasm2c")
  return()
endif()
compiler_id(cc_id "${CC}")
compiler_id(cxx_id "${CXX}")
if(NOT EXISTS "${PATCH}")
  set(FAILED "no patch ${PATCH}")
endif()
if(FAILED)
  give_up("${FAILED}")
  return()
endif()
# What the binary depends on (RECIPE: bump it when build_wasm2c changes).
set(RECIPE 1)
file(SHA256 "${PATCH}" patch_sum)
string(SHA256 key
  "${RECIPE};${WABT_FILES};${WABT_OPTIONS};${patch_sum};${CC};${cc_id};${CXX};${cxx_id}")
string(SUBSTRING "${key}" 0 16 key)
set(entry "${CACHE}/wasm2c/wabt-${WABT_DEBIAN}-${key}")
cached_build("${CACHE}/wasm2c/build.lock" "${entry}" wasm2c build_wasm2c)
if(FAILED)
  give_up("${FAILED}")
  return()
endif()
file(MAKE_DIRECTORY "${OUT}")
file(COPY_FILE "${entry}/wasm2c" "${OUT}/wasm2c" ONLY_IF_DIFFERENT)
get_filename_component(patch_name "${PATCH}" NAME)
file(WRITE "${OUT}/VERSION.tmp" "wabt ${WABT_UPSTREAM} (Debian source "
  "${WABT_DEBIAN}) with ${patch_name}\n")
file(COPY_FILE "${OUT}/VERSION.tmp" "${OUT}/VERSION" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}/VERSION.tmp")

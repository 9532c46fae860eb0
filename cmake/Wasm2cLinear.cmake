# wasm2c linear in the number of functions (third_party/wabt/README.md):
# wabt 1.0.32's wasm2c built from Debian's source with our patch, in
# lib/daggercc/wabt/wasm2c, made by cmake/wasm2c-linear.cmake at build time
# (once per key: it caches the binary in the user's cache, and only copies
# it on later builds, a sanitizer build's included). daggercc runs it when
# it is there, and Debian's wasm2c otherwise; --print-features says which.
# Nothing here can fail the build.
#
# At build time rather than at configure time: configuring stays quick, and
# the cache folder is the one of the user who builds, as for static HTTPS.
option(DAGGER_WASM2C_LINEAR "Build wasm2c with the linear-locals patch" ON)

set(DAGGER_WASM2C_PATCH
  ${PROJECT_SOURCE_DIR}/third_party/wabt/c-writer-linear-locals.patch)
dagger_probe_program(DAGGER_PATCH_EXE patch "patch, applies our wabt patch")
dagger_probe_program(DAGGER_MAKE_EXE make "make, builds the patched wasm2c")
dagger_probe_program(DAGGER_XZ_EXE xz "xz, unpacks wabt's Debian source")

if(DAGGER_WASM2C_LINEAR)
  # The cache as daggercc finds it, decided when the build runs.
  add_custom_target(dagger-wasm2c ALL
    COMMAND sh -c "c=\${XDG_CACHE_HOME:-\${HOME:+\$HOME/.cache}}; exec \"$0\" -DCACHE=\${c:+\$c/daggercc} \"$@\""
      ${CMAKE_COMMAND} -DCC=${CMAKE_C_COMPILER} -DCXX=${CMAKE_CXX_COMPILER}
      -DPATCH=${DAGGER_WASM2C_PATCH} -DOUT=${DAGGER_OUT_LIB}/${DGC_WASM2C_DIR}
      -P ${PROJECT_SOURCE_DIR}/cmake/wasm2c-linear.cmake
    COMMENT "wasm2c, linear in the number of functions"
    VERBATIM)
else()
  # Switched off: no stale copy from an earlier build is left to be used.
  file(REMOVE_RECURSE ${DAGGER_OUT_LIB}/${DGC_WASM2C_DIR})
endif()
file(RELATIVE_PATH _dagger_lib ${PROJECT_BINARY_DIR} ${DAGGER_OUT_LIB})
install(DIRECTORY ${DAGGER_OUT_LIB}/${DGC_WASM2C_DIR}
  DESTINATION ${_dagger_lib} USE_SOURCE_PERMISSIONS OPTIONAL)

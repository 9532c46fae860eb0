# Static HTTPS for --static programs (docs/static-https.md): a purpose-built
# libcurl.a with OpenSSL's libssl.a and libcrypto.a, per target, in
# lib/daggercc/static-https/TRIPLE, made by cmake/static-curl.cmake at build
# time (once per target: it caches the libcurl it builds in the user's
# cache, and only copies it on later builds). daggercc links them into a
# --static program for a target whose folder is complete; without one, that
# program's http(s) opens answer -10 and --print-features says so. Nothing
# here can fail the build.
option(DAGGER_STATIC_HTTPS "Build a static libcurl for --static programs" ON)
set(DAGGER_STATIC_HTTPS_TARGETS "host;aarch64-linux-gnu" CACHE STRING
  "Targets whose --static programs get HTTPS (host, or triples of cross targets found)")

find_library(DAGGER_LIBSSL_A NAMES libssl.a)
dagger_probe("libssl.a, linked into --static programs" "${DAGGER_LIBSSL_A}")
find_program(DAGGER_DPKG_SOURCE dpkg-source)
dagger_probe("dpkg-source, unpacks curl's Debian source" "${DAGGER_DPKG_SOURCE}")

if(DAGGER_STATIC_HTTPS AND DGC_HOST_HAVE_CURL)
  get_property(_cross GLOBAL PROPERTY DAGGER_CROSS_TARGETS)
  foreach(row IN LISTS DGC_TARGET_TABLE)
    dgc_target_row("${row}")
    set(want FALSE)
    if(DGC_T_HOST AND "host" IN_LIST DAGGER_STATIC_HTTPS_TARGETS)
      set(want TRUE)
    elseif(DGC_T_TRIPLE IN_LIST DAGGER_STATIC_HTTPS_TARGETS
        AND DGC_T_TRIPLE IN_LIST _cross)
      set(want TRUE)
    endif()
    if(want)
      # The cache as daggercc finds it, decided when the build runs.
      add_custom_target(dagger-static-https-${DGC_T_TRIPLE} ALL
        COMMAND sh -c "c=\${XDG_CACHE_HOME:-\${HOME:+\$HOME/.cache}}; exec \"$0\" -DCACHE=\${c:+\$c/daggercc} \"$@\""
          ${CMAKE_COMMAND} -DTRIPLE=${DGC_T_TRIPLE} -DARCH=${DGC_T_ARCH}
          -DHOST=${DGC_T_HOST} -DCC=${DGC_T_CC} -DSSL_LIB=${DAGGER_LIBSSL_A}
          -DOUT=${DAGGER_OUT_LIB}/static-https/${DGC_T_TRIPLE}
          -P ${PROJECT_SOURCE_DIR}/cmake/static-curl.cmake
        COMMENT "Static HTTPS for ${DGC_T_TRIPLE}"
        VERBATIM)
    endif()
  endforeach()
endif()
file(RELATIVE_PATH _dagger_lib ${PROJECT_BINARY_DIR} ${DAGGER_OUT_LIB})
install(DIRECTORY ${DAGGER_OUT_LIB}/static-https DESTINATION ${_dagger_lib}
  OPTIONAL)

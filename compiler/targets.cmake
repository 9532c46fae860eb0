# The targets daggercc compiles for: one line per target, and a new target
# touches this table only. Everything else about a target is derived below
# from Debian's conventions, and written into config.h (DGC_TARGETS).
#
#   triple               Debian   qemu-user     byte   pointer  Debian 12
#                        arch     binary        order  bits     packages
set(DGC_TARGET_TABLE
  "x86_64-linux-gnu      amd64    qemu-x86_64   little 64       yes"
  "aarch64-linux-gnu     arm64    qemu-aarch64  little 64       yes"
  "arm-linux-gnueabihf   armhf    qemu-arm      little 32       yes"
  "riscv64-linux-gnu     riscv64  qemu-riscv64  little 64       no"
  "s390x-linux-gnu       s390x    qemu-s390x    big    64       yes")
# The last column: whether Debian 12's main archive has the architecture, so
# that its libsodium23 and libcurl4 can be installed for the programs to load
# (riscv64 is a port in bookworm: there random:// uses getrandom(2), and
# http(s) works where the machine has its own libcurl.so.4).

# The host: the triple its C compiler targets. A host missing from the table
# gets a row made from what CMake knows about it.
execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine
  OUTPUT_VARIABLE DGC_HOST_TRIPLE OUTPUT_STRIP_TRAILING_WHITESPACE)
set(_host_known FALSE)
foreach(row IN LISTS DGC_TARGET_TABLE)
  string(REGEX MATCH "^[^ ]+" _t "${row}")
  if(_t STREQUAL DGC_HOST_TRIPLE)
    set(_host_known TRUE)
  endif()
endforeach()
if(NOT _host_known)
  math(EXPR _bits "${CMAKE_SIZEOF_VOID_P} * 8")
  if(CMAKE_C_BYTE_ORDER STREQUAL BIG_ENDIAN)
    set(_order big)
  else()
    set(_order little)
  endif()
  list(APPEND DGC_TARGET_TABLE "${DGC_HOST_TRIPLE} host - ${_order} ${_bits} no")
endif()

# dgc_target_row(ROW): sets DGC_T_<field> for one line of the table.
#   TRIPLE ARCH QEMU BIG (0/1) BITS CC AR PACKAGE RUNNER DEBIAN (0/1) HOST (0/1)
macro(dgc_target_row row)
  string(REGEX REPLACE " +" ";" _f "${row}")
  list(GET _f 0 DGC_T_TRIPLE)
  list(GET _f 1 DGC_T_ARCH)
  list(GET _f 2 DGC_T_QEMU)
  list(GET _f 3 _order)
  list(GET _f 4 DGC_T_BITS)
  list(GET _f 5 _debian)
  set(DGC_T_BIG 0)
  if(_order STREQUAL big)
    set(DGC_T_BIG 1)
  endif()
  set(DGC_T_CC ${DGC_T_TRIPLE}-gcc)
  set(DGC_T_AR ${DGC_T_TRIPLE}-ar)
  set(DGC_T_PACKAGE gcc-${DGC_T_TRIPLE})
  # The cross C library: only recommended by the compiler's package.
  set(DGC_T_LIBC_PACKAGE libc6-dev-${DGC_T_ARCH}-cross)
  set(DGC_T_LIBC_FILE /usr/${DGC_T_TRIPLE}/include/stdio.h)
  # The cross toolchain's C library, first in the search path as well:
  # Debian's multiarch libc6:ARCH (which libsodium23:ARCH brings) is
  # another build, found through the host's ld.so.cache, and its libc with
  # the toolchain's ld.so crashes ("stack smashing detected", s390x).
  set(DGC_T_RUNNER "${DGC_T_QEMU} -L /usr/${DGC_T_TRIPLE} -E LD_LIBRARY_PATH=/usr/${DGC_T_TRIPLE}/lib")
  set(DGC_T_DEBIAN 0)
  if(_debian STREQUAL yes)
    set(DGC_T_DEBIAN 1)
  endif()
  set(DGC_T_HOST 0)
  if(DGC_T_TRIPLE STREQUAL DGC_HOST_TRIPLE)
    set(DGC_T_HOST 1)
    set(DGC_T_CC ${CMAKE_C_COMPILER})
    set(DGC_T_AR ${CMAKE_AR})
    set(DGC_T_PACKAGE build-essential)
    set(DGC_T_LIBC_PACKAGE libc6-dev)
    set(DGC_T_LIBC_FILE "")
    set(DGC_T_RUNNER "")
  endif()
endmacro()

# dgc_cross_usable(VAR): whether the current row's cross compiler, C
# library and qemu-user are all there (a C program links and qemu exists);
# says which package is missing otherwise. The files go to the Debian probes.
function(dgc_cross_usable var)
  set(ok FALSE)
  set(why "")
  dagger_probe_program(DGC_CC_${DGC_T_ARCH} ${DGC_T_CC})
  dagger_probe_program(DGC_QEMU_${DGC_T_ARCH} ${DGC_T_QEMU})
  dagger_probe_cc_file(_libc "${DGC_CC_${DGC_T_ARCH}}" libc.so)
  if(DGC_T_DEBIAN)
    dagger_probe_header("libsodium for ${DGC_T_ARCH}" libsodium.so.23
      /usr/lib/${DGC_T_TRIPLE})
  endif()
  if(NOT DGC_CC_${DGC_T_ARCH})
    set(why "no ${DGC_T_CC} (install the Debian package ${DGC_T_PACKAGE})")
  elseif(NOT DGC_QEMU_${DGC_T_ARCH})
    set(why "no ${DGC_T_QEMU} (install the Debian package qemu-user)")
  else()
    set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/cross-probe)
    file(WRITE ${dir}/probe.c "#include <stdio.h>\nint main(void) { return puts(\"\"); }\n")
    execute_process(COMMAND ${DGC_CC_${DGC_T_ARCH}} ${dir}/probe.c
        -o ${dir}/probe-${DGC_T_ARCH}
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(ok TRUE)
    else()
      set(why "${DGC_T_CC} cannot link a C program (install the Debian package ${DGC_T_LIBC_PACKAGE})")
    endif()
  endif()
  if(NOT ok)
    message(STATUS "cross target ${DGC_T_TRIPLE} skipped: ${why}")
  endif()
  set(${var} ${ok} PARENT_SCOPE)
endfunction()

# The cross targets whose compiler, C library and qemu are installed: CMake
# prebuilds their runtimes (drivers/CMakeLists.txt) and registers their
# tests.
set(DGC_CROSS_AVAILABLE "")
set(DGC_TARGETS "")
foreach(row IN LISTS DGC_TARGET_TABLE)
  dgc_target_row("${row}")
  string(APPEND DGC_TARGETS
    "{\"${DGC_T_TRIPLE}\", \"${DGC_T_ARCH}\", \"${DGC_T_CC}\", \"${DGC_T_AR}\", "
    "\"${DGC_T_PACKAGE}\", \"${DGC_T_LIBC_PACKAGE}\", \"${DGC_T_LIBC_FILE}\", "
    "\"${DGC_T_RUNNER}\", "
    "${DGC_T_BIG}, ${DGC_T_BITS} == 64, ${DGC_T_DEBIAN}, ${DGC_T_HOST}}, ")
  if(NOT DGC_T_HOST AND DAGGER_CROSS)
    dgc_cross_usable(_usable)
    if(_usable)
      list(APPEND DGC_CROSS_AVAILABLE ${DGC_T_TRIPLE})
    endif()
  endif()
endforeach()
set_property(GLOBAL PROPERTY DAGGER_CROSS_TARGETS ${DGC_CROSS_AVAILABLE})

# Debian probes: every file that the build and the tests take from a Debian
# package is recorded by the CMake code that finds it (dagger_probe_* next
# to the find_program/find_file using it), so a new dependency is added in
# one place. At the end of configuration the records go to
# ${PROJECT_BINARY_DIR}/debian-probes.txt, one "WHAT<TAB>PATH" a line (PATH
# "-" when it was not found), and the lint test tests/lint/debian-deps.py
# checks that the package owning each file (dpkg -S) is one that
# scripts/install-deps.sh installs, or a hard dependency of one.

# dagger_probe(WHAT PATH): record PATH (a file, possibly missing) as used.
function(dagger_probe what path)
  if(path AND IS_ABSOLUTE "${path}" AND EXISTS "${path}")
    get_filename_component(path "${path}" ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY DAGGER_PROBES "${what}\t${path}")
  else()
    set_property(GLOBAL APPEND PROPERTY DAGGER_PROBES "${what}\t-")
  endif()
endfunction()

# dagger_probe_program(VAR NAME [WHAT]): find_program(VAR NAME) and record it.
function(dagger_probe_program var name)
  find_program(${var} ${name})
  set(what ${ARGN})
  if(NOT what)
    set(what "program ${name}")
  endif()
  dagger_probe("${what}" "${${var}}")
endfunction()

# dagger_probe_cc_file(VAR CC FILE [ARGS...]): where the compiler CC (a
# command, possibly with arguments after FILE such as --target=...) finds
# FILE (-print-file-name), recorded; VAR gets the path or "".
function(dagger_probe_cc_file var cc file)
  set(path "")
  if(cc)
    execute_process(COMMAND ${cc} ${ARGN} -print-file-name=${file}
      OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT IS_ABSOLUTE "${path}" OR NOT EXISTS "${path}")
      set(path "")
    endif()
  endif()
  get_filename_component(ccname "${cc}" NAME)
  dagger_probe("${file} of ${ccname} ${ARGN}" "${path}")
  set(${var} "${path}" PARENT_SCOPE)
endfunction()

# dagger_probe_header(WHAT HEADER DIRS...): the first DIR/HEADER that exists.
function(dagger_probe_header what header)
  set(path "")
  foreach(dir ${ARGN})
    if(NOT path AND EXISTS "${dir}/${header}")
      set(path "${dir}/${header}")
    endif()
  endforeach()
  dagger_probe("${what}" "${path}")
endfunction()

# Called once, last: writes the records.
function(dagger_write_probes)
  get_property(probes GLOBAL PROPERTY DAGGER_PROBES)
  list(REMOVE_DUPLICATES probes)
  string(REPLACE ";" "\n" text "${probes}")
  file(WRITE ${PROJECT_BINARY_DIR}/debian-probes.txt "${text}\n")
endfunction()

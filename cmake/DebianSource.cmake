# What the scripts that build a pinned Debian source package into the
# user's cache share (static-curl.cmake, wasm2c-linear.cmake; script mode).
# Each function reports a failure in FAILED (empty on success) and never
# stops the build: the caller says why and goes on without its product.

# run(WHAT COMMAND...): runs COMMAND; on failure, shows the end of its
# output and sets FAILED to "WHAT failed (STATUS)".
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(LENGTH "${out}" n)
    if(n GREATER 2000)
      math(EXPR from "${n} - 2000")
      string(SUBSTRING "${out}" ${from} -1 out)
    endif()
    message(STATUS "${out}")
    set(FAILED "${what} failed (${rc})" PARENT_SCOPE)
  endif()
endfunction()

# debian_source_fetch(WORK POOL DSC NAME SHA256 [NAME SHA256]...): downloads
# each NAME from the pool folder POOL into WORK, checks its pinned SHA-256,
# and unpacks the source package DSC (one of the NAMEs) into WORK/src with
# dpkg-source, which applies Debian's patches.
function(debian_source_fetch work pool dsc)
  set(files ${ARGN})
  list(LENGTH files n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET files ${i} name)
    list(GET files ${j} sum)
    string(REPLACE "+" "%2B" url "${pool}/${name}")
    file(DOWNLOAD "${url}" "${work}/${name}" STATUS st INACTIVITY_TIMEOUT 60)
    list(GET st 0 code)
    if(NOT code EQUAL 0)
      set(FAILED "downloading ${url}: ${st}" PARENT_SCOPE)
      return()
    endif()
    file(SHA256 "${work}/${name}" got)
    if(NOT got STREQUAL sum)
      set(FAILED "${url}: SHA-256 ${got}, pinned ${sum}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  # The files' SHA-256 are pinned, so the .dsc's signature adds nothing
  # (and Debian's keyring may not be installed).
  set(FAILED "")
  run(dpkg-source ${CMAKE_COMMAND} -E chdir "${work}"
    dpkg-source --no-check -x "${dsc}" src)
  if(FAILED)
    set(FAILED "${FAILED} (dpkg-source: the Debian package dpkg-dev)" PARENT_SCOPE)
  endif()
endfunction()

# publish_entry(WORK FILE ENTRY): unless FAILED, ENTRY becomes a folder
# holding FILE alone, renamed into place in one step; WORK goes.
function(publish_entry work file entry)
  if(NOT FAILED)
    get_filename_component(name "${file}" NAME)
    file(MAKE_DIRECTORY "${work}/entry")
    file(COPY_FILE "${file}" "${work}/entry/${name}")
    file(REMOVE_RECURSE "${entry}")
    file(RENAME "${work}/entry" "${entry}")
  endif()
  file(REMOVE_RECURSE "${work}")
endfunction()

# cached_build(LOCK ENTRY FILE BUILDER): unless ENTRY/FILE exists, takes the
# lock file LOCK (other builders wait) and, if nobody built it meanwhile,
# calls the function BUILDER(ENTRY), which makes ENTRY or sets FAILED.
function(cached_build lock entry file builder)
  set(FAILED "")
  if(NOT EXISTS "${entry}/${file}")
    file(LOCK "${lock}" GUARD FUNCTION RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      set(FAILED "cannot lock ${lock}: ${rc}")
    elseif(NOT EXISTS "${entry}/${file}") # (nobody built it while we waited)
      cmake_language(CALL ${builder} "${entry}")
    endif()
  endif()
  set(FAILED "${FAILED}" PARENT_SCOPE)
endfunction()

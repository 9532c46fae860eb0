# dagger-interp: runs a Dagger module under wabt's interpreter library on the
# same runtime (daggerrt) that compiled programs link. C++ only because
# libwabt's interpreter API is C++.
find_package(wabt CONFIG REQUIRED)
get_target_property(_dagger_wabt_lib wabt::wabt LOCATION)
dagger_probe("wabt's interpreter library" "${_dagger_wabt_lib}")

file(GLOB DAGGER_INTERP_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/dagger-interp.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/dagger-interp-*.cc)
add_executable(dagger-interp ${DAGGER_INTERP_SOURCES})
target_link_libraries(dagger-interp PRIVATE dagger-cli dgc daggerrt wabt::wabt)
target_compile_options(dagger-interp PRIVATE ${DAGGER_WARNINGS})
target_compile_definitions(dagger-interp PRIVATE
  DAGGER_VERSION="${PROJECT_VERSION}")
# libwabt's headers are not ours to keep warning-free.
get_target_property(_dagger_wabt_inc wabt::wabt INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(dagger-interp SYSTEM PRIVATE ${_dagger_wabt_inc})

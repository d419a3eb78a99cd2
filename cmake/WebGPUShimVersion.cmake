# The library's version, Cargo.toml's, and the soname version build.rs gives it on
# Linux: 0.x releases break at the minor version (semver), so 0.MINOR, then MAJOR.
# Sets WEBGPU_SHIM_VERSION and WEBGPU_SHIM_SOVERSION; used by the top-level project
# and by c-tests/ (before either's project(), so it needs no language).
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../Cargo.toml _webgpu_shim_version_line
     REGEX "^version = " LIMIT_COUNT 1)
string(REGEX MATCH "([0-9]+)\\.([0-9]+)\\.([0-9]+)" WEBGPU_SHIM_VERSION "${_webgpu_shim_version_line}")
if(CMAKE_MATCH_1 STREQUAL "0")
    set(WEBGPU_SHIM_SOVERSION 0.${CMAKE_MATCH_2})
else()
    set(WEBGPU_SHIM_SOVERSION ${CMAKE_MATCH_1})
endif()

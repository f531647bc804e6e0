# cmake -DSOURCE_DIR=DIR [-DVERSION=X.Y.Z] -P check-version.cmake
#
# The ctest test `version`: fails (and names each file) when a copy of the
# version differs from SOURCE_DIR/VERSION. VERSION overrides the file, so
# the test `version-detects-mismatch` can show the check really fails.
include(${CMAKE_CURRENT_LIST_DIR}/EngschedVersion.cmake)

if(NOT DEFINED SOURCE_DIR)
    message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=DIR [-DVERSION=X.Y.Z] -P check-version.cmake")
endif()
if(NOT DEFINED VERSION)
    engsched_read_version("${SOURCE_DIR}" VERSION)
endif()
engsched_version_mismatches("${SOURCE_DIR}" "${VERSION}" _bad)
if(_bad)
    list(JOIN _bad "\n  " _text)
    message(FATAL_ERROR "version mismatch with VERSION (${VERSION}):\n  ${_text}")
endif()
message(STATUS "version ${VERSION}: header, pyproject.toml and __version__ agree")

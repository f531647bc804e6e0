# The version is defined once, in the top-level VERSION file (one line,
# MAJOR.MINOR.PATCH). CMake's project() reads it; the copies that must stay
# plain checked-in text — the public header's macros (the header is
# installed and compiled as is by the header tests), the Python package's
# pyproject.toml (setuptools refuses a version file outside the package
# directory) and, when present, engsched.__version__ — are compared with it
# by engsched_version_mismatches(), at configure time and by the ctest test
# `version` (cmake/check-version.cmake).

# engsched_read_version(SOURCE_DIR OUT_VAR): the version in SOURCE_DIR/VERSION.
function(engsched_read_version source_dir out_var)
    file(STRINGS "${source_dir}/VERSION" _v LIMIT_COUNT 1)
    string(STRIP "${_v}" _v)
    if(NOT _v MATCHES "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$")
        message(FATAL_ERROR "${source_dir}/VERSION: '${_v}' is not MAJOR.MINOR.PATCH")
    endif()
    set(${out_var} "${_v}" PARENT_SCOPE)
endfunction()

# _engsched_define(FILE MACRO OUT_VAR): the value of `#define MACRO value`.
function(_engsched_define file macro out_var)
    file(STRINGS "${file}" _line REGEX "^#define ${macro} ")
    string(REGEX REPLACE "^#define ${macro} +\"?([^\"]*)\"?.*$" "\\1" _value "${_line}")
    set(${out_var} "${_value}" PARENT_SCOPE)
endfunction()

# engsched_version_mismatches(SOURCE_DIR VERSION OUT_VAR): a list of
# "file: what" messages, one per copy of the version that differs from
# VERSION (empty when all agree).
function(engsched_version_mismatches source_dir version out_var)
    string(REGEX MATCH "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$" _m "${version}")
    set(_major ${CMAKE_MATCH_1})
    set(_minor ${CMAKE_MATCH_2})
    set(_patch ${CMAKE_MATCH_3})
    math(EXPR _number "${_major} * 1000000 + ${_minor} * 1000 + ${_patch}")
    set(_bad "")

    set(_h "${source_dir}/include/engsched/engsched.h")
    foreach(pair "VERSION_MAJOR=${_major}" "VERSION_MINOR=${_minor}"
                 "VERSION_PATCH=${_patch}" "VERSION=${version}" "VERSION_NUMBER=${_number}")
        string(REPLACE "=" ";" pair "${pair}")
        list(GET pair 0 _name)
        list(GET pair 1 _want)
        _engsched_define("${_h}" "ENGSCHED_${_name}" _have)
        if(NOT _have STREQUAL _want)
            list(APPEND _bad "${_h}: ENGSCHED_${_name} is '${_have}', VERSION says '${_want}'")
        endif()
    endforeach()

    set(_py "${source_dir}/bindings/python/pyproject.toml")
    file(STRINGS "${_py}" _line REGEX "^version *= *\"")
    string(REGEX REPLACE "^version *= *\"([^\"]*)\".*$" "\\1" _have "${_line}")
    if(NOT _have STREQUAL version)
        list(APPEND _bad "${_py}: version is '${_have}', VERSION says '${version}'")
    endif()

    # The package's __version__ is optional; when it is there it must agree.
    set(_init "${source_dir}/bindings/python/engsched/__init__.py")
    if(EXISTS "${_init}")
        file(STRINGS "${_init}" _line REGEX "^__version__ *=")
        if(_line)
            string(REGEX REPLACE "^__version__ *= *[\"']([^\"']*)[\"'].*$" "\\1" _have "${_line}")
            if(NOT _have STREQUAL version)
                list(APPEND _bad "${_init}: __version__ is '${_have}', VERSION says '${version}'")
            endif()
        endif()
    endif()
    set(${out_var} "${_bad}" PARENT_SCOPE)
endfunction()

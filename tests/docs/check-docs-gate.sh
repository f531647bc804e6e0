#!/usr/bin/env bash
# check-docs-gate.sh DOXYGEN DOXYFILE WORKDIR
#
# Runs check-docs.sh with the project's Doxyfile over small generated
# headers and asserts that it fails for an undocumented ENGSCHED_API
# function, for an undocumented parameter and for a header without @file,
# and passes for a fully documented header.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 DOXYGEN DOXYFILE WORKDIR" >&2; exit 2; }
doxygen=$1 doxyfile=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
status=0

run_case() {  # run_case NAME EXPECT(pass|fail) MUST_MENTION HEADER_TEXT
    local name=$1 expect=$2 mention=$3 text=$4
    local dir=$work/$name
    rm -rf "$dir"
    mkdir -p "$dir/include/engsched" "$dir/out"
    printf '%s\n' "$text" > "$dir/include/engsched/gate.h"
    cat > "$dir/Doxyfile" <<EOF2
@INCLUDE               = $doxyfile
INPUT                  = $dir/include/engsched
USE_MDFILE_AS_MAINPAGE =
OUTPUT_DIRECTORY       = $dir/out
WARN_LOGFILE           = $dir/out/warnings.log
EOF2
    local out rc
    set +e
    out=$("$here/check-docs.sh" "$doxygen" "$dir/Doxyfile" "$dir/include/engsched" 2>&1)
    rc=$?
    set -e
    if [ "$expect" = fail ] && [ $rc -eq 0 ]; then
        echo "FAIL [$name]: the docs check passed but should have failed:"
        echo "$out"; status=1; return
    fi
    if [ "$expect" = pass ] && [ $rc -ne 0 ]; then
        echo "FAIL [$name]: the docs check failed on a fully documented header:"
        echo "$out"; status=1; return
    fi
    if [ -n "$mention" ] && ! grep -q -- "$mention" <<<"$out"; then
        echo "FAIL [$name]: the output does not mention '$mention':"
        echo "$out"; status=1; return
    fi
    echo "OK [$name]: docs check ${expect}ed as expected"
}

documented='/** @file gate.h
 *  @brief A header used to test the documentation gate. */
#include <engsched/common.h>
/** @brief Adds.
 *  @param a first
 *  @param b second
 *  @return the sum */
ENGSCHED_API int engsched_gate_add(int a, int b);'

run_case documented pass "" "$documented"

run_case undocumented-function fail "engsched_gate_hidden" "$documented
ENGSCHED_API int engsched_gate_hidden(int a);"

run_case undocumented-param fail "engsched_gate_sub" "$documented
/** @brief Subtracts.
 *  @param a first
 *  @return the difference */
ENGSCHED_API int engsched_gate_sub(int a, int b);"

run_case no-file-comment fail "no @file" "#include <engsched/common.h>
/** @brief Documented, but the file is not.
 *  @return 0 */
ENGSCHED_API int engsched_gate_orphan(void);"

exit $status

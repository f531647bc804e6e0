#!/usr/bin/env bash
# check-headers-gate.sh CC CXX WORKDIR
#
# Proves that check-headers.sh can fail: it is run over small generated
# include trees and must
#   - pass for a header that includes what it uses,
#   - fail, naming it, for a header that uses size_t without <stddef.h>
#     (it compiled only where something else was included first),
#   - fail, naming it, for a header that is valid C but not C++ (an
#     implicit conversion from void *) when a C++ compiler is given.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 CC CXX WORKDIR" >&2; exit 2; }
cc=$1 cxx=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
status=0

run_case() {  # run_case NAME EXPECT(pass|fail) MUST_MENTION HEADER_TEXT
    local name=$1 expect=$2 mention=$3 text=$4
    local dir=$work/$name out rc
    rm -rf "$dir"
    mkdir -p "$dir/include/engsched"
    printf '%s\n' "$text" > "$dir/include/engsched/gate.h"
    set +e
    out=$("$here/check-headers.sh" "$cc" "$cxx" "$dir/include" "$dir/out" 2>&1)
    rc=$?
    set -e
    if [ "$expect" = fail ] && [ $rc -eq 0 ]; then
        echo "FAIL [$name]: the header check passed but should have failed:"
        echo "$out"; status=1; return
    fi
    if [ "$expect" = pass ] && [ $rc -ne 0 ]; then
        echo "FAIL [$name]: the header check failed on a self-contained header:"
        echo "$out"; status=1; return
    fi
    if [ -n "$mention" ] && ! grep -q -- "$mention" <<<"$out"; then
        echo "FAIL [$name]: the output does not mention '$mention':"
        echo "$out"; status=1; return
    fi
    echo "OK [$name]: header check ${expect}ed as expected"
}

run_case self-contained pass "" '#ifndef GATE_H
#define GATE_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
size_t engsched_gate_size(const void *p, size_t n);
#ifdef __cplusplus
}
#endif
#endif'

run_case missing-include fail "FAIL \[c\]: gate.h" '#ifndef GATE_H
#define GATE_H
size_t engsched_gate_size(const void *p, size_t n);
#endif'

if [ -n "$cxx" ]; then
    run_case c-only fail "FAIL \[c++\]: gate.h" '#ifndef GATE_H
#define GATE_H
static inline int *engsched_gate_ints(void *p) { int *q = p; return q; }
#endif'
else
    echo "SKIP [c-only]: no C++ compiler, the C++ half cannot be proved"
fi

exit $status

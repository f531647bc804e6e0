#!/usr/bin/env bash
# check-headers.sh CC CXX INCLUDE_ROOT WORKDIR
#
# Every public header must compile alone, as libgit2's tests/headertest
# checks: for each INCLUDE_ROOT/engsched/X.h a translation unit whose first
# and only line is `#include <engsched/X.h>` is compiled
#   - as C11 with CC:   -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror
#   - as C++11 with CXX: -std=c++11 -Wall -Wextra -Wpedantic -Werror
# so a header that leans on something another header or the host happened
# to include first, or that is not valid C++ inside its extern "C", fails.
# Then the static initialisers (ENGSCHED_*_INIT) are used once in each
# language, since a macro is only checked where it is expanded.
#
# CXX may be empty (no C++ compiler found): the C++ half is skipped with a
# message, never installed for the test.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 CC CXX INCLUDE_ROOT WORKDIR" >&2; exit 2; }
cc=$1 cxx=$2 root=$3 work=$4
c_flags=(-std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror)
cxx_flags=(-std=c++11 -Wall -Wextra -Wpedantic -Werror)

shopt -s nullglob
headers=("$root"/engsched/*.h)
[ ${#headers[@]} -gt 0 ] || { echo "FAIL: no headers in $root/engsched"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
status=0

compile() {  # compile LANG(c|c++) NAME SOURCE_TEXT
    local lang=$1 name=$2 text=$3 src out
    if [ "$lang" = c ]; then
        src=$work/$name.c
    else
        src=$work/$name.cpp
    fi
    printf '%s\n' "$text" > "$src"
    set +e
    if [ "$lang" = c ]; then
        out=$("$cc" "${c_flags[@]}" -I"$root" -c "$src" -o "$src.o" 2>&1)
    else
        out=$("$cxx" "${cxx_flags[@]}" -I"$root" -c "$src" -o "$src.o" 2>&1)
    fi
    local rc=$?
    set -e
    if [ $rc -ne 0 ]; then
        echo "FAIL [$lang]: $name does not compile alone:"
        printf '%s\n' "$out" | sed 's/^/    /'
        status=1
    else
        echo "OK   [$lang]: $name"
    fi
}

langs=(c)
if [ -n "$cxx" ]; then
    langs+=(c++)
else
    echo "SKIP [c++]: no C++ compiler found (looked for g++, c++, clang++);" \
         "the headers are checked as C only"
fi

for lang in "${langs[@]}"; do
    for h in "${headers[@]}"; do
        name=$(basename "$h")
        compile "$lang" "$name" "#include <engsched/$name>"
    done
    # The initialisers, each with the one header that defines it.
    if [ -f "$root/engsched/storage.h" ] && [ -f "$root/engsched/engsched.h" ]; then
        compile "$lang" "init-macros" '#include <engsched/storage.h>
engsched_storage storage_table = ENGSCHED_STORAGE_INIT;
engsched_options options = ENGSCHED_OPTIONS_INIT;
engsched_backup_options backup_options = ENGSCHED_BACKUP_OPTIONS_INIT;
engsched_export_options export_options = ENGSCHED_EXPORT_OPTIONS_INIT;'
    fi
done

if [ $status -eq 0 ]; then
    echo "OK: ${#headers[@]} public headers compile alone (${langs[*]})"
fi
exit $status

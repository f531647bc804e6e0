#!/usr/bin/env bash
# check-abi-checker.sh CASE LIB WORKDIR
#
# Proves that scripts/abi-check.sh really tells breaks from additions, using
# the real ABI dump of LIB and hand-edited copies of it:
#   removal      old = real dump, new = dump without one public function
#                -> the checker must FAIL (abidiff exit bit 8)
#   enum-change  old = real dump, new = dump with an engsched_rc enumerator
#                value changed -> the checker must FAIL (not an addition)
#   addition     old = dump without one public function, new = real dump
#                -> the checker must PASS and say "compatible additions"
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 removal|enum-change|addition LIB WORKDIR" >&2; exit 2; }
case_=$1 lib=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
checker=$here/../../scripts/abi-check.sh
func=${ENGSCHED_ABI_TEST_FUNCTION:-engsched_rc_describe}
enumerator=${ENGSCHED_ABI_TEST_ENUMERATOR:-ENGSCHED_EINVAL}

rm -rf "$work"
mkdir -p "$work"
real=$work/real.abi
"$checker" dump "$lib" "$real" >/dev/null

# A copy of the dump without $func: its ELF symbol and its function-decl
# (self-closing or with children) are removed.
without_func() {
    awk -v f="$func" '
        skipping {
            if ($0 ~ /<\/function-decl>/) skipping = 0
            next
        }
        $0 ~ "<elf-symbol name=\x27" f "\x27" { next }
        $0 ~ "<function-decl name=\x27" f "\x27" {
            if ($0 !~ /\/>[[:space:]]*$/ && $0 !~ /<\/function-decl>/) skipping = 1
            next
        }
        { print }' "$real"
}

run_checker() {  # run_checker OLD NEW -> $out, $status
    set +e
    out=$("$checker" compare "$1" "$2" 2>&1)
    status=$?
    set -e
    echo "$out"
    echo "-- checker exit status: $status"
}

grep -q "<function-decl name='$func'" "$real" || {
    echo "FAIL: $func is not in the ABI dump of $lib; set ENGSCHED_ABI_TEST_FUNCTION"; exit 1; }

case "$case_" in
removal)
    without_func > "$work/without.abi"
    if grep -q "'$func'" "$work/without.abi"; then
        echo "FAIL: could not remove $func from the dump (format changed?)"; exit 1
    fi
    run_checker "$real" "$work/without.abi"
    set +e; abidiff "$real" "$work/without.abi" >/dev/null; raw=$?; set -e
    if [ $status -eq 0 ]; then
        echo "FAIL: the ABI checker accepted the removal of $func"; exit 1
    fi
    if (( (raw & 8) == 0 )); then
        echo "FAIL: abidiff did not flag the removal of $func as incompatible (exit $raw)"; exit 1
    fi
    grep -q "$func" <<<"$out" || { echo "FAIL: the report does not name $func"; exit 1; }
    echo "OK: removing $func is reported as incompatible (abidiff exit $raw) and fails the check"
    ;;
enum-change)
    sed "s/<enumerator name='$enumerator' value='[0-9-]*'/<enumerator name='$enumerator' value='4242'/" \
        "$real" > "$work/enum.abi"
    if cmp -s "$real" "$work/enum.abi"; then
        echo "FAIL: enumerator $enumerator not found in the dump; set ENGSCHED_ABI_TEST_ENUMERATOR"; exit 1
    fi
    run_checker "$real" "$work/enum.abi"
    if [ $status -eq 0 ]; then
        echo "FAIL: the ABI checker accepted a changed value of $enumerator"; exit 1
    fi
    grep -q "$enumerator" <<<"$out" || { echo "FAIL: the report does not name $enumerator"; exit 1; }
    echo "OK: changing the value of $enumerator fails the check"
    ;;
addition)
    without_func > "$work/without.abi"
    run_checker "$work/without.abi" "$real"
    if [ $status -ne 0 ]; then
        echo "FAIL: the ABI checker rejected a pure addition of $func"; exit 1
    fi
    grep -q "compatible additions" <<<"$out" || {
        echo "FAIL: the checker passed but did not report the addition"; exit 1; }
    echo "OK: checker accepted a pure addition ($func)"
    ;;
*)
    echo "unknown case: $case_" >&2; exit 2
    ;;
esac

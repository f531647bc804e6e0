#!/usr/bin/env bash
# abi-check.sh — libabigail ABI discipline for libengsched (docs/abi.md).
#
#   abi-check.sh dump    LIB OUT.abi        write the ABI of LIB to OUT.abi
#   abi-check.sh check   LIB BASELINE.abi   dump LIB, compare with BASELINE
#   abi-check.sh compare OLD.abi NEW.abi    compare two dumps
#
# The verdict of check/compare:
#   - abidiff error (exit bit 1) or usage error (bit 2)      -> FAIL
#   - incompatible change (bit 8: e.g. a removed function)  -> FAIL
#   - any other change (bit 4) that is not a pure addition
#     (changed type layout, changed enumerator value, ...)  -> FAIL
#   - pure additions of functions/variables                  -> PASS, with
#     a note to update the baseline and CHANGELOG
#   - no change                                               -> PASS
#
# Public types are those declared in the headers of ENGSCHED_HEADERS_DIR
# (default: include/engsched next to this script).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
headers=${ENGSCHED_HEADERS_DIR:-$here/../include/engsched}

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "FAIL: $1 not found (Debian package: abigail-tools)" >&2; exit 1; }
}

dump() {  # dump LIB OUT
    local lib=$1 out=$2
    need abidw
    [ -f "$lib" ] || { echo "FAIL: library not found: $lib" >&2; exit 1; }
    [ -d "$headers" ] || { echo "FAIL: headers dir not found: $headers" >&2; exit 1; }
    if ! readelf -S "$lib" | grep -c '\.debug_info' >/dev/null; then
        echo "FAIL: $lib has no DWARF (.debug_info); abidw needs it to see types" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$out")"
    # Only the exported interface and the public types it reaches are
    # written. Source locations, paths and DT_NEEDED (which differs in
    # sanitizer builds) are left out, so the dump changes only when the ABI
    # does, whatever the checkout path, build type or edits inside lib/;
    # hashed type ids keep the baseline diff small when the API grows.
    abidw --headers-dir "$headers" \
          --drop-private-types \
          --exported-interfaces-only \
          --no-corpus-path --no-comp-dir-path --no-show-locs --short-locs --no-elf-needed \
          --type-id-style hash \
          --out-file "$out" "$lib"
}

abidiff_rc() {  # abidiff_rc OLD NEW [extra abidiff args] -> sets $rc and $report
    local old=$1 new=$2; shift 2
    set +e
    report=$(abidiff "$@" "$old" "$new" 2>&1)
    rc=$?
    set -e
    [ -z "$report" ] || echo "$report"
}

compare() {  # compare OLD NEW
    local old=$1 new=$2
    need abidiff
    [ -f "$old" ] || { echo "FAIL: baseline not found: $old" >&2
        echo "      create it with: cmake --build build --target abi-baseline" >&2; exit 1; }
    [ -f "$new" ] || { echo "FAIL: dump not found: $new" >&2; exit 1; }

    echo "== abidiff $old $new"
    abidiff_rc "$old" "$new"
    echo "== abidiff exit status $rc"

    if (( rc & 1 )); then
        echo "FAIL: abidiff reported an error (exit bit 1)"; exit 1
    fi
    if (( rc & 2 )); then
        echo "FAIL: abidiff usage error (exit bit 2)"; exit 1
    fi
    if (( rc & 8 )); then
        echo "FAIL: INCOMPATIBLE ABI change (abidiff exit bit 8), see the report above."
        echo "      An intentional break needs, in one commit: a new major version in"
        echo "      CMakeLists.txt project() (-> new SONAME), a regenerated baseline"
        echo "      (cmake --build build --target abi-baseline) and a CHANGELOG entry"
        echo "      under 'Changed (breaking)'. See docs/abi.md."
        exit 1
    fi
    if (( rc & 4 )); then
        # Bit 4 alone covers both additions and harmful changes to existing
        # types; look again with additions hidden to tell them apart.
        local rc1=$rc
        abidiff_rc "$old" "$new" --no-added-syms >/dev/null
        local rc2=$rc
        rc=$rc1
        if (( rc2 & 4 )) || grep -Eq '[1-9][0-9]* Changed|[1-9][0-9]* Removed' <<<"$report"; then
            echo "FAIL: the ABI changed in a way that is not a pure addition (abidiff"
            echo "      --no-added-syms still reports changes, exit status $rc2; see above)."
            echo "      If this is intended (and compatible by docs/abi.md, e.g. a field"
            echo "      appended to a versioned option struct), regenerate the baseline"
            echo "      with 'cmake --build build --target abi-baseline' and add a"
            echo "      CHANGELOG line; otherwise it is a break (see docs/abi.md)."
            exit 1
        fi
        echo "PASS: compatible additions: update the baseline with \`cmake --build build --target abi-baseline\` and add a CHANGELOG line"
        exit 0
    fi
    echo "PASS: no ABI change against $(basename "$old")"
    if grep -q 'filtered out' <<<"$report"; then
        echo "      (abidiff filtered out harmless changes, e.g. appended enumerators;"
        echo "      refresh the baseline with 'cmake --build build --target abi-baseline')"
    fi
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
    dump)
        [ $# -eq 2 ] || usage
        dump "$1" "$2"
        echo "wrote $2"
        ;;
    check)
        [ $# -eq 2 ] || usage
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        dump "$1" "$tmp/current.abi"
        compare "$2" "$tmp/current.abi"
        ;;
    compare)
        [ $# -eq 2 ] || usage
        compare "$1" "$2"
        ;;
    *)
        usage
        ;;
esac

#!/usr/bin/env bash
# check-exports.sh LIB HEADERS_DIR
#
# The set of engsched_* symbols the shared library exports (nm -D
# --defined-only) must equal exactly the set of functions declared with
# ENGSCHED_API in HEADERS_DIR/*.h, and nothing else may be exported.
# Prints both differences on failure.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 LIBRARY HEADERS_DIR" >&2
    exit 2
fi
lib=$1
hdrdir=$2

[ -f "$lib" ] || { echo "FAIL: library not found: $lib" >&2; exit 1; }
shopt -s nullglob
headers=("$hdrdir"/*.h)
[ ${#headers[@]} -gt 0 ] || { echo "FAIL: no headers in $hdrdir" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- declared: the identifier right before the first '(' after ENGSCHED_API.
# Comments and preprocessor lines (with continuations) are removed first, so
# `#define ENGSCHED_API ...` and mentions in comments do not count; a
# declaration may span lines. `__attribute__((...))` is skipped; a function
# returning a function pointer, `T (*name(args))(...)`, yields `name`.
perl -0777 -e '
    my $bad = 0;
    for my $f (@ARGV) {
        open(my $fh, "<", $f) or die "$f: $!";
        local $/; my $s = <$fh>; close $fh;
        $s =~ s{/\*.*?\*/}{ }gs;                 # block comments
        $s =~ s{//[^\n]*}{}g;                    # line comments
        $s =~ s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{}gm;  # preprocessor lines
        $s =~ s{__attribute__\s*\(\(.*?\)\)}{ }gs;
        while ($s =~ /\bENGSCHED_API\b([^;{]*?)\(/gs) {
            my $before = $1;
            my $pos = pos($s);
            my $name;
            if ($before =~ /([A-Za-z_]\w*)\s*$/) { $name = $1; }
            if (substr($s, $pos) =~ /^\s*\*\s*([A-Za-z_]\w*)\s*\(/) { $name = $1; }
            if (!defined $name || $name !~ /^engsched_\w+$/) {
                my $ctx = substr($s, $-[0], 120); $ctx =~ s/\s+/ /g;
                print STDERR "FAIL: $f: cannot find an engsched_ function name in: $ctx\n";
                $bad = 1; next;
            }
            print "$name\n";
        }
    }
    exit $bad;
' "${headers[@]}" > "$tmp/declared_raw" || parse_failed=1
LC_ALL=C sort -u "$tmp/declared_raw" > "$tmp/declared"

# --- exported: defined dynamic symbols, version suffixes stripped, version
# node symbols (ENGSCHED_0, type A) and _init/_fini ignored.
nm -D --defined-only "$lib" > "$tmp/nm"
awk '
    NF >= 2 {
        type = $(NF-1); name = $NF
        sub(/@.*/, "", name)
        if (type == "A") next                 # version node definitions
        if (name == "_init" || name == "_fini") next
        print name
    }' "$tmp/nm" | LC_ALL=C sort -u > "$tmp/exported"

grep '^engsched_' "$tmp/exported" > "$tmp/exported_api" || true
grep -v '^engsched_' "$tmp/exported" > "$tmp/exported_other" || true

status=${parse_failed:-0}
if [ ! -s "$tmp/declared" ]; then
    echo "FAIL: no ENGSCHED_API declarations found in $hdrdir/*.h"
    status=1
fi

missing=$(LC_ALL=C comm -23 "$tmp/declared" "$tmp/exported_api")
extra=$(LC_ALL=C comm -13 "$tmp/declared" "$tmp/exported_api")
if [ -n "$missing" ]; then
    echo "FAIL: declared with ENGSCHED_API but not exported by $(basename "$lib") (not defined, or not marked ENGSCHED_API in the definition's declaration):"
    sed 's/^/  /' <<<"$missing"
    status=1
fi
if [ -n "$extra" ]; then
    echo "FAIL: exported by $(basename "$lib") but not declared with ENGSCHED_API in a public header:"
    sed 's/^/  /' <<<"$extra"
    status=1
fi
if [ -s "$tmp/exported_other" ]; then
    echo "FAIL: non-engsched_ symbols exported (check lib/engsched.map and visibility):"
    sed 's/^/  /' "$tmp/exported_other"
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "OK: $(wc -l < "$tmp/declared") exported functions match the ENGSCHED_API declarations:"
    sed 's/^/  /' "$tmp/declared"
fi
exit "$status"

#!/usr/bin/env bash
# check-docs.sh DOXYGEN DOXYFILE HEADERS_DIR
#
# Builds the API documentation and fails on any doxygen warning. Also fails
# when a public header has no @file block: doxygen does not warn about the
# members of an undocumented file, so such a header would escape the gate.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 DOXYGEN DOXYFILE HEADERS_DIR" >&2; exit 2; }
doxygen=$1 doxyfile=$2 hdrdir=$3
status=0

shopt -s nullglob
for h in "$hdrdir"/*.h; do
    if ! grep -Eq '^[[:space:]/*]*[@\\]file\b' "$h"; then
        echo "FAIL: $h has no @file comment (doxygen would skip its members silently)"
        status=1
    fi
done

# The log file is named in the Doxyfile (WARN_LOGFILE), possibly via @INCLUDE
# plus an override: the last assignment wins.
log=$(sed -n 's/^[[:space:]]*WARN_LOGFILE[[:space:]]*=[[:space:]]*//p' "$doxyfile" | tail -n1)
inc=$(sed -n 's/^[[:space:]]*@INCLUDE[[:space:]]*=[[:space:]]*//p' "$doxyfile" | tail -n1)
if [ -z "$log" ] && [ -n "$inc" ]; then
    log=$(sed -n 's/^[[:space:]]*WARN_LOGFILE[[:space:]]*=[[:space:]]*//p' "$inc" | tail -n1)
fi
[ -n "$log" ] || { echo "FAIL: no WARN_LOGFILE in $doxyfile"; exit 1; }
mkdir -p "$(dirname "$log")"
rm -f "$log"

set +e
"$doxygen" "$doxyfile"
rc=$?
set -e

if [ -s "$log" ]; then
    echo "FAIL: doxygen warnings ($log):"
    cat "$log"
    status=1
    # Doxygen reports some broken references as <unknown>:LINE; find them.
    sed -n "s/^<unknown>.*reference to '\([^']*\)'.*/\1/p" "$log" | sort -u |
    while read -r name; do
        echo "  where '$name' is referenced:"
        grep -n -E "[@\\]ref[[:space:]]+$name\b" "$hdrdir"/*.h 2>/dev/null | sed 's/^/    /' || true
    done
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: doxygen exited with status $rc"
    status=1
fi
if [ $status -eq 0 ]; then
    echo "OK: documentation built without warnings"
fi
exit $status

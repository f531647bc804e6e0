#!/usr/bin/env bash
# check-unit-exposure.sh UNIT_FILE MAX
#
# `systemd-analyze security --offline=yes UNIT_FILE` rates the service's
# exposure from 0.0 (locked down) to 10.0; fails when the overall figure is
# above MAX (e.g. 3.0). Exit 77 (skip) without systemd-analyze.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 UNIT_FILE MAX" >&2; exit 2; }
unit=$1 max=$2
command -v systemd-analyze >/dev/null 2>&1 \
    || { echo "skipped: systemd-analyze not found (Debian: systemd)"; exit 77; }

out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || {
    echo "$out"; echo "FAIL: systemd-analyze security failed on $unit"; exit 1; }
# The settings that still cost something, then the summary line.
grep -v '^✓' <<<"$out" || true
level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' <<<"$out")
[ -n "$level" ] || { echo "FAIL: no overall exposure level in the output"; exit 1; }
if awk -v l="$level" -v m="$max" 'BEGIN { exit !(l > m) }'; then
    echo "FAIL: $(basename "$unit") exposure $level is above $max"
    exit 1
fi
echo "OK: $(basename "$unit") exposure $level (at most $max)"

#!/usr/bin/env bash
# check-set-version.sh SOURCE_DIR WORKDIR
#
# scripts/set-version.sh on a copy of the files it edits: afterwards the
# copy must pass cmake/check-version.cmake with the new version, and before
# it the copy must fail that check (so the check sees the files it edits).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR WORKDIR" >&2; exit 2; }
src=$1 work=$2
cmake_cmd=${CMAKE_COMMAND:-cmake}
rm -rf "$work"
mkdir -p "$work/include/engsched" "$work/bindings/python/engsched"
cp "$src/VERSION" "$work/"
cp "$src/include/engsched/engsched.h" "$work/include/engsched/"
cp "$src/bindings/python/pyproject.toml" "$work/bindings/python/"
if [ -f "$src/bindings/python/engsched/__init__.py" ]; then
    cp "$src/bindings/python/engsched/__init__.py" "$work/bindings/python/engsched/"
fi

check() { "$cmake_cmd" -DSOURCE_DIR="$work" "$@" -P "$src/cmake/check-version.cmake"; }

if check -DVERSION=12.34.56 >"$work/before.log" 2>&1; then
    echo "FAIL: the copy already passes as 12.34.56"; exit 1
fi
"$src/scripts/set-version.sh" 12.34.56 "$work"
[ "$(cat "$work/VERSION")" = 12.34.56 ] || { echo "FAIL: VERSION not written"; exit 1; }
grep -q '^#define ENGSCHED_VERSION_NUMBER 12034056$' "$work/include/engsched/engsched.h" \
    || { echo "FAIL: ENGSCHED_VERSION_NUMBER not 12034056"; exit 1; }
check || { echo "FAIL: the copies disagree with VERSION after set-version.sh"; exit 1; }
echo "OK: set-version.sh 12.34.56 leaves every copy equal to VERSION"

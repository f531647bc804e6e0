#!/usr/bin/env bash
# set-version.sh X.Y.Z [SOURCE_DIR]
#
# Raises the version: writes VERSION, the one source of the version, and
# brings the checked-in copies CMake compares with it (configure and the
# ctest test `version`) into line: the ENGSCHED_VERSION* macros of
# include/engsched/engsched.h, bindings/python/pyproject.toml and, when it
# is written as a literal, engsched.__version__. SOURCE_DIR defaults to the
# tree this script is in. Add a CHANGELOG section for the release yourself.
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 X.Y.Z [SOURCE_DIR]" >&2; exit 2; }
version=$1
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
if ! [[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
    echo "set-version.sh: '$version' is not MAJOR.MINOR.PATCH" >&2
    exit 2
fi
major=$((10#${BASH_REMATCH[1]})) minor=$((10#${BASH_REMATCH[2]})) patch=$((10#${BASH_REMATCH[3]}))
number=$((major * 1000000 + minor * 1000 + patch))

echo "$version" >"$src/VERSION"
sed -i -E \
    -e "s/^(#define ENGSCHED_VERSION_MAJOR )[0-9]+/\1$major/" \
    -e "s/^(#define ENGSCHED_VERSION_MINOR )[0-9]+/\1$minor/" \
    -e "s/^(#define ENGSCHED_VERSION_PATCH )[0-9]+/\1$patch/" \
    -e "s/^(#define ENGSCHED_VERSION )\"[^\"]*\"/\1\"$version\"/" \
    -e "s/^(#define ENGSCHED_VERSION_NUMBER )[0-9]+/\1$number/" \
    "$src/include/engsched/engsched.h"
sed -i -E "s/^(version *= *)\"[^\"]*\"/\1\"$version\"/" "$src/bindings/python/pyproject.toml"
init=$src/bindings/python/engsched/__init__.py
if [ -f "$init" ]; then
    sed -i -E "s/^(__version__ *= *)[\"'][^\"']*[\"']/\1\"$version\"/" "$init"
fi
echo "version $version (number $number) in VERSION, engsched.h and the Python package"

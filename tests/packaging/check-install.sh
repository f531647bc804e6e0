#!/usr/bin/env bash
# check-install.sh BUILD_DIR PACKAGING_DIR WORKDIR VERSION
#
# Installs BUILD_DIR into WORKDIR/prefix with `cmake --install`, checks the
# installed layout, then builds and runs tests/packaging/consumer.c twice:
#   (a) cc $(pkg-config --cflags --libs engsched)
#   (b) a CMake project doing find_package(engsched CONFIG REQUIRED)
# Environment: CMAKE_COMMAND, CMAKE_C_COMPILER (default cc), and
# ENGSCHED_CONSUMER_CFLAGS (sanitizer flags when the build is sanitized).
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 BUILD_DIR PACKAGING_DIR WORKDIR VERSION" >&2; exit 2; }
build=$1 pkgdir=$2 work=$3 version=$4
cmake_cmd=${CMAKE_COMMAND:-cmake}
cc_cmd=${CMAKE_C_COMPILER:-cc}
extra_cflags=${ENGSCHED_CONSUMER_CFLAGS:-}
major=${version%%.*}

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

step() { echo; echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }

step "cmake --install $build --prefix $prefix"
"$cmake_cmd" --install "$build" --prefix "$prefix"

step "installed files"
(cd "$prefix" && find . \( -type f -o -type l \) | LC_ALL=C sort)

# --- layout ---------------------------------------------------------------
pc=$(find "$prefix" -name engsched.pc -path '*/pkgconfig/*' | head -n1)
[ -n "$pc" ] || fail "engsched.pc not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
[ -f "$prefix/include/engsched/engsched.h" ] || fail "include/engsched/engsched.h not installed"
for h in common.h storage.h backends.h backup.h export.h candidates.h; do
    [ -f "$prefix/include/engsched/$h" ] || fail "include/engsched/$h not installed"
done
real=$libdir/libengsched.so.$version
if [ ! -f "$real" ] || [ -L "$real" ]; then fail "$real missing (or not a regular file)"; fi
[ "$(readlink "$libdir/libengsched.so.$major")" = "libengsched.so.$version" ] \
    || fail "libengsched.so.$major is not a symlink to libengsched.so.$version"
[ "$(readlink "$libdir/libengsched.so")" = "libengsched.so.$major" ] \
    || fail "namelink libengsched.so is not a symlink to libengsched.so.$major"
soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libengsched.so.$major" ] || fail "SONAME is '$soname', expected libengsched.so.$major"
for f in engschedConfig.cmake engschedConfigVersion.cmake engschedTargets.cmake; do
    [ -f "$libdir/cmake/engsched/$f" ] || fail "$libdir/cmake/engsched/$f not installed"
done
if [ -n "$(find "$prefix" -name 'libengsched_internal*')" ]; then
    fail "the white-box engsched_internal library must not be installed"
fi
echo "layout OK: SONAME $soname, namelink, headers, engsched.pc, CMake package"

export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# --- (a) pkg-config -------------------------------------------------------
step "(a) pkg-config"
export PKG_CONFIG_PATH="$pcdir"
pcver=$(pkg-config --modversion engsched) || fail "pkg-config cannot read $pc"
[ "$pcver" = "$version" ] || fail "pkg-config version '$pcver', expected $version"
pc_flags=$(pkg-config --cflags --libs engsched)
echo "pkg-config --cflags --libs engsched: $pc_flags"
# shellcheck disable=SC2086  # word splitting of the flags is intended
"$cc_cmd" -std=c11 -Wall -Wextra -Wpedantic -Werror $extra_cflags \
    -o "$work/consumer-pkgconfig" "$pkgdir/consumer.c" $pc_flags -Wl,-rpath,"$libdir"
"$work/consumer-pkgconfig" | tee "$work/out-a.txt"
grep -q "libengsched $version" "$work/out-a.txt" || fail "(a) consumer did not print version $version"
# (no `ldd | grep -q`: with pipefail an early grep exit can fail the pipe)
deps=$(ldd "$work/consumer-pkgconfig")
grep -q "libengsched.so.$major => $libdir/" <<<"$deps" \
    || { echo "$deps"; fail "(a) consumer is not using the installed library"; }

# --- (b) find_package ------------------------------------------------------
step "(b) find_package(engsched CONFIG REQUIRED)"
"$cmake_cmd" -S "$pkgdir/consumer" -B "$work/consumer-build" \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc_cmd" \
    -DCMAKE_C_FLAGS="$extra_cflags" \
    -DCMAKE_EXE_LINKER_FLAGS="$extra_cflags" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
"$cmake_cmd" --build "$work/consumer-build"
grep -q "engsched_DIR:PATH=$libdir/cmake/engsched" "$work/consumer-build/CMakeCache.txt" \
    || fail "(b) find_package did not use the temporary prefix: $(grep engsched_DIR "$work/consumer-build/CMakeCache.txt")"
"$work/consumer-build/c" | tee "$work/out-b.txt"
grep -q "libengsched $version" "$work/out-b.txt" || fail "(b) consumer did not print version $version"

echo
echo "OK: installed package usable through pkg-config and find_package"

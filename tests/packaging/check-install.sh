#!/usr/bin/env bash
# check-install.sh BUILD_DIR PACKAGING_DIR WORKDIR VERSION
#
# Installs BUILD_DIR into WORKDIR/prefix with `cmake --install`, checks the
# installed layout, then builds and runs tests/packaging/consumer.c:
#   (a) cc $(pkg-config --cflags --libs engsched), with every public header
#       compiled on `pkg-config --cflags engsched` when engsched.pc is the
#       only .pc file pkg-config can see (no -dev package of a dependency)
#   (b) a CMake project doing find_package(engsched CONFIG REQUIRED)
#   (c) when libengsched.a is installed (ENGSCHED_BUILD_STATIC): linked
#       statically with $(pkg-config --static --libs engsched) from a copy of
#       the prefix without the shared library, and through
#       engsched::engsched_static
# and, when the build installs them, the tools, man pages and systemd files.
# Environment: CMAKE_COMMAND, CMAKE_C_COMPILER (default cc),
# ENGSCHED_CONSUMER_CFLAGS (sanitizer flags when the build is sanitized),
# ENGSCHED_EXPECT_TOOLS and ENGSCHED_EXPECT_MAN (1: installed, so checked).
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
# The PostgreSQL module (when built): next to the library, loaded by it,
# never linked by hosts, so without a namelink.
module=$libdir/libengsched-postgres.so.0
if [ -e "$build/lib/libengsched-postgres.so.0" ]; then
    [ -f "$module" ] || fail "$module not installed"
    [ ! -e "$libdir/libengsched-postgres.so" ] || fail "the module must not have a namelink"
    if readelf -d "$real" | grep -q 'NEEDED.*\[libpq'; then fail "$real needs libpq"; fi
    # The installed library loads the installed module (from its own
    # directory: nothing else on the path has one).
    LD_LIBRARY_PATH=$libdir "$build/tests/pg_module_probe" loads \
        || fail "the installed library does not load $module"
fi
echo "layout OK: SONAME $soname, namelink, headers, engsched.pc, CMake package"

# --- the tools, their man pages and the hourly job's systemd files ---------
# ENGSCHED_EXPECT_TOOLS=1 (ENGSCHED_INSTALL_TOOLS) and ENGSCHED_EXPECT_MAN=1
# (scdoc found) say what the build installs. Run before LD_LIBRARY_PATH is
# set below: the programs must find the library through their RUNPATH.
if [ "${ENGSCHED_EXPECT_TOOLS:-0}" = 1 ]; then
    step "installed tools"
    for tool in engsched engsched-hourly; do
        bin=$prefix/bin/$tool
        [ -x "$bin" ] || fail "bin/$tool not installed"
        runpath=$(readelf -d "$bin" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
        case $runpath in
        *'$ORIGIN/'*) ;;
        *) fail "bin/$tool has RUNPATH '$runpath', expected one relative to \$ORIGIN" ;;
        esac
        env -u LD_LIBRARY_PATH "$bin" --help >"$work/$tool-help.txt" \
            || fail "installed $tool --help failed"
        # ldd prints the RUNPATH's spelling (bin/../lib): compare real paths.
        deps=$(env -u LD_LIBRARY_PATH ldd "$bin")
        loaded=$(sed -n "s/^[[:space:]]*libengsched.so.$major => \([^ ]*\) .*/\1/p" <<<"$deps")
        [ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$real")" ] \
            || { echo "$deps"; fail "bin/$tool does not load the installed library"; }
        echo "bin/$tool: RUNPATH $runpath, --help OK, loads $libdir/libengsched.so.$major"
    done
    grep -q '^Commands:' "$work/engsched-help.txt" || fail "engsched --help lists no commands"
    grep -q '^usage: engsched-hourly' "$work/engsched-hourly-help.txt" \
        || fail "engsched-hourly --help printed no usage"
    v=$(env -u LD_LIBRARY_PATH "$prefix/bin/engsched" --version)
    [ "$v" = "engsched (libengsched $version)" ] || fail "engsched --version printed '$v'"
    for f in lib/systemd/system/engsched-hourly.service lib/systemd/system/engsched-hourly.timer \
             lib/sysusers.d/engsched.conf lib/tmpfiles.d/engsched.conf; do
        [ -f "$prefix/$f" ] || fail "$f not installed"
    done
    for demo in engsched-demo engsched-memory-demo; do
        [ ! -e "$prefix/bin/$demo" ] || fail "the example $demo must not be installed"
    done
    echo "tools OK: engsched, engsched-hourly, systemd units, sysusers.d, tmpfiles.d"
fi
if [ "${ENGSCHED_EXPECT_MAN:-0}" = 1 ]; then
    [ -s "$prefix/share/man/man3/libengsched.3" ] || fail "share/man/man3/libengsched.3 not installed"
    grep -q "^\.TH .*\"libengsched $version\"" "$prefix/share/man/man3/libengsched.3" \
        || fail "libengsched.3 does not carry version $version"
    echo "man page OK: libengsched(3)"
fi
if [ "${ENGSCHED_EXPECT_MAN:-0}" = 1 ] && [ "${ENGSCHED_EXPECT_TOOLS:-0}" = 1 ]; then
    for f in share/man/man1/engsched.1 share/man/man8/engsched-hourly.8; do
        [ -s "$prefix/$f" ] || fail "$f not installed"
    done
    grep -q "^\.TH .*\"libengsched $version\"" "$prefix/share/man/man1/engsched.1" \
        || fail "engsched.1 does not carry version $version"
    echo "man pages OK: engsched(1), engsched-hourly(8)"
fi

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

# engsched.pc alone, nothing of any dependency: the headers include only
# the C library, so a shared-only host needs no sqlite3.pc, libical.pc, ...
step "(a) engsched.pc is the only .pc file"
others=$(find "$pcdir" -name '*.pc' ! -name engsched.pc)
[ -z "$others" ] || fail "$pcdir holds other .pc files: $others"
alone_cflags=$(PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR="$pcdir" pkg-config --cflags engsched) \
    || fail "pkg-config --cflags engsched needs other .pc files"
PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR="$pcdir" pkg-config --libs engsched >/dev/null \
    || fail "pkg-config --libs engsched needs other .pc files"
echo "pkg-config --cflags engsched (alone): $alone_cflags"
for h in "$prefix"/include/engsched/*.h; do
    printf '#include <engsched/%s>\n' "$(basename "$h")" > "$work/header.c"
    # shellcheck disable=SC2086  # word splitting of the flags is intended
    "$cc_cmd" -std=c11 -Wall -Wextra -Wpedantic -Werror $alone_cflags \
        -fsyntax-only "$work/header.c" \
        || fail "$(basename "$h") does not compile on pkg-config --cflags engsched alone"
done

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

# --- (c) static ------------------------------------------------------------
if [ -f "$libdir/libengsched.a" ]; then
    step "(c) static: pkg-config --static, from a prefix without the shared library"
    sprefix=$work/static-prefix
    cp -a "$prefix" "$sprefix"
    rm -f "$sprefix/${libdir#"$prefix"/}"/libengsched.so*
    spcdir=$sprefix/${pcdir#"$prefix"/}
    static_flags=$(PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR="$spcdir" \
        pkg-config --static --cflags --libs engsched)
    echo "pkg-config --static --cflags --libs engsched: $static_flags"
    # shellcheck disable=SC2086  # word splitting of the flags is intended
    "$cc_cmd" -std=c11 -Wall -Wextra -Wpedantic -Werror $extra_cflags \
        -o "$work/consumer-static" "$pkgdir/consumer.c" $static_flags
    if readelf -d "$work/consumer-static" | grep -q 'NEEDED.*\[libengsched'; then
        fail "(c) the static consumer needs a shared libengsched"
    fi
    env -u LD_LIBRARY_PATH "$work/consumer-static" | tee "$work/out-c.txt"
    grep -q "libengsched $version" "$work/out-c.txt" || fail "(c) static consumer did not print version $version"
    grep -q '^engsched::engsched_static$' "$work/consumer-build/targets.txt" \
        || fail "(c) the CMake package has no engsched::engsched_static"
    env -u LD_LIBRARY_PATH "$work/consumer-build/c_static" | tee "$work/out-c2.txt"
    grep -q "libengsched $version" "$work/out-c2.txt" || fail "(c) engsched::engsched_static consumer did not print version $version"
    if readelf -d "$work/consumer-build/c_static" | grep -q 'NEEDED.*\[libengsched'; then
        fail "(c) the engsched::engsched_static consumer needs a shared libengsched"
    fi
else
    echo; echo "(c) skipped: libengsched.a not installed (configure with -DENGSCHED_BUILD_STATIC=ON)"
fi

echo
echo "OK: installed package usable through pkg-config and find_package"

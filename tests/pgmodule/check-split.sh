#!/bin/sh
# check-split.sh LIBRARY MODULE PROBE WORKDIR
#
# The PostgreSQL split as a SQLite-only host sees it:
#   - libengsched.so does not need libpq (no NEEDED entry); the module does;
#   - the module exports its entry point only and does not link the core;
#   - in the build tree the library loads the module next to it;
#   - libengsched.so.0 copied alone into WORKDIR and run there (the probe
#     found through LD_LIBRARY_PATH, no module anywhere it looks): opening
#     a PostgreSQL backend says ENGSCHED_EUNSUPPORTED, naming the module;
#   - a module next to the library that cannot be loaded (an empty file,
#     as when its libpq is missing) or is not one (no entry point) gives
#     the same answer with dlerror()'s reason, never a crash.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 LIBRARY MODULE PROBE WORKDIR" >&2; exit 2; }
lib=$1 module=$2 probe=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }

command -v readelf >/dev/null 2>&1 || { echo "readelf not found: skipped"; exit 77; }

needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$lib needs: $(echo $needed)"
case " $(echo $needed) " in *" libpq.so"*) fail "$lib needs libpq" ;; esac
readelf -d "$module" | grep -q 'NEEDED.*\[libpq\.so' || fail "$module does not need libpq"
# Arrows point down: the module reaches the core only through its table.
if readelf -d "$module" | grep -q 'NEEDED.*\[libengsched'; then fail "$module links libengsched"; fi

exported=$(nm -D --defined-only "$module" | awk '$2 == "T" { print $3 }')
[ "$exported" = "engsched_postgres_module_init@@ENGSCHED_POSTGRES_0" ] \
    || fail "$module exports more (or other) than its entry point: $exported"

# In the build tree, the library finds the module next to itself.
"$probe" loads || fail "the build tree's library does not load its module"

rm -rf "$work"
mkdir -p "$work"
cp "$lib" "$work/libengsched.so.0"
# Which libengsched.so.0 the probe gets: the copy, ahead of its RUNPATH.
LD_LIBRARY_PATH=$work ldd "$probe" > "$work/ldd.txt"
grep -q "libengsched.so.0 => $work/" "$work/ldd.txt" \
    || { cat "$work/ldd.txt"; fail "the probe does not load the copy in $work"; }
LD_LIBRARY_PATH=$work "$probe" absent || fail "without the module: $?"

: > "$work/libengsched-postgres.so.0"
LD_LIBRARY_PATH=$work "$probe" absent "file too short" || fail "with an empty module: $?"
cp "$lib" "$work/libengsched-postgres.so.0"
LD_LIBRARY_PATH=$work "$probe" absent "engsched_postgres_module_init" \
    || fail "with a module without its entry point: $?"
echo "OK: libengsched.so without libpq; the module alone brings it"

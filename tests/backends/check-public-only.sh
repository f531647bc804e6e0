#!/bin/sh
# The example in-memory backend is written only against the public
# interface and libc (docs/design.md §7). Checked two ways:
#   1. its sources include nothing but C standard headers, <engsched/...>
#      public headers and its own memory_*.h;
#   2. its archive needs no symbol from SQLite (sqlite3_*) or the
#      library's internals (es_*), and every engsched_* symbol it needs is
#      declared ENGSCHED_API in include/engsched/.
# Usage: check-public-only.sh <examples/memory_backend> <archive> <include/engsched>
set -eu
src=$1 archive=$2 public=$3
NM=${NM:-nm}
status=0

std='assert|ctype|errno|inttypes|limits|stdarg|stdbool|stddef|stdint|stdio|stdlib|string'
bad=$(grep -hE '^[[:space:]]*#[[:space:]]*include' "$src"/*.c "$src"/*.h |
    grep -vE "^#include (<($std)\.h>|<engsched/(storage|engsched|common)\.h>|\"memory_[a-z_]+\.h\")\$" || true)
if [ -n "$bad" ]; then
    echo "not a public header or libc:"
    echo "$bad"
    status=1
fi

defined=$("$NM" -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort -u)
for sym in $("$NM" -u "$archive" | awk 'NF == 2 { print $2 }' | sort -u); do
    if echo "$defined" | grep -qx "$sym"; then
        continue # one of the backend's own files
    fi
    case $sym in
    sqlite3_* | es_*)
        echo "uses $sym: not the public interface"
        status=1
        ;;
    engsched_*)
        if ! grep -q "ENGSCHED_API.* $sym(" "$public"/*.h &&
            ! grep -A1 "ENGSCHED_API" "$public"/*.h | grep -q "$sym("; then
            echo "uses $sym, which is not ENGSCHED_API in $public"
            status=1
        fi
        ;;
    esac
done
[ $status -eq 0 ] && echo "public interface and libc only"
exit $status

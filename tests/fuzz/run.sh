#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS [NAME...] — run libFuzzer targets for a bounded time.
#
# BUILD_DIR is a build configured with CC=clang -DENGSCHED_FUZZ=ON (see
# docs/fuzzing.md). Each target fuzz_NAME (all of them by default) runs for
# SECONDS on a scratch copy of tests/fuzz/corpus/NAME/, so the seed corpus
# in the repository is never changed, with tests/fuzz/NAME.dict when there
# is one. Prints the executions of each target; a crash, leak, sanitizer
# report or failed oracle stops that target, its input is kept under
# BUILD_DIR/tests/fuzz/artifacts/ and the script exits 1.
set -u

if [ $# -lt 2 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
bindir=$build/tests/fuzz
artifacts=$bindir/artifacts

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for bin in "$bindir"/fuzz_*; do
        [ -x "$bin" ] && [ -f "$bin" ] && names+=("${bin##*/fuzz_}")
    done
fi
if [ ${#names[@]} -eq 0 ]; then
    echo "fuzz: no targets in $bindir (configure with CC=clang -DENGSCHED_FUZZ=ON)" >&2
    exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/engsched-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
# Sanitizer reports stop the target (the build uses -fno-sanitize-recover).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
total=0
for name in "${names[@]}"; do
    bin=$bindir/fuzz_$name
    if [ ! -x "$bin" ]; then
        echo "fuzz_$name: not built" >&2
        status=1
        continue
    fi
    corpus=$scratch/$name
    mkdir -p "$corpus"
    if [ -d "$here/corpus/$name" ]; then
        cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null || true
    fi
    dict=()
    [ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")
    logf=$scratch/$name.log
    "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$name-" "${dict[@]}" "$corpus" >"$logf" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$logf" | tail -n1)
    execs=${execs:-0}
    total=$((total + execs))
    if [ $rc -ne 0 ]; then
        status=1
        printf 'fuzz_%-7s FAILED (exit %d) after %s executions; the input is in %s\n' \
            "$name" "$rc" "$execs" "$artifacts"
        grep -E 'check failed|ERROR:|SUMMARY:|runtime error' "$logf" | head -n 20
        tail -n 60 "$logf"
    else
        printf 'fuzz_%-7s %10s executions in %s s, corpus %s -> %s inputs\n' "$name" "$execs" \
            "$seconds" "$(ls "$here/corpus/$name" 2>/dev/null | wc -l)" "$(ls "$corpus" | wc -l)"
    fi
done
echo "fuzz: ${#names[@]} targets, $total executions, $([ $status -eq 0 ] && echo "no failure" || echo "FAILED")"
exit $status

#!/usr/bin/env bash
# tests/valgrind/run.sh [-j N] [--quick] [--skip REGEX] BUILD_DIR [NAME_REGEX]
#
# Runs every cmocka test binary that ctest registers in BUILD_DIR (a build
# WITHOUT ENGSCHED_SANITIZE: valgrind and ASan do not mix) under valgrind
# memcheck, with the environment, working directory and skip code ctest
# would give it, and fails on any memcheck error or test failure:
#
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect
#
# "Still reachable" memory is not an error: libical keeps its per-thread
# ring of temporary buffers and its time zone cache, SQLite and glibc keep
# process-wide state until exit, all freed by the C library at exit or by
# nobody, by design. suppressions.supp lists what else is known and why
# (nothing, so far).
#
# The two exhaustive fault-injection tests (integration_alloc_failure,
# integration_faulty_storage) run a whole story per injected failure,
# about 3,000 stories: under valgrind that would take hours, so they get
# ENGSCHED_TEST_FAULT_STRIDE (default 25: every 25th allocation or storage
# call, which still fails each kind of call the story makes); the sanitizer
# build runs them in full. Likewise integration_outbox_crash (label slow,
# like integration_crash) kills its delivering child 200 times, each kill
# followed by two verifying opens and a check of the whole outbox: under
# valgrind it gets ENGSCHED_OUTBOX_KILLS (default 40, 25 to 40 s), which
# still kills in the open, in transactions and between commit, claim and
# mark (its delays scale with the machine's speed). Unlike
# integration_crash it has no all-kinds-committed check to go flaky at
# that speed, so --quick keeps it.
#
# --quick leaves out the tests below, which take more than a few minutes
# each under valgrind (measured on 2 cores, RelWithDebInfo; the whole suite
# takes well over 30 minutes, the rest about 3 with -j 2) and whose code
# paths the other tests run too, or that depend on timing:
#   integration_view_memory    builds tens of thousands of rows to show the
#                              views' memory stays flat: over 18 minutes;
#   integration_permissions*   the role x permission x status matrix, the
#                              same calls as the story thousands of times:
#                              8 minutes on SQLite, 3 on the memory backend;
#   integration_concurrency    writer processes wait on each other's locks;
#                              at valgrind's speed they outwait the 5 s busy
#                              timeout and fail with EBUSY: timing, not
#                              memory (its thread half passes clean);
#   integration_crash          kills a writer at random moments and wants
#                              every kind of operation committed at least
#                              once; at valgrind's speed some kinds may
#                              never commit before the 200 kills (flaky:
#                              passed once, failed once).
# The sanitizer build runs all of them.
#
# Logs go to BUILD_DIR/valgrind/<test>.log. NAME_REGEX (grep -E) limits the
# tests run, --skip REGEX leaves tests out, -j N runs N at once (default:
# the number of CPUs). Exits 0 only if every test passed (or was skipped)
# cleanly.
set -euo pipefail

usage="usage: tests/valgrind/run.sh [-j N] [--quick] [--skip REGEX] BUILD_DIR [NAME_REGEX]"
quick_skip='^integration_(view_memory|permissions|permissions_memory|permissions_postgres|concurrency|crash)$'
jobs=$(nproc 2>/dev/null || echo 2)
skip_re=
while [ $# -gt 0 ]; do
    case $1 in
    -j) jobs=${2:?$usage}; shift 2 ;;
    --skip) skip_re=${skip_re:+$skip_re|}${2:?$usage}; shift 2 ;;
    --quick) skip_re=${skip_re:+$skip_re|}$quick_skip; shift ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) break ;;
    esac
done
build=${1:?$usage}
filter=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)

command -v valgrind >/dev/null || { echo "valgrind: not installed (Debian: valgrind)" >&2; exit 2; }
if grep -qs '^ENGSCHED_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "$build is a sanitizer build; valgrind needs one without ENGSCHED_SANITIZE" >&2
    exit 2
fi

logs=$build/valgrind
mkdir -p "$logs"
export ENGSCHED_TEST_FAULT_STRIDE=${ENGSCHED_TEST_FAULT_STRIDE:-25}
export ENGSCHED_OUTBOX_KILLS=${ENGSCHED_OUTBOX_KILLS:-40}
# integration_tick_paths builds two stores of 1,500 engagements (one
# approval, invitation and mail each): 300 keep it to a minute or so
# under valgrind and still move rows through both tick paths.
export ENGSCHED_TEST_TICK_ROWS=${ENGSCHED_TEST_TICK_ROWS:-300}

# One line per test: name, skip code, working directory, NUL-free JSON of
# the command and environment. Only commands that are cmocka executables.
list=$(cd "$build" && ctest --show-only=json-v1 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    cmd = t.get("command") or []
    if not cmd:
        continue
    try:
        with open(cmd[0], "rb") as f:
            if f.read(4) != b"\x7fELF" or b"libcmocka.so" not in f.read():
                continue
    except OSError:
        continue
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    env = props.get("ENVIRONMENT", [])
    if isinstance(env, str):
        env = [env]
    print(json.dumps({"name": t["name"], "cmd": cmd, "env": env,
                      "skip": props.get("SKIP_RETURN_CODE"),
                      "wd": props.get("WORKING_DIRECTORY", ".")}))
')

valgrind_args=(
    --quiet
    --error-exitcode=99
    --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect
    --suppressions="$here/suppressions.supp"
    --num-callers=30
)

field() {  # field ENTRY KEY -> the value (lists NUL-separated)
    python3 -c '
import json, sys
v = json.loads(sys.argv[1])[sys.argv[2]]
if isinstance(v, list):
    sys.stdout.write("".join(a + "\0" for a in v))
else:
    sys.stdout.write("" if v is None else str(v))' "$1" "$2"
}

# run_one ENTRY: one test under valgrind; writes BUILD_DIR/valgrind/NAME.result
run_one() {
    local entry=$1 name skip wd log status t0 t1 verdict
    local -a cmd env
    name=$(field "$entry" name)
    skip=$(field "$entry" skip)
    wd=$(field "$entry" wd)
    mapfile -d '' -t cmd < <(field "$entry" cmd)
    mapfile -d '' -t env < <(field "$entry" env)
    log=$logs/$name.log
    t0=$(date +%s)
    set +e
    (cd "$wd" && env "${env[@]}" valgrind "${valgrind_args[@]}" --log-file="$log.vg" \
        "${cmd[@]}") >"$log" 2>&1
    status=$?
    set -e
    cat "$log.vg" >>"$log" 2>/dev/null || true
    rm -f "$log.vg"
    t1=$(date +%s)
    if [ $status -eq 0 ]; then
        verdict=ok
    elif [ -n "$skip" ] && [ $status -eq "$skip" ]; then
        verdict=skipped
    elif [ $status -eq 99 ]; then
        verdict="MEMCHECK ERRORS"
    else
        verdict="FAILED (exit $status)"
    fi
    printf '%-48s %-18s %5ss\n' "$name" "$verdict" $((t1 - t0)) | tee "$logs/$name.result"
}

names=()
running=0
start=$(date +%s)
while IFS= read -r entry; do
    [ -n "$entry" ] || continue
    name=$(field "$entry" name)
    if [ -n "$filter" ] && ! grep -qE "$filter" <<<"$name"; then
        continue
    fi
    if [ -n "$skip_re" ] && grep -qE "$skip_re" <<<"$name"; then
        continue
    fi
    names+=("$name")
    rm -f "$logs/$name.result"
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$entry" &
    running=$((running + 1))
done <<<"$list"
wait || true

failed=()
for name in "${names[@]}"; do
    result=$(cat "$logs/$name.result" 2>/dev/null || echo "$name no result")
    case $result in
    *" ok "* | *" skipped "*) ;;
    *)
        failed+=("$name")
        echo "--- $result"
        tail -n 60 "$logs/$name.log" | sed 's/^/    /'
        ;;
    esac
done
echo "valgrind: ${#names[@]} test(s), ${#failed[@]} failed, $(($(date +%s) - start))s" \
     "(-j $jobs); logs in $logs"
if [ ${#failed[@]} -gt 0 ]; then
    echo "valgrind failures: ${failed[*]}"
    exit 1
fi

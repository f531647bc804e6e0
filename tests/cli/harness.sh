# harness.sh — sourced by the CLI tests (cli_story.sh, cli_skills.sh,
# cli_capacity.sh): a fresh directory $T with a store $T/$1.db, a fixed
# clock, and the checks they share. Each check counts into $passed or
# $failed; `finish` prints "N passed, M failed" and fails on any failure.
# Needs E (the CLI) and T (a scratch directory) set by the caller.
# shellcheck shell=bash

rm -rf "$T"
mkdir -p "$T"
export ENGSCHED_DB=$T/${1:?harness.sh: name the store}.db
export ENGSCHED_NOW=2026-03-02T09:00:00Z
export NO_COLOR=1
unset ENGSCHED_AS ENGSCHED_OUTBOX

passed=0
failed=0
OUT=$T/out
ERR=$T/err

fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
    echo "  stdout: $(head -c 600 "$OUT")"
    echo "  stderr: $(head -c 600 "$ERR")"
}

# expect RC [ENGSCHED ARGS...]: run, check the exit code, and that a failure
# says one line on stderr and nothing more.
expect() {
    local want=$1
    shift
    "$E" "$@" >"$OUT" 2>"$ERR"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "engsched $* exited $rc, expected $want"
        return 1
    fi
    if [ "$want" -ne 0 ]; then
        local lines
        lines=$(wc -l <"$ERR")
        if [ "$lines" -ne 1 ] || ! grep -Eq '^(engsched|\{"error": )' "$ERR"; then
            fail "engsched $*: expected one 'engsched...' line on stderr, got $lines"
            return 1
        fi
    fi
    passed=$((passed + 1))
    return 0
}

# has REGEX / hasnt REGEX: the last stdout matches, or does not (extended regex)
has() {
    if grep -Eq -- "$1" "$OUT"; then passed=$((passed + 1)); else fail "stdout does not match /$1/"; fi
}

hasnt() {
    if grep -Eq -- "$1" "$OUT"; then fail "stdout matches /$1/"; else passed=$((passed + 1)); fi
}

# err_has REGEX: the last stderr matches
err_has() {
    if grep -Eq -- "$1" "$ERR"; then passed=$((passed + 1)); else fail "stderr does not match /$1/"; fi
}

# count REGEX N: exactly N lines of the last stdout match
count() {
    local n
    n=$(grep -Ec -- "$1" "$OUT")
    if [ "$n" -eq "$2" ]; then passed=$((passed + 1)); else fail "/$1/ matches $n lines, expected $2"; fi
}

# py CODE [ARG...]: python3 CODE over the last stdout parsed as JSON (as
# `doc`); the ARGs are sys.argv[1:].
py() {
    if python3 -c "import json,sys; doc = json.load(sys.stdin); $1" "${@:2}" <"$OUT" 2>/dev/null; then
        passed=$((passed + 1))
    else
        fail "python check failed: $1"
    fi
}

# line_of REGEX: the number of the first line of the last stdout that matches
line_of() { grep -n -- "$1" "$OUT" | head -1 | cut -d: -f1; }

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

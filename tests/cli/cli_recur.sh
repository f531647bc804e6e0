#!/usr/bin/env bash
# cli_recur.sh ENGSCHED TMPDIR — recurrence and clone through the CLI: recur
# gives and clears a rule (a bad one exits 2), the tick creates the
# occurrence, clone copies an engagement with --dates or new dates and
# needs one of them. Prints "N passed, M failed".
set -u

E=${1:?usage: cli_recur.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_recur.sh ENGSCHED TMPDIR}
rm -rf "$T"
mkdir -p "$T"
export ENGSCHED_DB=$T/recur.db
export ENGSCHED_NOW=2026-03-02T09:00:00Z
unset ENGSCHED_AS ENGSCHED_OUTBOX

passed=0
failed=0
OUT=$T/out
expect() { # expect RC ARGS...
    local want=$1
    shift
    "$E" "$@" >"$OUT" 2>&1
    local rc=$?
    if [ "$rc" -eq "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: engsched $* exited $rc, expected $want: $(head -c 400 "$OUT")"
    fi
}
has() {
    if grep -Eq -- "$1" "$OUT"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: output does not match /$1/: $(head -c 400 "$OUT")"
    fi
}

expect 0 init
expect 0 clients add acme "Acme Corp"
expect 0 users add morgan --name "Morgan Manager" --role Manager --all-clients
export ENGSCHED_AS=morgan
expect 0 request --client acme --name "Annual audit" --start 2026-03-15 --end 2026-03-16
expect 2 recur 1 FREQ=HOURLY
expect 0 recur 1 FREQ=YEARLY && has 'recurs: FREQ=YEARLY'
expect 0 --now 2027-02-20T09:00:00Z tick && has '1 occurrence'
expect 0 --now 2027-02-20T10:00:00Z --json tick && has '"occurrences_created": ?0'
expect 0 show 2 && has '2027-03-15'
expect 0 recur 1 none && has 'no longer recurs'
expect 2 clone 1
expect 0 clone 1 --dates && has 'engagement 3 cloned from 1'
expect 0 clone 1 --start 2026-06-01 --end 2026-06-02 && has 'cloned from 1'
expect 0 show 4 && has '2026-06-01'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

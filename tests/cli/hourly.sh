#!/usr/bin/env bash
# hourly.sh ENGSCHED-HOURLY ENGSCHED TMPDIR — the hourly job on a prepared
# store: with the real clock it starts the engagement whose first day is
# past, and a second run moves nothing (idempotent); --now, a missing
# store and bad arguments behave as documented. Prints "N passed, M failed".
set -u

H=${1:?usage: hourly.sh ENGSCHED-HOURLY ENGSCHED TMPDIR}
E=${2:?usage: hourly.sh ENGSCHED-HOURLY ENGSCHED TMPDIR}
T=${3:?usage: hourly.sh ENGSCHED-HOURLY ENGSCHED TMPDIR}
rm -rf "$T"
mkdir -p "$T"
export ENGSCHED_DB=$T/hourly.db
unset ENGSCHED_AS ENGSCHED_OUTBOX ENGSCHED_NOW

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
        echo "  output: $(cat "$T/out" 2>/dev/null)"
    fi
}
run() { # run WANT_RC ARGS... : the job's output in $T/out
    local want=$1
    shift
    "$H" "$@" >"$T/out" 2>&1
    [ $? -eq "$want" ]
}

# Prepared on 2020-01-01: one engagement starting 2020-01-06 (long past
# now, still Scheduled because no tick ran), one starting in 2099.
prep() { ENGSCHED_NOW=2020-01-01T09:00:00Z "$E" "$@" >"$T/out" 2>&1; }
check "init" prep init
check "client" prep clients add acme "Acme Corp"
check "manager" prep users add morgan --name "Morgan Manager" --role Manager --all-clients
check "create past" prep --as morgan create --client acme --name "Past start" --start 2020-01-06 --end 2020-01-10
check "create future" prep --as morgan create --client acme --name "Future start" --start 2099-01-05 --end 2099-01-09
check "both scheduled" grep -q 'Scheduled' "$T/out"

check "first run exits 0" run 0 --db "$ENGSCHED_DB" --outbox "$T/outbox"
check "first run moves 1" grep -q 'tick moved 1 engagement to In Progress' "$T/out"
check "second run exits 0" run 0 --db "$ENGSCHED_DB" --outbox "$T/outbox"
check "second run moves 0 (idempotent)" grep -q 'tick moved 0 engagements' "$T/out"
check "quiet run says nothing" run 0 --quiet
check "quiet output empty" test ! -s "$T/out"
"$E" --as morgan show 1 >"$T/out" 2>&1
check "past engagement In Progress" grep -q 'status *In Progress' "$T/out"
"$E" --as morgan show 2 >"$T/out" 2>&1
check "future engagement still Scheduled" grep -q 'status *Scheduled' "$T/out"

check "--now in 2099 exits 0" run 0 --now 2099-01-05T00:30:00Z --sendmail "cat >>$T/sent.txt"
check "--now in 2099 moves 1" grep -q '2099-01-05T00:30:00Z tick moved 1 engagement' "$T/out"
check "--now again moves 0" run 0 --now 2099-01-05T01:30:00Z
check "--now again output" grep -q 'tick moved 0' "$T/out"

check "missing store exits 2" run 2 --db "$T/missing.db"
check "missing store not created" test ! -e "$T/missing.db"
check "bad argument exits 1" run 1 --frobnicate
check "bad --now exits 1" run 1 --now soon
check "--help exits 0" run 0 --help
check "--help mentions --sendmail" grep -q -- '--sendmail' "$T/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

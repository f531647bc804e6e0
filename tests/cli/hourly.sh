#!/usr/bin/env bash
# hourly.sh ENGSCHED-HOURLY ENGSCHED TMPDIR — the hourly job on a prepared
# store: with the real clock it starts the engagement whose first day is
# past, and a second run moves nothing (idempotent); --now, a missing
# store and bad arguments behave as documented. On a second store, the
# job delivers mail the CLI left in the store's outbox: exit 4 for an
# undeliverable invitation, 0 once it is re-queued and sent, 3 for a
# refusing mail command (the message stays pending and a later run sends
# it), and --keep-days purges. Prints "N passed, M failed".
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

# --- the store's outbox: mail the CLI wrote, sent (or not) by the job -------
# A second store, on 2030-01-01: an engagement approved with an operator
# before the organizer address is set.
export ENGSCHED_DB=$T/outbox.db
cli() { ENGSCHED_NOW=2030-01-01T09:00:00Z "$E" "$@" >"$T/out" 2>"$T/err"; }
cli_rc() { # cli_rc WANT_RC ARGS... : the CLI exits with WANT_RC
    local want=$1
    shift
    cli "$@"
    [ $? -eq "$want" ]
}
pending_mail() { # how many mail items are pending
    "$E" outbox list --state pending --limit 1000 2>/dev/null | grep -c ' mail  *pending '
}
# has_invitation FILE: the text/calendar parts of the messages piped into
# FILE (base64 in the MIME message) hold an invitation for alice.
has_invitation() {
    python3 - "$1" >"$T/ics" <<'PY' && grep -q '^BEGIN:VCALENDAR' "$T/ics" && grep -q 'mailto:alice@example.com' "$T/ics"
import base64, re, sys
text = open(sys.argv[1]).read()
parts = re.findall(r"Content-Type: text/calendar[^\n]*\n(?:[^\n]+\n)*\n((?:[A-Za-z0-9+/=]+\n)+)", text)
assert parts, "no text/calendar part"
for p in parts:
    sys.stdout.write(base64.b64decode(p).decode("utf-8").replace("\r\n", "\n"))
PY
}
check "outbox store" cli init
check "outbox client" cli clients add acme "Acme Corp"
check "outbox admin" cli users add admin --name "Ada Admin" --role Administrator --all-clients
check "outbox manager" cli users add morgan --name "Morgan Manager" --role Manager --all-clients
check "outbox operator" cli users add alice --name "Alice Operator" --role Operator --email alice@example.com
check "outbox grant" cli users grant alice acme
check "outbox request" cli --as morgan request --client acme --name "Acme web test" --start 2030-01-14 --end 2030-01-18
check "approve without organizer_email exits 0" cli --as morgan approve 1 --operator alice:lead
check "approve says Scheduled" grep -q 'approved: Scheduled' "$T/out"
check "approve warns on stderr" grep -q '^engsched: warning: 1 invitation not sent: organizer_email' "$T/err"
check "job with undeliverable mail exits 4" run 4 --now 2030-01-01T10:00:00Z --sendmail "cat >>$T/mail.txt"
check "job says undeliverable" grep -q '0 messages sent, 0 refused (to be retried), 1 dead or undeliverable in the outbox' "$T/out"
check "nothing was piped" test ! -s "$T/mail.txt"
check "quiet job still speaks up" run 4 --quiet --now 2030-01-01T10:05:00Z
check "quiet output names the outbox" grep -q '1 dead or undeliverable' "$T/out"

check "organizer_email set" cli settings set organizer_email scheduling@example.com
check "requeue refused for the manager (exit 4)" cli_rc 4 --as morgan outbox requeue all
check "requeue all as admin" cli --as admin outbox requeue all
check "requeue re-queued 1" grep -q '^1 item re-queued$' "$T/out"
check "re-queued mail is pending" test "$(pending_mail)" -eq 1
check "job after requeue exits 0" run 0 --now 2030-01-01T11:00:00Z --sendmail "cat >>$T/mail.txt"
check "job sent 1" grep -q '1 message sent, 0 refused (to be retried), 0 dead or undeliverable' "$T/out"
check "mail is addressed to alice" grep -q '^To: .*<alice@example.com>' "$T/mail.txt"
check "mail holds the invitation (BEGIN:VCALENDAR, alice)" has_invitation "$T/mail.txt"
check "mail line ends are LF" test "$(tr -cd '\r' <"$T/mail.txt" | wc -c)" -eq 0
check "no mail pending after" test "$(pending_mail)" -eq 0
check "a second run sends nothing again" run 0 --now 2030-01-01T11:10:00Z --sendmail "cat >>$T/mail.txt"
check "second run sent 0" grep -q '0 messages sent' "$T/out"

# A refusing mail command: the message stays pending and is retried once
# its wait (delivery_retry_seconds, 60 s for the first refusal) is over.
check "edit the dates (a new invitation)" cli --as morgan edit 1 --start 2030-01-21 --end 2030-01-25
check "the edit's mail waits in the store" test "$(pending_mail)" -eq 1
check "failing mail command exits 3" run 3 --now 2030-01-01T12:00:00Z --sendmail false
check "failing run says refused" grep -q '0 messages sent, 1 refused (to be retried), 0 dead' "$T/out"
check "refused mail stays pending" test "$(pending_mail)" -eq 1
"$E" outbox count --state pending >"$T/count" 2>&1
check "outbox count --state pending shows it" grep -Eq '^[1-9][0-9]*$' "$T/count"
"$E" --json outbox list --state pending --limit 1000 >"$T/list.json" 2>&1
check "the pending mail has 1 attempt and its reason" python3 -c '
import json, sys
items = [i for i in json.load(open(sys.argv[1])) if i["kind"] == "mail"]
assert len(items) == 1 and items[0]["attempts"] == 1, items
assert items[0]["reason"] == "refused by the mail callback", items
assert items[0]["next_attempt_at"] == 1893499260, items  # 2030-01-01T12:01:00Z
' "$T/list.json"
check "before the retry is due: nothing sent" run 0 --now 2030-01-01T12:00:30Z --sendmail "cat >>$T/mail2.txt"
check "nothing piped before the retry" test ! -s "$T/mail2.txt"
check "past the retry wait exits 0" run 0 --now 2030-01-01T12:02:00Z --sendmail "cat >>$T/mail2.txt"
check "past the retry wait sends it" grep -q '1 message sent, 0 refused' "$T/out"
check "the retried mail is the invitation" has_invitation "$T/mail2.txt"
check "the retried mail has the new dates" grep -q 'DTSTART;VALUE=DATE:20300121' "$T/ics"
check "nothing pending after the retry" test "$(pending_mail)" -eq 0

# Refused for the last time: dead, and 4 wins over 3.
check "one attempt only" cli settings set delivery_max_attempts 1
check "rename (a new invitation)" cli --as morgan edit 1 --name "Acme web test 2"
check "dead on the first refusal exits 4" run 4 --now 2030-01-01T13:00:00Z --sendmail false
check "dead run says so" grep -q '1 refused (to be retried), 1 dead or undeliverable' "$T/out"
check "requeue the dead one" cli outbox requeue all
check "requeued dead mail goes out" run 0 --now 2030-01-01T13:10:00Z --sendmail "cat >>$T/mail3.txt"
check "requeued dead mail sent" has_invitation "$T/mail3.txt"
check "attempts back to 10" cli settings set delivery_max_attempts 10

# Without --sendmail the directory; with it, the directory is not used.
check "rename once more" cli --as morgan edit 1 --name "Acme web test 3"
check "--outbox alone writes the file" run 0 --now 2030-01-01T14:00:00Z --outbox "$T/dir"
check "the file is there" test "$(find "$T/dir" -name '*-alice@example.com.eml' | wc -l)" -eq 1
check "rename yet again" cli --as morgan edit 1 --name "Acme web test 4"
check "--sendmail failing with --outbox exits 3" run 3 --now 2030-01-01T15:00:00Z --sendmail false --outbox "$T/dir2"
check "no copy in the directory" test ! -e "$T/dir2"

# --keep-days: delivered items older than that are purged.
"$E" outbox count --state delivered >"$T/count" 2>&1
check "delivered items are kept by default" grep -Eq '^[1-9][0-9]*$' "$T/count"
check "--keep-days 0 exits 0 (no route: the pending mail waits)" run 0 --now 2030-01-01T15:00:30Z --keep-days 0
check "--keep-days 0 says purged" grep -q 'delivered items\? purged' "$T/out"
"$E" outbox count --state delivered >"$T/count" 2>&1
check "--keep-days 0 purged every delivered item" grep -qx '0' "$T/count"
check "bad --keep-days exits 1" run 1 --keep-days soon
check "negative --keep-days exits 1" run 1 --keep-days -1
# An empty mail command (say, ENGSCHED_SENDMAIL= in the service's
# environment file) would be `sh -c ''`, which may "accept" a message it
# never reads: a usage error instead, before anything is claimed.
check "empty --sendmail exits 1" run 1 --sendmail ""
check "empty --sendmail says why" grep -q -- '--sendmail: the mail command is empty' "$T/out"
check "--help mentions --keep-days" run 0 --help
check "--help has exit status 4" grep -q '4 done, but the outbox holds dead or undeliverable' "$T/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

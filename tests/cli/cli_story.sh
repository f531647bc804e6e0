#!/usr/bin/env bash
# cli_story.sh ENGSCHED TMPDIR — the whole story through the `engsched` CLI.
#
# Drives a store from `init` to a published report and a cancelled request,
# as different users, and checks every exit code the CLI documents at least
# once (1 usage, 2 invalid input, 3 not found, 4 denied, 5 invalid state,
# 6 conflict, 7 exists, 8 too big), that every failure is one line on
# stderr starting with "engsched", and that --help works for every
# subcommand. At the end the mail and events the story left in the store's
# outbox are delivered, listed, re-queued and purged. Prints "N passed,
# M failed"; exits non-zero on any failure.
set -u

E=${1:?usage: cli_story.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_story.sh ENGSCHED TMPDIR}
# shellcheck source=tests/cli/harness.sh
. "$(dirname "$0")/harness.sh" story

commands="init settings clients users roles request create approve edit cancel assign unassign
unavailability report-status show list calendar availability files events tick ics feed
feed-token export import reply backup restore deliver outbox"

# --- help and usage -------------------------------------------------------
expect 0 --help && has '^Exit codes:' && has '3  not found' && has '10 storage'
for c in $commands; do
    expect 0 --help && has "^  $c "
    expect 0 "$c" --help && has "^usage: engsched \\[GLOBAL OPTIONS\\] $c" && has '^Options:'
    expect 0 help "$c" && has "^usage: engsched"
done
expect 1
expect 1 frobnicate
expect 1 --bogus list
expect 1 request --bogus
expect 1 show
expect 1 show 1 2
expect 1 clients remove acme
expect 2 --now yesterday list

# --- a store that does not exist is not created by accident ----------------
expect 3 list && err_has "no such store"
expect 0 init && has 'schema version'
expect 0 init
expect 0 --json init && has '"schema_version"'

# --- the directory, as the system (the host mirroring its users) -----------
expect 0 settings set timezone Europe/London
expect 0 settings set organizer_email scheduling@example.com
expect 0 settings set organizer_name "Example Scheduling"
expect 0 settings set uid_domain engsched.example.com
expect 0 settings set engagement_url "https://portal.example.com/engagements/{id}"
expect 0 settings set report_url "https://portal.example.com/reports/{id}"
expect 2 settings set timezone Mars/Olympus_Mons
expect 2 settings set no_such_key 1
expect 0 settings get timezone && has '^Europe/London$'
expect 0 settings list && has '^organizer_email +scheduling@example.com'
expect 0 clients add acme "Acme Corp" && has 'client 1 +acme +Acme Corp'
expect 0 clients add globex Globex
expect 0 clients show globex && has 'Globex'
expect 3 clients show initech
expect 0 roles permissions && has '^report_publish$'
expect 0 roles create "QA Reviewer" --permissions view,report_view,report_review,report_publish
expect 7 roles create "QA Reviewer" --permissions view
expect 2 roles create Broken --permissions view,fly
expect 1 roles create NoPerms
expect 0 roles show Manager && has 'built in'
expect 3 roles show Ghost
expect 0 users add admin --name "Ada Admin" --role Administrator --email admin@example.com --all-clients
expect 0 users add morgan --name "Morgan Manager" --role Manager --email morgan@example.com --all-clients
expect 0 users add alice --name "Alice Operator" --role Operator --email alice@example.com && has '\(operator\)'
expect 0 users add bob --name "Bob Operator" --role Operator --email bob@example.com
expect 0 users add carol --name "Carol Client" --role Client --email carol@example.com
expect 0 users add quinn --name "Quinn Reviewer" --role "QA Reviewer" --email quinn@example.com --all-clients
expect 0 users add vic --name "Vic Viewer" --role Viewer
expect 3 users add zed --name Zed --role Wizard
expect 2 users add eve --name Eve --role Viewer --email "eve@example.com
Bcc: everyone@example.com"
for u in alice bob; do
    expect 0 users grant "$u" acme
    expect 0 users grant "$u" globex
done
expect 0 users grant carol acme && has 'carol has access to acme'
expect 0 users grant vic acme
expect 3 users grant carol initech
expect 0 users show alice && has 'report_edit'
expect 4 --as carol clients add initech Initech
expect 3 --as nobody list && err_has "no user with the key 'nobody'"

# --- a client requests with a file ------------------------------------------
printf 'In scope: www.acme.example\n' >"$T/scope.txt"
expect 0 --as carol request --client acme --name "Acme external web test" \
    --start 2026-03-09 --end 2026-03-18 --type "Web application" --location Remote \
    --description "Black-box test" --custom '{"po":"4711"}' --file "$T/scope.txt" &&
    has 'engagement 1 requested: Pending \(version 1\)'
expect 2 --as carol request --client acme --name "Bad dates" --start 2026-03-20 --end 2026-03-10
expect 2 --as carol request --client acme --name "Bad date" --start 2026-02-30 --end 2026-03-10
expect 2 --as carol request --client acme --name "One date" --start 2026-03-20
expect 2 --as carol request --client acme --name "Bad custom" --start 2026-03-20 --end 2026-03-21 --custom '[1,2]'
expect 3 --as carol request --client acme --name "Missing file" --start 2026-03-20 --end 2026-03-21 --file "$T/nope.txt"
expect 3 --as carol request --client initech --name X --start 2026-03-20 --end 2026-03-21
expect 4 --as vic request --client acme --name "Viewer request" --start 2026-03-20 --end 2026-03-21
expect 2 show abc
expect 2 show 0
expect 3 show 999
expect 0 --as carol files list 1 && has 'scope.txt +text/plain'

# --- the manager approves and staffs it ----------------------------------------
expect 4 --as carol approve 1 && err_has 'approve'
expect 6 --as morgan approve 1 --version 7
expect 2 --as morgan approve 1 --version seven
expect 2 --as morgan approve 1 --operator alice:captain
expect 0 --as morgan approve 1 --version 1 --report-title "Acme web report" \
    --operator alice:lead --operator bob:tester && has 'approved: Scheduled'
expect 5 --as morgan approve 1
expect 0 --as morgan show 1 && has 'report +#1 "Acme web report" \(Draft\)' && has '(alice|user [0-9]+) \(lead\)'
expect 0 --as morgan --json show 1 && has '"status": ?"scheduled"'

# --- more work, staffed over existing work -------------------------------------
expect 0 --as morgan create --client globex --name "Globex internal network" \
    --start 2026-03-16 --end 2026-03-27 && has 'engagement 2 created: Scheduled'
expect 0 --as bob unavailability add bob --start 2026-03-23 --end 2026-03-27 --reason "Annual leave" &&
    has 'Annual leave'
expect 4 --as bob unavailability add alice --start 2026-03-23 --end 2026-03-27 --reason "Not yours"
expect 0 --as morgan unavailability list bob --start 2026-03-01 --end 2026-03-31 && has 'Annual leave'
expect 0 --as morgan assign 2 alice --role lead && has 'alice assigned to engagement 2 as lead' &&
    has 'Acme external web test'
expect 7 --as morgan assign 2 alice
expect 6 --as morgan assign 2 bob --strict && err_has .
expect 0 --as morgan --json assign 2 bob --role tester && has '"kind": ?"unavailable"'
expect 2 --as morgan assign 2 vic
expect 4 --as carol assign 1 alice
expect 3 --as carol show 2
expect 3 --as carol assign 2 alice
expect 0 --as morgan edit 2 --location "Globex HQ" && has 'edited: Scheduled'
expect 6 --as morgan edit 2 --version 1 --location "Stale"
# New dates are checked against the operators' other work: warned, or refused under strict.
expect 0 --as morgan edit 2 --start 2026-03-16 --end 2026-03-26 &&
    has 'warning: the new dates overlap' && has 'user [0-9]+: +2026-03-23 .. 2026-03-27 +unavailable +Annual leave'
expect 0 --as morgan --json edit 2 --start 2026-03-16 --end 2026-03-27 && has '"conflicts"' && has '"user": ?[0-9]+'
expect 0 settings set conflict_policy strict
expect 6 --as morgan edit 2 --start 2026-03-17 --end 2026-03-27 && err_has 'strict'
expect 0 settings set conflict_policy warn
# Allocations: a share of the day, a window, a hold confirmed with a check.
expect 0 --as morgan allocation 2 alice --percent 50 --tentative &&
    has 'alice on engagement 2: allocation changed \(50 %, tentative\)'
expect 0 --as morgan show 2 && has 'alice \(lead, 50 %, tentative\)'
expect 0 --as morgan confirm 2 alice && has 'hold confirmed'
expect 5 --as morgan confirm 2 alice && err_has 'tentative'
expect 2 --as morgan allocation 2 alice --percent 0
expect 2 --as morgan allocation 2 alice --from 2026-03-16
expect 2 --as morgan allocation 2 alice --from 2026-03-01 --to 2026-03-20 && err_has 'window'
expect 0 --as morgan --json allocation 2 alice --from 2026-03-16 --to 2026-03-20 &&
    has '"from": ?"2026-03-16"' && has '"percent": ?100' && has '"tentative": ?false'
expect 0 --as morgan allocation 2 alice && has 'allocation changed$'
expect 3 --as morgan confirm 2 carol
expect 2 --as morgan edit 2 --name ""
expect 0 --as morgan unassign 2 bob && has 'bob unassigned'
expect 3 --as morgan unassign 2 bob
expect 0 --as morgan assign 2 bob

# --- the hourly tick starts it -------------------------------------------------
expect 0 --now 2026-03-08T23:00:00Z tick && has '0 engagements moved'
expect 0 --now 2026-03-09T06:00:00Z tick && has '1 engagement moved'
expect 0 --now 2026-03-09T07:00:00Z tick && has '0 engagements moved'
expect 0 --now 2026-03-09T07:00:00Z --json tick && has '"moved": ?0'
expect 0 --as alice show 1 && has 'status +In Progress'
expect 0 --now 2026-03-16T06:00:00Z tick && has '1 engagement moved'

# --- the report goes through review and is published ----------------------------
export ENGSCHED_NOW=2026-03-18T17:00:00Z
expect 2 --as alice report-status 1 finished
expect 4 --as alice report-status 1 in_review
expect 0 --as alice report-status 1 ready_for_review && has 'In Review'
expect 0 --as quinn report-status 1 in_review
expect 5 --as quinn report-status 1 published
expect 0 --as quinn report-status 1 approved
expect 0 --as quinn report-status 1 published && has 'report published: Complete'
expect 5 --as morgan cancel 1 --reason "too late" && err_has 'Complete'
expect 5 --as morgan edit 1 --location Elsewhere
expect 5 --as carol files attach 1 "$T/scope.txt"

# --- another request is cancelled -------------------------------------------------
expect 0 --as carol request --client acme --name "Acme phishing exercise" \
    --start 2026-04-13 --end 2026-04-17 && has 'engagement 3 requested: Pending'
expect 4 --as carol cancel 3
expect 0 --as morgan cancel 3 --reason "Budget moved to Q3" && has 'canceled: Canceled'
expect 5 --as morgan approve 3
expect 5 --as morgan cancel 3
expect 0 --as carol show 3 && has 'cancel reason +Budget moved to Q3'

# --- the views ----------------------------------------------------------------------
expect 0 --as morgan list && has '^ *1 +Acme external web test +Acme Corp +2026-03-09 +2026-03-18 +Complete +Published$' &&
    has '^ *2 +Globex internal network +Globex .* In Progress +Draft$'
expect 0 --as morgan list --tab canceled && has 'Acme phishing exercise +Acme Corp .* Canceled'
expect 0 --as morgan list --status pending,complete --sort name --desc && has 'Complete'
expect 0 --as morgan list --limit 1 && has '^next page: '
token=$(sed -n 's/^next page: //p' "$OUT")
expect 0 --as morgan list --limit 1 --page "$token" && has 'Globex internal network'
expect 2 --as morgan list --page forged-token
expect 2 --as morgan list --tab nonsense
expect 2 --as morgan list --limit 0
expect 0 --as morgan list --limit 1 --all && has 'Acme external web test' && has 'Globex internal network'
expect 0 --as carol list && has 'Acme external web test'
if grep -q Globex "$OUT"; then fail "carol sees Globex in the list"; else passed=$((passed + 1)); fi
expect 0 --as morgan --json list --tab all && has '"engagements"' && has '"status": ?"complete"'
expect 0 --as morgan calendar --month 2026-03 && has '^March 2026$' && has '^ Mon +Tue +Wed +Thu +Fri +Sat +Sun' &&
    has '#1 Acme ext' && has '#2 +In Progress +2026-03-16 .. 2026-03-27 +Globex internal network'
expect 2 --as morgan calendar --month 2026-13
expect 0 --as morgan --json calendar --month 2026-03 && has '"colour": ?"#'
expect 0 --as morgan availability --month 2026-03 && has '^Alice Operator +utilisation +[0-9]+%' &&
    has 'Unavailable +Annual leave'
expect 4 --as carol availability --month 2026-03
# The status tabs filter the Calendar and Availability as they do the List.
expect 0 --as morgan calendar --month 2026-03 --tab complete && has '#1 Acme ext'
if grep -q 'Globex internal' "$OUT"; then fail "calendar --tab complete shows In Progress work"; else passed=$((passed + 1)); fi
expect 0 --as morgan availability --month 2026-03 --tab in_progress && has 'Globex internal network' &&
    has 'Unavailable +Annual leave'
if grep -q 'Acme external' "$OUT"; then fail "availability --tab in_progress shows Complete work"; else passed=$((passed + 1)); fi
expect 2 --as morgan availability --month 2026-03 --tab nonsense
expect 2 --as morgan availability --from 2026-03-01 --to 2028-03-01
expect 0 --as morgan events 1 && has 'engagement.requested' && has 'engagement.completed' &&
    has 'scheduled -> in_progress'
expect 0 --as morgan --json events 1 && has '"action": ?"engagement.started"'
expect 3 --as carol events 2

# --- support files ------------------------------------------------------------------
expect 0 --as morgan files get 1 --output "$T/got.txt"
if cmp -s "$T/scope.txt" "$T/got.txt"; then passed=$((passed + 1)); else fail "downloaded file differs"; fi
expect 0 --as carol files get 1 && has '^In scope: www.acme.example$'
expect 3 --as morgan files get 99
expect 0 --as morgan files attach 2 "$T/scope.txt" --name brief.txt && has 'file 2 attached'
expect 2 --as morgan files attach 2 "$T/scope.txt" --name "../etc/passwd"
expect 0 settings set file_max_bytes 10
head -c 100 /dev/zero >"$T/big.bin"
expect 8 --as morgan files attach 2 "$T/big.bin"
expect 0 settings set file_max_bytes 26214400
expect 3 --as vic files delete 2
expect 4 --as alice files delete 2
expect 0 --as morgan files delete 2
expect 0 --as morgan --json files list 2 && has '^\[\]$'

# --- invitations, feed, export and import ---------------------------------------------
expect 0 --as alice feed alice && has 'METHOD:PUBLISH' && has 'Globex internal network'
expect 4 --as alice feed bob
expect 1 --as alice feed
expect 0 --as alice feed-token issue alice && has '^est1_[0-9a-f]+_[0-9a-f]+$'
old_token=$(cat "$OUT")
expect 0 feed --token "$old_token" && has 'METHOD:PUBLISH' && has 'Globex internal network'
expect 4 --as alice feed-token issue bob
expect 0 --as admin --json feed-token issue alice && py 'assert doc["token"].startswith("est1_")'
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$OUT")
expect 4 feed --token "$old_token" && err_has 'token'
expect 0 feed --token "$token" && has 'Globex internal network'
expect 0 --as alice feed-token revoke alice && has 'revoked'
expect 4 feed --token "$token"
expect 3 --as alice feed-token revoke alice
expect 1 --as alice feed-token rotate alice
expect 0 --as morgan ics 2 alice && has 'BEGIN:VCALENDAR' && has 'METHOD:REQUEST'
expect 0 --as alice ics 2 alice --mail && has '^Subject: ' && has 'text/calendar; method=REQUEST'
# alice's calendar answers: a REPLY built from her invitation, as a client sends it.
expect 0 --as alice ics 2 alice
python3 - "$OUT" > "$T/reply.ics" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\r\n", "\n").replace("\n ", "")
field = {l.split(":", 1)[0]: l.split(":", 1)[1] for l in text.splitlines() if ":" in l}
print("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//story//EN\r\nMETHOD:REPLY\r\n"
      "BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%s\r\nDTSTAMP:20260301T090000Z\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR"
      % (field["UID"], field["SEQUENCE"]), end="\r\n")
PY
expect 4 --as bob reply "$T/reply.ics"
expect 0 --as alice reply "$T/reply.ics" && has 'accepted engagement 2'
expect 0 --as alice --json reply - < "$T/reply.ics" && py 'assert doc["response"] == "accepted"'
expect 2 --as alice reply /dev/null
expect 3 --as morgan ics 2 quinn
expect 3 --as carol ics 2 alice
expect 0 --as admin export --output "$T/export.json"
expect 0 --db "$T/imported.db" init
expect 0 --db "$T/imported.db" import "$T/export.json" && has 'engagements? imported'
expect 0 --db "$T/imported.db" list && has 'Acme external web test'
# init made an empty store, so that import was a restore: the same store again.
expect 0 --db "$T/imported.db" --as admin export --output "$T/export-again.json"
if cmp -s "$T/export.json" "$T/export-again.json"; then passed=$((passed + 1)); else fail "export -> import -> export differs"; fi
if [ ! -e "$T/export-again.json.partial" ]; then passed=$((passed + 1)); else fail "export left its .partial file"; fi
expect 0 --as admin export && py 'assert doc["version"] == 2 and "store" in doc and "webhook_secret" not in doc["settings"]'
expect 4 --as morgan export --secrets
expect 0 --as morgan export && py 'assert "store" not in doc and "events" not in doc'
printf '{"broken":' >"$T/broken.json"
expect 2 --db "$T/imported.db" import "$T/broken.json"
expect 4 --as carol import "$T/export.json"
expect 3 import "$T/no-such.json"

# --- backup and restore ---------------------------------------------------------------
expect 0 --as admin backup "$T/backup.db" && has "backed up .* to $T/backup.db"
expect 7 --as admin backup "$T/backup.db" && err_has 'exists'
expect 4 --as carol backup "$T/denied.db"
if [ ! -e "$T/denied.db" ]; then passed=$((passed + 1)); else fail "a refused backup left $T/denied.db"; fi
expect 1 --as admin backup
expect 0 --db "$T/restored.db" restore "$T/backup.db" && has "restored"
expect 0 --db "$T/restored.db" list && has 'Acme external web test'
expect 0 --db "$T/restored.db" --as admin export --output "$T/export-restored.json"
if cmp -s "$T/export.json" "$T/export-restored.json"; then passed=$((passed + 1)); else fail "the restored store exports differently"; fi
expect 7 --db "$T/restored.db" restore "$T/backup.db"
expect 10 --db "$T/from-json.db" restore "$T/export.json" && err_has 'not a database'
if [ ! -e "$T/from-json.db" ]; then passed=$((passed + 1)); else fail "a refused restore left $T/from-json.db"; fi
expect 3 --db "$T/from-nothing.db" restore "$T/no-such.db"
expect 0 --as admin --json backup "$T/backup2.db" && py 'assert doc["backup"].endswith("backup2.db")'

# --- mail goes to the outbox when one is given -------------------------------------------
expect 0 --outbox "$T/outbox" --as morgan unassign 2 bob
expect 0 --outbox "$T/outbox" --as morgan assign 2 bob --role tester
if [ -d "$T/outbox" ]; then passed=$((passed + 1)); else fail "no outbox directory"; fi
# The unassign mailed a CANCEL, the assign a REQUEST.
n=$(find "$T/outbox" -name '[0-9]*-bob@example.com.eml' | wc -l)
if [ "$n" -eq 2 ]; then passed=$((passed + 1)); else fail "expected 2 messages to bob in the outbox, found $n"; fi

# --- the store's outbox: deliver, list, count, requeue, purge ---------------------
# json_ok: the last stdout is one JSON document (python3 -c ... json.load).
json_ok() {
    if python3 -c 'import json,sys; json.load(sys.stdin)' <"$OUT" 2>/dev/null; then
        passed=$((passed + 1))
    else
        fail "stdout is not JSON"
    fi
}
emls() { find "$1" -name '[0-9]*-*.eml' 2>/dev/null | wc -l; }

# Everything before the outbox section ran without --outbox: that mail
# waits in the store, as do all the events.
expect 0 --as admin outbox count && has '^[1-9][0-9]*$'
expect 0 --as admin outbox list --state pending --limit 1000 && has '^ *[0-9]+ +mail +pending +#1 +alice ' &&
    has ' event +pending ' && has '^ *ID +Kind +State +Engagement +User/seq +Attempts +Next attempt +Recipient +Reason'
expect 0 --as admin --json outbox list --state pending --limit 1000 && json_ok &&
    py 'assert {i["kind"] for i in doc} == {"mail", "event"} and all(i["state"] == "pending" for i in doc)'
expect 0 --as admin outbox list --limit 2 && has '^more may follow: --after [0-9]+$'
after=$(sed -n 's/^more may follow: --after //p' "$OUT")
expect 0 --as admin --json outbox list --after "$after" --limit 1 && py "assert doc[0]['id'] > $after"
expect 0 --as admin --json outbox count --state all && json_ok && py 'assert doc["count"] > 0'
# Refused: not an administrator, bad arguments, bad values.
expect 4 --as alice outbox list
expect 4 --as morgan outbox count
expect 4 --as carol outbox requeue all
expect 4 --as alice outbox purge --before 2026-01-01
expect 4 --outbox "$T/delivered" --as morgan deliver
expect 1 deliver && err_has 'nothing to deliver to'
expect 1 deliver --bogus
expect 1 deliver extra
expect 2 --outbox "$T/delivered" deliver --limit many
expect 1 outbox frobnicate
expect 1 outbox requeue
expect 1 outbox requeue 1 2
expect 1 outbox purge
expect 1 outbox list extra
expect 1 outbox list --before 2026-01-01
expect 1 outbox count --limit 5
expect 1 outbox requeue all --state dead
expect 1 outbox purge --before 2026-01-01 --state delivered
expect 2 outbox list --state bogus && err_has "'bogus' is not one of"
expect 2 outbox count --state pending,nope
expect 2 outbox list --state ''
expect 2 outbox list --limit 0
expect 2 outbox list --limit 1001
expect 2 outbox list --after -1
expect 2 outbox requeue abc
expect 2 outbox purge --before soon
expect 3 outbox requeue 999999 && err_has 'does not exist'

# deliver: the mail to a directory, the events to a file.
expect 0 --outbox "$T/delivered" deliver --limit 1 && has '^delivered 1, retrying 0, dead 0$'
expect 0 --outbox "$T/delivered" deliver --events "$T/events.jsonl" &&
    has '^delivered [1-9][0-9]*, retrying 0, dead 0$'
n=$(emls "$T/delivered")
if [ "$n" -ge 2 ]; then passed=$((passed + 1)); else fail "expected the story's mail in $T/delivered, found $n"; fi
if python3 - "$T/events.jsonl" <<'PY'; then passed=$((passed + 1)); else fail "events file: not document + signature lines"; fi
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines and len(lines) % 2 == 0
for doc, sig in zip(lines[0::2], lines[1::2]):
    d, s = json.loads(doc), json.loads(sig)
    assert d["seq"] == s["seq"] and s["signature"] is None and "action" in d
PY
expect 0 --as admin outbox count && has '^0$'
expect 0 --as admin --json outbox count --state delivered && py 'assert doc["count"] > 0'
expect 0 --outbox "$T/delivered" --json deliver --events "$T/events.jsonl" && json_ok &&
    py 'assert doc == {"delivered": 0, "retrying": 0, "dead": 0}'
expect 0 --as admin --json outbox list --state delivered --limit 1 && py 'assert doc[0]["state"] == "delivered"'
delivered_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])' <"$OUT")
expect 5 --as admin outbox requeue "$delivered_id" && err_has 'only dead and undeliverable'

# Signed events: with webhook_secret, the signature line holds the HMAC of
# the document line.
expect 0 settings set webhook_secret "story secret"
expect 0 --as admin export --secrets && py 'assert doc["settings"]["webhook_secret"] == "story secret"'
: >"$T/signed.jsonl"
expect 0 --outbox "$T/delivered" deliver --events "$T/signed.jsonl" && has '^delivered 1,'
if python3 - "$T/signed.jsonl" <<'PY'; then passed=$((passed + 1)); else fail "events file: bad signature"; fi
import hashlib, hmac, json, sys
doc, sig = open(sys.argv[1], "rb").read().splitlines()
want = "sha256=" + hmac.new(b"story secret", doc, hashlib.sha256).hexdigest()
assert json.loads(sig)["signature"] == want and json.loads(doc)["action"] == "settings.changed"
PY

# An invitation that cannot be built: the change stands, with a warning.
# A series keeps the organizer it was first sent with, so only a first
# invitation sent while no organizer is set has none.
expect 0 settings set organizer_email ""
expect 0 --as morgan --json create --client globex --name "Globex retest" --start 2026-06-01 \
    --end 2026-06-05 --operator bob:tester &&
    err_has '^\{"warning": \{"message": "1 invitation not sent: organizer_email'
expect 0 --as admin outbox list --state undeliverable && has ' mail +undeliverable +#4 +bob ' && has 'organizer_email'
expect 0 --as admin --json outbox list --state undeliverable && py 'assert len(doc) == 1 and doc[0]["reason"]'
expect 0 --as admin --json outbox count --state dead,undeliverable && py 'assert doc["count"] == 1'
expect 0 --as admin outbox requeue all && has '^0 items re-queued$' && err_has 'warning: 1 undeliverable item left'
expect 0 settings set organizer_email scheduling@example.com
before=$(emls "$T/delivered")
expect 0 --outbox "$T/delivered" --as admin outbox requeue all && has '^1 item re-queued$'
n=$(emls "$T/delivered")
if [ "$n" -eq $((before + 1)) ]; then passed=$((passed + 1)); else fail "requeue did not deliver to the outbox ($before -> $n)"; fi
expect 0 --as admin --json outbox requeue all && json_ok && py 'assert doc == {"requeued": 0, "undeliverable": 0}'
expect 0 --as admin outbox count --state undeliverable && has '^0$'

# purge: delivered items only.
expect 0 --as admin outbox count --state pending && has '^[1-9][0-9]*$'
pending=$(cat "$OUT")
expect 0 --as admin outbox purge --before 2030-01-01 && has '^[1-9][0-9]* delivered items? purged$'
expect 0 --as admin outbox count --state delivered && has '^0$'
expect 0 --as admin outbox count --state pending && has "^$pending\$"
expect 0 --as admin --json outbox purge --before 2030-01-01 && json_ok && py 'assert doc == {"purged": 0}'
expect 0 --as admin outbox list --state delivered && has '^no outbox items$'
expect 0 --as admin --json outbox list --state delivered && has '^\[\]$'

finish

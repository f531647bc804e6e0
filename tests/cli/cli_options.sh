#!/usr/bin/env bash
# cli_options.sh ENGSCHED TMPDIR — global options anywhere, and keys or ids
# wherever a user or client is named.
#
# Every global option (--db, --as, --json, --now, --outbox) works after the
# command as before it; a second different value is a usage error (exit 1)
# naming the option, the same value twice is fine; '--' ends the options;
# an unknown option names itself. A user or client is a host key or an id
# for --as, --operator, list --client/--operator, create --client, users
# grant, assign, unassign, unavailability and skills; 'key:123' forces a
# key that is all digits; unknown keys and ids are named in the error.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -u

E=${1:?usage: cli_options.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_options.sh ENGSCHED TMPDIR}
# shellcheck source=tests/cli/harness.sh
. "$(dirname "$0")/harness.sh" options
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# jget KEY: a top-level value of the last stdout parsed as JSON
jget() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <"$OUT"; }

# same_out FILE: the last stdout equals FILE
same_out() {
    if cmp -s "$OUT" "$1"; then passed=$((passed + 1)); else fail "stdout differs from $1"; fi
}

expect 0 init
expect 0 settings set organizer_email scheduling@example.com
expect 0 clients add acme "Acme Corp"
expect 0 clients add globex Globex
expect 0 clients add 77 "Client keyed 77"
expect 0 users add morgan --name "Morgan Manager" --role Manager --all-clients
expect 0 users add alice --name "Alice Operator" --role Operator --email alice@example.com
expect 0 users add bob --name "Bob Operator" --role Operator --email bob@example.com
expect 0 users add 1234 --name "Numeric Key" --role Operator
expect 0 --json users show alice && alice=$(jget id)
expect 0 --json users show bob && bob=$(jget id)
expect 0 --json users show morgan && morgan=$(jget id)
expect 0 --json clients show acme && acme=$(jget id)
expect 0 --json clients show globex && globex=$(jget id)
expect 0 users grant bob globex
DB=$ENGSCHED_DB
unset ENGSCHED_DB

# --- global options after the command --------------------------------------
expect 0 create --db "$DB" --client acme --name "Acme web" --start 2026-03-09 --end 2026-03-13
expect 0 create --client globex --db "$DB" --name "Globex web" --start 2026-03-16 --end 2026-03-20
expect 0 list --db "$DB" && has 'Acme web' && has 'Globex web'
expect 0 list --db="$DB" --json && py 'assert len(doc["engagements"]) == 2'
expect 0 --db "$DB" list --as alice --json && py 'assert len(doc["engagements"]) == 0'
expect 0 users grant alice acme --db "$DB"
expect 0 list --db "$DB" --as alice --json && py 'assert [e["name"] for e in doc["engagements"]] == ["Acme web"]'
cp "$OUT" "$T/alice-list.json"
expect 0 --db "$DB" --as alice --json list && same_out "$T/alice-list.json"
expect 0 --db "$DB" list --json --as=alice && same_out "$T/alice-list.json"
expect 4 users add eve --name Eve --role Viewer --db "$DB" --as alice
expect 0 assign 2 bob --db "$DB" --outbox "$T/mail" && has 'assigned'
if ls "$T/mail"/*bob@example.com* >/dev/null 2>&1; then passed=$((passed + 1)); else fail "--outbox after the command wrote no mail for bob"; fi
expect 0 show 1 --json --db "$DB" && py 'assert doc["id"] == 1'
expect 0 tick --db "$DB" --now 2026-03-10T08:00:00Z --json && py 'assert doc["now"] == 1773129600 and doc["moved"] == 1'
expect 0 --db "$DB" --as alice --json list && cp "$OUT" "$T/alice-list.json"

# --- conflicts, '--', unknown options ---------------------------------------
expect 1 --db "$DB" list --db "$T/other.db" && err_has "'--db' given twice with different values"
expect 1 --as alice list --db "$DB" --as morgan && err_has "'--as' given twice"
expect 1 --now 2026-03-01 --now 2026-03-02 list --db "$DB" && err_has "'--now' given twice"
expect 1 list --db "$DB" --outbox a --outbox b && err_has "'--outbox' given twice"
expect 0 --as alice list --db "$DB" --as alice
expect 0 --json list --db "$DB" --json && py 'assert "engagements" in doc'
expect 1 list --db "$DB" --json=yes && err_has "takes no value"
expect 1 list --db && err_has "'--db' needs a value"
expect 1 list --db "$DB" --bogus && err_has "unknown option '--bogus'"
expect 1 --bogus --db "$DB" list && err_has "unknown option '--bogus'"
expect 3 skills --db "$DB" -- --json && err_has "no user with the key '--json'"
expect 0 --db "$DB" -- list && has 'Acme web'

export ENGSCHED_DB=$DB

# --- keys and ids for users -------------------------------------------------
expect 0 --as alice --json list && same_out "$T/alice-list.json"
expect 0 --as "$alice" --json list && same_out "$T/alice-list.json"
expect 0 list --as "$alice" --json && same_out "$T/alice-list.json"
expect 0 --json list --operator bob && py 'assert [e["id"] for e in doc["engagements"]] == [2]'
cp "$OUT" "$T/bob-work.json"
expect 0 --json list --operator "$bob" && same_out "$T/bob-work.json"
expect 0 --json list --client acme && cp "$OUT" "$T/acme.json"
expect 0 --json list --client "$acme" && same_out "$T/acme.json"
expect 0 --json assign 1 "$alice" --role lead && py "assert doc['user'] == $alice and doc['user_key'] == 'alice'"
expect 7 assign 1 alice
expect 0 --json unassign 1 alice && py "assert doc['user'] == $alice and doc['unassigned']"
expect 0 --json assign 1 alice && py "assert doc['user_key'] == 'alice'"
expect 0 --json unassign 1 "$alice" && py "assert doc['user_key'] == 'alice'"
expect 0 --json create --client "$globex" --name "By ids" --start 2026-04-06 --end 2026-04-10 \
    --operator "$bob:tester" && by_ids=$(jget id)
expect 0 --json show "$by_ids" && py 'assert doc["client"]["key"] == "globex" and [o["user"] for o in doc["operators"]] == ["bob"]'
expect 0 --json show "$by_ids" && py 'assert doc["operators"][0]["role"] == "tester"'
expect 0 users grant "$alice" "$globex" && has 'has access'
expect 0 --json users revoke alice "$globex" && py "assert doc['user'] == $alice and doc['client'] == $globex and not doc['access']"
expect 0 skills "$alice" web linux
expect 0 --json skills alice && py 'assert doc == ["linux", "web"]'
expect 0 --as "$alice" --json skills "$alice" && py 'assert doc == ["linux", "web"]'
expect 0 --json unavailability add "$bob" --start 2026-05-04 --end 2026-05-08 --reason Leave &&
    py "assert doc['user'] == $bob and doc['user_key'] == 'bob'"
expect 0 --json unavailability list bob --start 2026-05-01 --end 2026-05-31 && cp "$OUT" "$T/bob-leave.json"
expect 0 --json unavailability list "$bob" --start 2026-05-01 --end 2026-05-31 && same_out "$T/bob-leave.json"
expect 0 --as "$morgan" --json availability --month 2026-05 && cp "$OUT" "$T/avail.json"
expect 0 --as morgan --json availability --month 2026-05 && same_out "$T/avail.json"

# --- a key that is all digits, key:, unknown keys and ids -------------------
expect 0 skills key:1234 api && has 'api'
expect 0 --json skills key:1234 && py 'assert doc == ["api"]'
expect 3 skills 1234 && err_has "no user with the id 1234 \\(write key:1234 for the key '1234'\\)"
expect 0 users grant key:1234 acme
expect 0 --json assign 1 key:1234 --role tester && py "assert doc['user_key'] == '1234' and doc['role'] == 'tester'"
expect 0 --json create --client acme --name "Digits" --start 2026-04-13 --end 2026-04-17 \
    --operator key:1234:reviewer && digits=$(jget id)
expect 0 --json show "$digits" && py 'assert [(o["user"], o["role"]) for o in doc["operators"]] == [("1234", "reviewer")]' 
expect 0 --json clients show key:77 && py 'assert doc["key"] == "77" and doc["name"] == "Client keyed 77"'
expect 0 --json clients show "$acme" && py 'assert doc["name"] == "Acme Corp"'
expect 3 clients show 77 && err_has "no client with the id 77"
expect 0 --as key:1234 --json list && py 'assert "Digits" in [e["name"] for e in doc["engagements"]]'
expect 3 --as nobody list && err_has "--as: no user with the key 'nobody'"
expect 3 --as 999 list && err_has "--as: no user with the id 999"
expect 3 assign 1 nobody && err_has "no user with the key 'nobody'"
expect 3 unassign 1 999 && err_has "no user with the id 999"
expect 3 list --client nope && err_has "no client with the key 'nope'"
expect 3 list --operator 998 && err_has "no user with the id 998"
expect 3 create --client 555 --name X --start 2026-04-06 --end 2026-04-10 && err_has "no client with the id 555"
expect 3 create --client acme --name X --start 2026-04-06 --end 2026-04-10 --operator ghost:lead &&
    err_has "no user with the key 'ghost'"
expect 3 skills key:999 && err_has "no user with the key '999'"

# --- help says it -------------------------------------------------------------
expect 0 --help && has 'before or after the command' && has 'key:'
expect 0 list --help && has 'before or after the command'

finish

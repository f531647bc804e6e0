#!/usr/bin/env bash
# cli_json.sh ENGSCHED TMPDIR — every command's --json output follows the
# one style of examples/cli/README.md ("JSON output"):
#
#   - stdout is exactly one JSON document, an object or an array;
#   - keys are snake_case;
#   - instants (keys *_at, now, time) are integers (epoch seconds) or null,
#     and no string holds an RFC 3339 instant (but the library's time_iso);
#   - dates (start, end, from, to, window_*) are YYYY-MM-DD or null;
#   - enums (status, state, kind, role, ...) are the library's names in
#     the CLI's own documents (show, events and export print the library's
#     documents as the library writes them, re-indented);
#   - in the CLI's own documents every integer 'user' has its 'user_key';
#   - a failure prints nothing on stdout and one line on stderr,
#     {"error": {"code": EXIT, "name": ..., "message": ...}}; a warning is
#     {"warning": {"message": ...}}.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -u

E=${1:?usage: cli_json.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_json.sh ENGSCHED TMPDIR}
# shellcheck source=tests/cli/harness.sh
. "$(dirname "$0")/harness.sh" json
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

cat >"$T/style.py" <<'PY'
import json, re, sys

own = sys.argv[1] == "own"   # a document of the CLI's own, not the library's
text = open(sys.argv[2]).read()
doc = json.loads(text)       # raises on a second document ("Extra data")
problems = []
if not isinstance(doc, (dict, list)):
    problems.append("not an object or an array")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTANT_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NAME = re.compile(r"^[a-z][a-z_]*$")
DATES = {"start", "end", "from", "to", "window_start", "window_end"}
ENUMS = {"status", "state", "kind", "role", "report_status", "response", "status_before",
         "status_after"}

def walk(v, path):
    if isinstance(v, dict):
        if own and isinstance(v.get("user"), int) and not isinstance(v.get("user"), bool) \
                and "user_key" not in v:
            problems.append(path + ": 'user' without 'user_key'")
        for k, x in v.items():
            p = path + "." + k
            if not SNAKE.match(k) and not path.endswith(".custom_fields"):
                problems.append(p + ": key not snake_case")
            if (k.endswith("_at") or k in ("now", "time")) and x is not None and \
                    (not isinstance(x, int) or isinstance(x, bool)):
                problems.append(p + ": instant not an integer: %r" % (x,))
            if k in DATES and (own or ".details." not in p) and x is not None and not (isinstance(x, str) and DATE.match(x)):
                problems.append(p + ": not a YYYY-MM-DD date: %r" % (x,))
            if own and k in ENUMS and x is not None and not (isinstance(x, str) and NAME.match(x)):
                problems.append(p + ": not a name: %r" % (x,))
            if isinstance(x, str) and INSTANT_TEXT.match(x) and k != "time_iso":
                problems.append(p + ": an instant as text: %r" % (x,))
            walk(x, p)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, "%s[%d]" % (path, i))

walk(doc, "$")
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
PY

cat >"$T/error.py" <<'PY'
import json, sys
want = int(sys.argv[1])
lines = open(sys.argv[2]).read().splitlines()
assert len(lines) == 1, "%d lines on stderr" % len(lines)
doc = json.loads(lines[0])
assert list(doc) == ["error"], doc
err = doc["error"]
assert sorted(err) == ["code", "message", "name"], err
assert err["code"] == want and isinstance(err["name"], str) and err["message"], err
PY

# style own|lib: the last stdout follows the style
style() {
    if "$PY" "$T/style.py" "$1" "$OUT" >"$T/problems" 2>&1; then
        passed=$((passed + 1))
    else
        fail "JSON style: $(head -c 600 "$T/problems")"
    fi
}

# j ARGS...: run with --json (after the command, as a user may); exit 0 and
# the CLI's style. jl: a library document.
j() { expect 0 "$@" --json && style own; }
jl() { expect 0 "$@" --json && style lib; }

# jerr CODE ARGS...: a failure with --json is one JSON error object
jerr() {
    local want=$1
    shift
    "$E" --json "$@" >"$OUT" 2>"$ERR"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "engsched --json $* exited $rc, expected $want"
    elif [ -s "$OUT" ]; then
        fail "engsched --json $* printed on stdout while failing"
    elif "$PY" "$T/error.py" "$want" "$ERR" >"$T/problems" 2>&1; then
        passed=$((passed + 1))
    else
        fail "error JSON: $(tail -1 "$T/problems")"
    fi
}

echo "scope" >"$T/scope.txt"
j init
j settings set organizer_email scheduling@example.com
j settings set uid_domain engsched.example.com
j settings list
j settings get timezone
j clients add acme "Acme Corp"
j clients show acme
j users add admin --name Admin --role Administrator --all-clients
j users add morgan --name "Morgan Manager" --role Manager --all-clients
j users add alice --name "Alice Operator" --role Operator --email alice@example.com
j users add bob --name "Bob Operator" --role Operator --email bob@example.com
j users show alice
j users grant alice acme
j users grant bob acme
j users revoke bob acme
j users grant bob acme
j roles create Auditor --permissions view,report_view
j roles set Auditor --permissions view
j roles show Manager
j roles permissions
j --as alice request --client acme --name "Web test" --start 2026-03-09 --end 2026-03-13 --file "$T/scope.txt"
j --as morgan approve 1 --operator alice:lead
j create --client acme --name "API test" --start 2026-03-16 --end 2026-03-20 --operator bob:tester
j edit 2 --name "API test 2"
j assign 1 bob --role tester --tentative
j allocation 1 bob --percent 50 --tentative
j confirm 1 bob
j unassign 1 bob
j assign 2 alice --from 2026-03-16 --to 2026-03-17
j unavailability add bob --start 2026-04-06 --end 2026-04-10 --reason Leave
j unavailability list bob --start 2026-04-01 --end 2026-04-30
j unavailability remove 1
j skills alice web api
j skills alice
j require 2 api
j require 2
j candidates 2
j recur 2 FREQ=YEARLY
j clone 2 --dates
j cancel 3 --reason "not needed"
jl show 1
j list
j list --all --limit 1
j list --tab scheduled --client acme --operator alice
j calendar --month 2026-03
j availability --month 2026-03
j availability --from 2026-03-09 --to 2026-03-20
j capacity --month 2026-03
j capacity --month 2026-03 --by month --totals
j files attach 1 "$T/scope.txt" --name notes.txt
j files list 1
j files delete 2
jl events 1
j tick --now 2026-03-09T08:00:00Z
j report-status 1 ready_for_review
j --as admin feed-token issue alice
j --as admin feed-token revoke alice
jl --as admin export
j --as admin backup "$T/backup.db"
j --db "$T/restored.db" restore "$T/backup.db"
j --as admin outbox list --state all --limit 5
j --as admin outbox count --state all
j --as admin deliver --events "$T/events.jsonl" --limit 2
j --as admin outbox requeue all
j --as admin outbox purge --before 2026-01-01
expect 0 --as admin export --output "$T/export.json"
j --db "$T/imported.db" init
j --db "$T/imported.db" import "$T/export.json"

# --- one document: list --all over several pages is still one ---------------
expect 0 list --json && cp "$OUT" "$T/list.json"
expect 0 list --all --limit 1 --json &&
    py 'assert doc == json.load(open(sys.argv[1])) and len(doc["engagements"]) > 1' "$T/list.json"

# --- failures and warnings -----------------------------------------------------
jerr 1 list --bogus
jerr 1 frobnicate
jerr 1 list --db a --db b
jerr 2 list --from 2026-13-01 --to 2026-13-02
jerr 3 show 99
jerr 3 assign 1 nobody
jerr 4 --as alice users add eve --name Eve --role Viewer
jerr 5 --as morgan approve 1
jerr 7 assign 1 alice
expect 0 settings set organizer_email ""
expect 0 --json create --client acme --name "No organizer" --start 2026-05-04 --end 2026-05-08 \
    --operator alice && style own
if "$PY" -c 'import json,sys
lines = open(sys.argv[1]).read().splitlines()
assert lines and all(list(json.loads(l)) == ["warning"] for l in lines), lines
assert "not sent" in json.loads(lines[0])["warning"]["message"]' "$ERR"; then
    passed=$((passed + 1))
else
    fail "warnings with --json are not one JSON object a line"
fi

finish

#!/usr/bin/env bash
# cli_capacity.sh ENGSCHED TMPDIR — capacity through the `engsched` CLI:
# a row per operator and week with working, absent, firm, tentative, free
# and overbooked days, then a Total line per week with the demand and what
# is unstaffed (with and without holds); --by month, --totals, --json with
# the raw hundredths; refusals (exit 4) and bad options (exit 1 and 2),
# each one line on stderr. Prints "N passed, M failed".
set -u

E=${1:?usage: cli_capacity.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_capacity.sh ENGSCHED TMPDIR}
# shellcheck source=tests/cli/harness.sh
. "$(dirname "$0")/harness.sh" capacity

expect 0 --help && has '^  capacity +Capacity'
expect 0 capacity --help && has '^usage: engsched \[GLOBAL OPTIONS\] capacity' && has '^  --by BUCKET'

expect 0 init
expect 0 settings set organizer_email scheduling@example.com
expect 0 clients add acme "Acme Corp"
expect 0 users add morgan --name "Morgan Manager" --role Manager --all-clients --email morgan@example.com
expect 0 users add alice --name "Alice Operator" --role Operator --email alice@example.com
expect 0 users add bob --name "Bob Operator" --role Operator --email bob@example.com
expect 0 users add vic --name "Vic Viewer" --role Viewer
for u in alice bob vic; do expect 0 users grant "$u" acme; done

# Week of 1 June: alice firm on the 1st-3rd, bob at 50 % on the 3rd-5th, so
# Thursday and Friday are half unstaffed. Week of 8 June: bob held all week,
# alice at 50 % on the 11th-12th and on leave on the 12th (overbooked by half).
expect 0 --as morgan create --client acme --name "Job" --start 2026-06-01 --end 2026-06-05
expect 0 --as morgan assign 1 alice --from 2026-06-01 --to 2026-06-03
expect 0 --as morgan assign 1 bob --from 2026-06-03 --to 2026-06-05 --percent 50
expect 0 --as morgan create --client acme --name "Hold" --start 2026-06-08 --end 2026-06-12
expect 0 --as morgan assign 2 bob --tentative
expect 0 --as alice unavailability add alice --start 2026-06-12 --end 2026-06-12 --reason Leave
expect 0 --as morgan assign 2 alice --from 2026-06-11 --to 2026-06-12 --percent 50

W1='2026-06-01 \.\. 2026-06-07'
W2='2026-06-08 \.\. 2026-06-14'
expect 0 --as morgan capacity --month 2026-06
has '^Capacity 2026-06-01 \.\. 2026-06-30 by week'
has "^$W1  Alice Operator +working 5\.00  absent 0\.00  firm 3\.00  tentative 0\.00  free 2\.00  overbooked 0\.00$"
has "^$W2  Alice Operator +working 5\.00  absent 1\.00  firm 0\.50  tentative 0\.00  free 3\.50  overbooked 0\.50$"
has "^$W1  Bob Operator +working 5\.00  absent 0\.00  firm 1\.50  tentative 0\.00  free 3\.50  overbooked 0\.00$"
has "^$W2  Bob Operator +working 5\.00  absent 0\.00  firm 0\.00  tentative 5\.00  free 0\.00  overbooked 0\.00$"
# Morgan (a manager) is an operator too: three operators, 15 working days a week.
has "^$W1  Total +working 15\.00  absent 0\.00  firm 4\.50  tentative 0\.00  free 10\.50  overbooked 0\.00  demand 5\.00  unstaffed 1\.00  unstaffed with holds 1\.00$"
has "^$W2  Total +working 15\.00  absent 1\.00  firm 0\.50  tentative 5\.00  free 8\.50  overbooked 0\.50  demand 5\.00  unstaffed 4\.00  unstaffed with holds 0\.00$"
has '^2026-06-29 \.\. 2026-06-30  Total +working 6\.00 .* demand 0\.00'
count ' Total ' 5
count 'Alice Operator' 5
hasnt 'Alice Operator .*demand'
a=$(line_of 'Alice Operator'); b=$(line_of 'Bob Operator'); t=$(line_of ' Total ')
if [ "${a:-99}" -lt "${b:-0}" ] && [ "${b:-99}" -lt "${t:-0}" ]; then
    passed=$((passed + 1))
else
    fail "not alice ($a), then bob ($b), then the totals ($t)"
fi

expect 0 --as morgan capacity --month 2026-06 --by month --totals
count '^2026-' 1
has '^2026-06-01 \.\. 2026-06-30  Total +working 66\.00 .* demand 10\.00  unstaffed 5\.00  unstaffed with holds 1\.00$'
hasnt 'Operator'

expect 0 --as morgan capacity --from 2026-06-03 --to 2026-06-09 --totals
has '^2026-06-03 \.\. 2026-06-07  Total .* demand 3\.00'
has '^2026-06-08 \.\. 2026-06-09  Total .* demand 2\.00'

expect 0 --as morgan --json capacity --from 2026-06-01 --to 2026-06-14
py "assert isinstance(doc, list) and len(doc) == 8"
py "t = [r for r in doc if r['total']]; assert [(r['start'], r['end']) for r in t] == [('2026-06-01', '2026-06-07'), ('2026-06-08', '2026-06-14')]"
py "t = doc[-1]; assert (t['user'], t['name'], t['demand'], t['unstaffed'], t['unstaffed_with_holds']) == (None, None, 500, 400, 0)"
py "a = [r for r in doc if r['name'] == 'Alice Operator'][1]; assert (a['working'], a['absent'], a['available'], a['firm'], a['free'], a['overbooked']) == (500, 100, 400, 50, 350, 50) and isinstance(a['user'], int)"
py "ops = [r for r in doc if not r['total']]; t = doc[-2]; assert all(t[k] == sum(r[k] for r in ops if r['start'] == t['start']) for k in ('working', 'absent', 'available', 'firm', 'tentative', 'free', 'overbooked'))"

# Refusals: VIEW_AVAILABILITY is needed (a viewer and an operator lack it).
expect 4 --as vic capacity --month 2026-06 && err_has 'view_availability'
expect 4 --as alice capacity --month 2026-06 --totals
expect 4 --as vic --json capacity --month 2026-06 && hasnt '.'
# Bad options and ranges.
expect 2 --as morgan capacity --month 2026-06 --by day
expect 2 --as morgan capacity --from 2026-06-14 --to 2026-06-01
expect 2 --as morgan capacity --from 2026-06-01
expect 2 --as morgan capacity --month 2026-13
expect 2 --as morgan capacity --from 2026-01-01 --to 2027-06-01
expect 1 --as morgan capacity --month 2026-06 --from 2026-06-01 --to 2026-06-02
expect 1 --as morgan capacity --bogus

finish

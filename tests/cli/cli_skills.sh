#!/usr/bin/env bash
# cli_skills.sh ENGSCHED TMPDIR — skills, require and candidates through
# the `engsched` CLI: tags set, read back sorted, cleared; bad tags exit 2;
# candidates list only operators who may be assigned, a free one above a
# busy one, with out-of-sight work as Busy. Prints "N passed, M failed".
set -u

E=${1:?usage: cli_skills.sh ENGSCHED TMPDIR}
T=${2:?usage: cli_skills.sh ENGSCHED TMPDIR}
# shellcheck source=tests/cli/harness.sh
. "$(dirname "$0")/harness.sh" skills

for c in skills require candidates; do
    expect 0 "$c" --help && has "^usage: engsched \\[GLOBAL OPTIONS\\] $c"
done

expect 0 init
expect 0 settings set organizer_email scheduling@example.com
expect 0 clients add acme "Acme Corp"
expect 0 clients add globex Globex
expect 0 users add morgan --name "Morgan Manager" --role Manager --all-clients
expect 0 users add lena --name "Lena Lead" --role Manager
expect 0 users add alice --name "Alice Operator" --role Operator
expect 0 users add bob --name "Bob Operator" --role Operator
expect 0 users add gina --name "Gina Globex" --role Operator
expect 0 users add vic --name "Vic Viewer" --role Viewer
for u in lena alice bob vic; do expect 0 users grant "$u" acme; done
expect 0 users grant alice globex
expect 0 users grant gina globex

# --- skills ----------------------------------------------------------------
expect 0 --as alice skills alice web.app linux linux && has '^linux web.app$'
expect 0 --as alice skills alice && has '^linux web.app$'
expect 0 --as alice --json skills alice && has '"linux"'
expect 2 --as alice skills alice Linux
expect 2 --as alice skills alice "a b"
expect 0 --as alice skills alice && has '^linux web.app$'
expect 4 --as bob skills alice linux
expect 0 --as morgan skills bob c++ && has '^c\+\+$'
expect 0 --as bob skills bob --clear && has '^$'
expect 1 --as bob skills bob --clear linux

# --- candidates -------------------------------------------------------------
expect 0 --as morgan create --client acme --name "Target" --start 2026-04-06 --end 2026-04-10
target=1
expect 0 --as morgan create --client globex --name "Secret work" --start 2026-04-07 \
    --end 2026-04-08 --operator alice:lead
expect 0 --as morgan candidates $target
has 'Bob Operator +free  5  conflicts  0'
has 'Alice Operator +free  3  conflicts  2'
hasnt 'Gina|Vic'
b=$(line_of 'Bob Operator'); a=$(line_of 'Alice Operator')
if [ "${b:-99}" -lt "${a:-0}" ]; then passed=$((passed + 1)); else fail "bob ($b) not above alice ($a)"; fi
expect 0 --as morgan require $target linux web.app && has '^linux web.app$'
expect 0 --as morgan require $target && has '^linux web.app$'
expect 0 --as morgan candidates $target
a=$(line_of 'Alice Operator'); b=$(line_of 'Bob Operator')
if [ "${a:-99}" -lt "${b:-0}" ]; then passed=$((passed + 1)); else fail "alice ($a) not above bob ($b)"; fi
has 'Bob Operator .*missing 2 \(linux,web.app\)'
# Lena sees acme only: alice's globex work is Busy, without its name.
expect 0 --as lena --json candidates $target && has '"label": "Busy"' && hasnt 'Secret work'
expect 4 --as vic candidates $target
expect 3 --as morgan candidates 999
expect 2 --as morgan require $target NOT-A-TAG
expect 0 --as morgan require $target --clear && has '^$'

finish

#!/usr/bin/env bash
# with-cluster.sh CMD [ARGS...] — run CMD against a throw-away PostgreSQL
# cluster, then stop and remove it.
#
# The cluster is made with initdb in a temporary folder and listens on a
# Unix socket in that folder only (no TCP). CMD sees:
#   ENGSCHED_TEST_PG                 postgresql URI of database engsched_test
#                                    as the superuser postgres (trust)
#   ENGSCHED_TEST_PG_AUTH            the same database as role engsched_pw,
#                                    which must give a password (scram)
#   ENGSCHED_TEST_PG_AUTH_PASSWORD   that role's password
#   ENGSCHED_TEST_PG_BINDIR          the server's bindir (pg_dump, pg_restore, psql)
# The PostgreSQL tests skip (exit 77) when ENGSCHED_TEST_PG is unset.
#
# If ENGSCHED_TEST_PG is already set (a server of your own), CMD runs
# against it as it is. If no PostgreSQL server is installed (Debian:
# postgresql), CMD runs without one and those tests skip (in CI, with
# $CI set, that is an error instead). As root, the
# cluster runs as the system user postgres (created by the Debian package;
# initdb refuses root). Exits with CMD's status.
set -euo pipefail

if [ $# -eq 0 ]; then
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

if [ -n "${ENGSCHED_TEST_PG:-}" ]; then
    exec "$@"
fi

bindir=${ENGSCHED_PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            bindir=$d
            break
        fi
    done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    if [ -n "${CI:-}" ]; then
        # CI must not pass by skipping the PostgreSQL tests.
        echo "with-cluster: no PostgreSQL server installed (Debian: postgresql)" >&2
        exit 1
    fi
    echo "with-cluster: no PostgreSQL server installed (Debian: postgresql);" \
         "the PostgreSQL tests will skip" >&2
    exec "$@"
fi

# Run a server program as the cluster's owner.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "with-cluster: running as root and there is no user 'postgres' to own" \
             "the cluster" >&2
        exit 1
    fi
    as_owner=(runuser -u postgres --)
fi

# Short path: a Unix socket path must fit in 107 bytes.
tmp=$(mktemp -d /tmp/engsched-pg.XXXXXX)
chmod 0755 "$tmp"
if [ ${#as_owner[@]} -gt 0 ]; then
    chown postgres: "$tmp"
fi
data=$tmp/data
log=$tmp/server.log

started=0
cleanup() {
    local status=$?
    if [ "$started" -eq 1 ]; then
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log" >&2
    exit 1
}

# Trust for the superuser and tests; a password (scram) for the role the
# authentication tests use. Unix socket only.
cat >"$data/pg_hba.conf" <<HBA
local all engsched_pw scram-sha-256
local all all trust
HBA

# A throw-away cluster needs no durability.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$tmp' -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null || {
    cat "$log" >&2
    exit 1
}
started=1

password="engsched-pw-$RANDOM$RANDOM"
psql_admin() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -U postgres "$@"; }
psql_admin -d postgres -c "CREATE DATABASE engsched_test"
psql_admin -d engsched_test \
    -c "CREATE ROLE engsched_pw LOGIN PASSWORD '$password'" \
    -c "CREATE SCHEMA engsched_pw AUTHORIZATION engsched_pw"

export ENGSCHED_TEST_PG="postgresql:///engsched_test?host=$tmp&user=postgres"
export ENGSCHED_TEST_PG_AUTH="postgresql:///engsched_test?host=$tmp&user=engsched_pw"
export ENGSCHED_TEST_PG_AUTH_PASSWORD=$password
export ENGSCHED_TEST_PG_BINDIR=$bindir
echo "with-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $tmp" >&2

set +e
"$@"
status=$?
set -e
exit "$status"

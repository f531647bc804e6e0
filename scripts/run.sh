#!/usr/bin/env bash
# run.sh demo|portal|test — one entry point for a fresh Debian bookworm machine.
#
#   scripts/run.sh demo   install missing packages, build (RelWithDebInfo),
#                         run the demo on demo-out/demo.db
#   scripts/run.sh portal install missing packages, build, seed a new
#                         demo-out/portal.db and serve the Schedule portal
#                         (examples/portal) on http://127.0.0.1:8080/
#                         (port: ENGSCHED_PORTAL_PORT) until interrupted
#   scripts/run.sh test   install missing packages, build and run the whole
#                         ctest suite in build/, run its cmocka tests under
#                         valgrind memcheck (tests/valgrind/run.sh --quick),
#                         fuzz each libFuzzer target
#                         for a bounded time (build-fuzz/, clang), then run
#                         ctest again with ASan+UBSan in build-asan/; the
#                         last line printed is ctest's "N% tests passed,
#                         ..." summary
#
# Exits non-zero on any failure. Packages are installed with apt-get only
# when something is missing (needs root then).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

PACKAGES=(
    build-essential cmake pkg-config
    libsqlite3-dev libical-dev libjansson-dev libcmocka-dev libsodium-dev
    doxygen abigail-tools tzdata
    python3 python3-vobject python3-pytest python3-setuptools
    # mypy --strict on the Python binding (the python_mypy test)
    python3-mypy
    # a second independent iCalendar parser for the story corpus (tests/corpus)
    python3-icalendar
    clang libfuzzer-14-dev libclang-rt-14-dev valgrind
    # the PostgreSQL backend and the throw-away cluster its tests run on
    libpq-dev postgresql
    # the man pages: rendered from docs/man/*.scd, checked with man -l (groff)
    scdoc
    man-db
    groff-base
    # systemd-analyze verify/security, systemd-sysusers and systemd-tmpfiles
    # judge the hourly job's installed units and snippets (no PID 1 needed)
    systemd
    # the Schedule portal (examples/portal) and its type check
    python3-flask python3-jinja2
    # the portal's browser tests (tests/browser): headless Chromium via Selenium
    chromium chromium-driver python3-selenium
)

jobs=$(nproc 2>/dev/null || echo 2)

log() { printf '\n==> %s\n' "$*"; }

install_packages() {
    install_debian_packages
    install_node_modules
}

install_debian_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$p")
        fi
    done
    # node and npm run the ical.js check of tests/corpus. They are asked
    # for as commands, not as packages: a machine may have them from
    # elsewhere (NodeSource ships its own `nodejs`), and apt must not
    # replace that install.
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    if [ ${#missing[@]} -eq 0 ]; then
        echo "all ${#PACKAGES[@]} required packages are installed, and node and npm"
        return 0
    fi
    log "installing missing packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: not root and no sudo; install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

# Mozilla's ical.js at the version pinned by tests/corpus/package-lock.json,
# into build-npm/ (ignored by git, like every build directory); CMake is
# told with -DENGSCHED_NODE_MODULES. Skipped when the same lock file is
# already installed there.
node_modules=$root/build-npm/node_modules
install_node_modules() {
    local lock=$root/tests/corpus/package-lock.json dest=$root/build-npm
    if cmp -s "$lock" "$dest/package-lock.json" && [ -f "$node_modules/ical.js/package.json" ]; then
        echo "ical.js is installed in $node_modules"
        return 0
    fi
    log "npm ci: ical.js into $dest"
    mkdir -p "$dest"
    cp "$root/tests/corpus/package.json" "$lock" "$dest/"
    (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund)
}

configure_build() {  # configure_build DIR [cmake args...]
    local dir=$1; shift
    log "configure $dir"
    cmake -S "$root" -B "$root/$dir" "$@"
    log "build $dir"
    cmake --build "$root/$dir" --parallel "$jobs"
}

# run_ctest DIR -> prints ctest output, records its summary line and status
summaries=()
statuses=()
run_ctest() {
    local dir=$1 logf=$root/$1/ctest.log status
    log "ctest in $dir"
    set +e
    # Under a throw-away PostgreSQL cluster, so the PostgreSQL tests run
    # instead of skipping (tests/postgres/with-cluster.sh).
    (cd "$root/$dir" && "$root/tests/postgres/with-cluster.sh" ctest --output-on-failure -j2) \
        2>&1 | tee "$logf"
    status=${PIPESTATUS[0]}
    set -e
    local summary
    summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logf" | tail -n1 || true)
    [ -n "$summary" ] || summary="ctest in $dir produced no summary (status $status)"
    summaries+=("$summary")
    statuses+=("$status")
    return 0
}

cmd=${1:-}
case "$cmd" in
demo)
    install_packages
    configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENGSCHED_NODE_MODULES="$node_modules"
    log "demo"
    mkdir -p "$root/demo-out"
    rm -f "$root/demo-out/demo.db" "$root/demo-out/demo.db-wal" "$root/demo-out/demo.db-shm"
    cd "$root/demo-out"
    "$root/build/examples/engsched-demo" demo.db
    ;;
portal)
    install_packages
    configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENGSCHED_NODE_MODULES="$node_modules"
    log "portal"
    mkdir -p "$root/demo-out"
    rm -f "$root/demo-out/portal.db" "$root/demo-out/portal.db-wal" "$root/demo-out/portal.db-shm"
    export ENGSCHED_LIBRARY=$root/build/lib/libengsched.so.0
    export PYTHONPATH=$root/bindings/python:$root/examples/portal
    /usr/bin/python3 "$root/examples/portal/seed.py" "$root/demo-out/portal.db"
    # __main__ prints the URL; the port comes from ENGSCHED_PORTAL_PORT (8080).
    exec /usr/bin/python3 -m portal --store "$root/demo-out/portal.db"
    ;;
test)
    install_packages
    # ENGSCHED_BUILD_STATIC: so install-consumer also checks libengsched.a.
    configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENGSCHED_NODE_MODULES="$node_modules" \
        -DENGSCHED_BUILD_STATIC=ON
    run_ctest build
    # Memcheck of the plain build's cmocka tests: about 3 minutes on 2
    # cores; --quick leaves out the few that take many minutes each under
    # valgrind or depend on timing (tests/valgrind/run.sh says which, why).
    log "valgrind memcheck"
    valgrind_status=0
    tests/valgrind/run.sh --quick "$root/build" || valgrind_status=$?
    # A bounded libFuzzer run of every target under ASan + UBSan
    # (tests/fuzz, docs/fuzzing.md); ENGSCHED_FUZZ_SECONDS per target.
    # Before the sanitizer ctest run, so the last line stays its summary.
    CC=clang configure_build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENGSCHED_FUZZ=ON \
        -DENGSCHED_BUILD_TESTS=OFF -DENGSCHED_BUILD_EXAMPLES=OFF -DENGSCHED_BUILD_DOCS=OFF
    log "fuzz, ${ENGSCHED_FUZZ_SECONDS:-20} s per target"
    fuzz_status=0
    tests/fuzz/run.sh "$root/build-fuzz" "${ENGSCHED_FUZZ_SECONDS:-20}" || fuzz_status=$?
    configure_build build-asan -DENGSCHED_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
        -DENGSCHED_NODE_MODULES="$node_modules"
    run_ctest build-asan

    log "summary"
    final=""
    rc=0
    for i in "${!summaries[@]}"; do
        name=$([ "$i" -eq 0 ] && echo build || echo build-asan)
        echo "$name: ${summaries[$i]}"
        if [ "${statuses[$i]}" -ne 0 ] && [ $rc -eq 0 ]; then
            rc=1
            final=${summaries[$i]}
        fi
    done
    if [ "$valgrind_status" -ne 0 ]; then
        echo "valgrind: FAILED (see the valgrind memcheck section above)"
        rc=1
    fi
    if [ "$fuzz_status" -ne 0 ]; then
        echo "fuzz: FAILED (see the fuzz section above)"
        rc=1
    fi
    # The last line is a ctest summary: the first failing run's, else the
    # sanitizer run's.
    [ -n "$final" ] || final=${summaries[${#summaries[@]}-1]}
    echo "$final"
    exit $rc
    ;;
*)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# check-systemd.sh BUILD_DIR WORKDIR UNITDIR SYSUSERSDIR TMPFILESDIR MANDIR
#
# Installs BUILD_DIR with DESTDIR=WORKDIR/root (the configured prefix kept,
# so the service's ExecStart names the installed engsched-hourly) and checks
# the hourly job's systemd files there; the *DIR arguments are the absolute
# install directories, as the running system would see them:
#   - systemd-analyze verify --root: service and timer are clean (no
#     warning at all), the ExecStart binary and the Documentation= man page
#     (looked up in the installed man pages) exist;
#   - systemd-analyze security --offline: exposure at most 3.0;
#   - systemd-sysusers --root: creates the engsched user, no login shell;
#   - systemd-tmpfiles --root --create: /var/lib/engsched, 0750, engsched's
#     (as root only: it chowns).
# Exit 77 (skip) without systemd-analyze. Environment: CMAKE_COMMAND.
set -euo pipefail

[ $# -eq 6 ] || {
    echo "usage: $0 BUILD_DIR WORKDIR UNITDIR SYSUSERSDIR TMPFILESDIR MANDIR" >&2; exit 2; }
build=$1 work=$2 unitdir=$3 sysusersdir=$4 tmpfilesdir=$5 mandir=$6
cmake_cmd=${CMAKE_COMMAND:-cmake}
here=$(cd "$(dirname "$0")" && pwd)

command -v systemd-analyze >/dev/null 2>&1 \
    || { echo "skipped: systemd-analyze not found (Debian: systemd)"; exit 77; }

step() { echo; echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work"
mkdir -p "$work"
root=$work/root
step "DESTDIR=$root cmake --install $build"
DESTDIR=$root "$cmake_cmd" --install "$build" >"$work/install.log" || {
    cat "$work/install.log"; fail "cmake --install failed"; }

service=$unitdir/engsched-hourly.service
timer=$unitdir/engsched-hourly.timer
for f in "$service" "$timer" "$sysusersdir/engsched.conf" "$tmpfilesdir/engsched.conf"; do
    [ -f "$root$f" ] || fail "$f not installed"
done
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root$service")
[ -x "$root$exec_start" ] || fail "ExecStart $exec_start is not the installed engsched-hourly"
echo "ExecStart: $exec_start"

step "systemd-analyze verify --root=$root"
# --recursive-errors=no: the empty root has no sysinit.target and friends;
# only these two units are judged. The man page check finds the installed
# pages through MANPATH, or is off when none were installed (no scdoc).
man=(--man=no)
if [ -f "$root$mandir/man8/engsched-hourly.8" ]; then man=(--man=yes); fi
out=$(MANPATH=$root$mandir systemd-analyze verify "${man[@]}" --recursive-errors=no \
    --root="$root" "$service" "$timer" 2>&1) || { echo "$out"; fail "verify failed"; }
[ -z "$out" ] || { echo "$out"; fail "verify printed warnings"; }
echo "verify: clean (man page check: ${man[0]#--man=})"

step "systemd-analyze security --offline=yes"
"$here/check-unit-exposure.sh" "$root$service" 3.0

step "systemd-sysusers --root=$root"
mkdir -p "$root/etc"
systemd-sysusers --root="$root" "$root$sysusersdir/engsched.conf"
entry=$(grep '^engsched:' "$root/etc/passwd") || fail "no engsched user in $root/etc/passwd"
echo "$entry"
IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
[ "$uid" -lt 1000 ] || fail "engsched is not a system user (uid $uid)"
[ "$home" = /var/lib/engsched ] || fail "engsched's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "engsched's shell is $shell"
grep -q '^engsched:' "$root/etc/group" || fail "no engsched group"

step "systemd-tmpfiles --root=$root --create"
if [ "$(id -u)" -ne 0 ]; then
    echo "not root: the state directory's owner cannot be set, creation not checked"
else
    systemd-tmpfiles --root="$root" --create "$root$tmpfilesdir/engsched.conf"
    got=$(stat -c '%a %u %g' "$root/var/lib/engsched")
    [ "$got" = "750 $uid $gid" ] || fail "/var/lib/engsched is '$got', expected '750 $uid $gid'"
    echo "/var/lib/engsched: mode 750, owner engsched:engsched"
fi

echo
echo "OK: systemd units, sysusers.d and tmpfiles.d snippets"

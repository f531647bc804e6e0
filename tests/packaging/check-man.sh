#!/usr/bin/env bash
# check-man.sh SCDOC MAN_DIR [ENGSCHED]
#
# The man pages rendered by docs/man/CMakeLists.txt into MAN_DIR: each one
# is formatted with `man -l` (groff -ww: every warning) and any warning
# fails the test. With ENGSCHED (the CLI), every command its --help lists
# under "Commands:" and every option under "Global options:" must be an
# entry of engsched(1), so the page cannot fall behind the code. Exit 77 (skip) without scdoc or man.
set -euo pipefail

[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 SCDOC MAN_DIR [ENGSCHED]" >&2; exit 2; }
scdoc=$1 mandir=$2 cli=${3:-}

if [ -z "$scdoc" ] || [ "${scdoc%NOTFOUND}" != "$scdoc" ]; then
    echo "skipped: scdoc not found (Debian: scdoc)"; exit 77
fi
command -v man >/dev/null 2>&1 || { echo "skipped: man not found (Debian: man-db)"; exit 77; }

status=0
fail() { echo "FAIL: $*"; status=1; }

# Formatted as a reader would see it, at a fixed width, warnings on stderr.
render() { MANWIDTH=80 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING= man -l --warnings=w "$1"; }

for page in engsched.1 libengsched.3 engsched-hourly.8; do
    f=$mandir/$page
    [ -s "$f" ] || { fail "$f was not rendered (build the 'man' target)"; continue; }
    err=$(render "$f" 2>&1 >/dev/null) || fail "man -l $f failed"
    if [ -n "$err" ]; then
        fail "$page: groff warnings:"
        echo "$err"
    else
        echo "ok: $page renders without warnings"
    fi
done

if [ -n "$cli" ]; then
    [ -s "$mandir/engsched.1" ] || exit 1
    # The COMMANDS section only; man writes plain text to a pipe.
    text=$(render "$mandir/engsched.1" 2>/dev/null | sed -n '/^COMMANDS$/,/^[A-Z]/p')
    commands=$("$cli" --help | sed -n '/^Commands:/,/^$/{/^  [a-z]/s/^  \([a-z][a-z-]*\).*/\1/p}')
    [ -n "$commands" ] || fail "'$cli --help' lists no commands"
    n=0
    for c in $commands; do
        n=$((n + 1))
        # An entry starts its line, at the section's indent, with the name.
        if ! grep -Eq "^       $c( |$)" <<<"$text"; then
            fail "engsched(1) does not document the command '$c'"
        fi
    done
    echo "checked $n commands of '$(basename "$cli") --help' against engsched(1)"

    # ... and every global option it lists is an entry of GLOBAL OPTIONS.
    gtext=$(render "$mandir/engsched.1" 2>/dev/null | sed -n '/^GLOBAL OPTIONS$/,/^[A-Z]/p')
    options=$("$cli" --help | sed -n '/^Global options[^:]*:$/,/^$/{s/^  \(--[a-z][a-z-]*\).*/\1/p}')
    [ -n "$options" ] || fail "'$cli --help' lists no global options"
    n=0
    for o in $options; do
        n=$((n + 1))
        if ! grep -Eq "^       (-[a-z], )?$o( |$)" <<<"$gtext"; then
            fail "engsched(1) does not document the global option '$o'"
        fi
    done
    echo "checked $n global options of '$(basename "$cli") --help' against engsched(1)"
fi

[ $status -eq 0 ] && echo "OK: man pages"
exit $status

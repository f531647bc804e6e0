#!/bin/sh
# A stand-in for `engsched --help` that lists one command no man page
# documents: the test man-detects-missing-command runs check-man.sh with it
# to show the check fails when engsched(1) falls behind the code.
cat <<'HELP'
usage: engsched [GLOBAL OPTIONS] COMMAND [ARGS] [--help]

Commands:
  init            Create the store (--db) if it does not exist.
  no-such-command A command engsched(1) does not know.

Exit codes:
  0  success
HELP

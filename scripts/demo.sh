#!/bin/sh
# The demo service:   sh scripts/demo.sh [ebok serve args...]
#
# Installs the project into .venv when needed, then serves it at
# http://127.0.0.1:8000 on the embedded SQLite database under var/, seeded once
# with the demo data.
#
# The demo's calendar starts at EBOK_CLOCK (default below) so that the invoice
# numbers named in the README are the ones you see; set EBOK_CLOCK to another
# ISO date-time, on a new database (remove var/), to see the demo on another day.
set -eu
cd "$(dirname -- "$0")/.."
. scripts/_venv.sh

ebok_venv_bootstrap

EBOK_CLOCK="${EBOK_CLOCK:-2026-11-21T09:00:00}"
export EBOK_CLOCK
exec "$EBOK_VENV/bin/ebok" serve --demo --host 127.0.0.1 --port 8000 "$@"

#!/bin/sh
# The demo service:   sh scripts/demo.sh [ebok serve args...]
#
# Installs the project into .venv when needed, then serves it at
# http://127.0.0.1:8000 on the embedded SQLite database under var/, seeded once
# with the demo data.
set -eu
cd "$(dirname -- "$0")/.."
. scripts/_venv.sh

ebok_venv_bootstrap

exec "$EBOK_VENV/bin/ebok" serve --demo --host 127.0.0.1 --port 8000 "$@"

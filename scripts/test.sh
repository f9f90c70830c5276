#!/bin/sh
# The whole test suite (unit, API, browser):   sh scripts/test.sh [pytest args...]
#
# Installs what it needs: .venv with the project and its [test] extras, and the
# Debian packages `chromium` (browser tests drive /usr/bin/chromium through
# Playwright; `playwright install` is never used), `fonts-dejavu-core`, and Pango
# (`libpango-1.0-0`, `libpangoft2-1.0-0`), which WeasyPrint draws PDFs with.
# Runs on SQLite; with EBOK_TEST_DATABASE_URL=postgres://... in the environment the
# tests use that PostgreSQL server instead (see scripts/pg-test-server.sh).
set -eu
cd "$(dirname -- "$0")/.."
. scripts/_venv.sh

ebok_venv_bootstrap

missing=
if [ ! -x /usr/bin/chromium ]; then
    missing="chromium"
fi
if command -v dpkg-query >/dev/null 2>&1; then
    # fonts for pages and documents; Pango for WeasyPrint's PDFs
    for package in fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' \
            || missing="$missing $package"
    done
elif [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    missing="$missing fonts-dejavu-core"
fi
if [ -n "$missing" ]; then
    # shellcheck disable=SC2086  # a list of package names
    if ! ebok_apt_install $missing; then
        if [ ! -x /usr/bin/chromium ]; then
            ebok_say "the browser tests need Chromium at /usr/bin/chromium (Debian package"
            ebok_say "'chromium'); install it, e.g. as root: apt-get install -y chromium fonts-dejavu-core"
            exit 1
        fi
        ebok_say "warning: fonts-dejavu-core is missing; page rendering may differ"
    fi
fi

exec "$EBOK_VENV/bin/python" -m pytest -n auto --dist loadfile "$@"

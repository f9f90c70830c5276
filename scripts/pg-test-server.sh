#!/bin/sh
# A throwaway PostgreSQL for the tests.
#
#   sh scripts/pg-test-server.sh [start] [DIR]   start it (idempotent); the last line
#                                                on stdout is the database URL
#   sh scripts/pg-test-server.sh stop [DIR]      stop it
#
# DIR defaults to var/pgtest (relative to the repository root). The server listens
# on 127.0.0.1 port ${EBOK_PG_PORT:-54329} only, trusts loopback connections, keeps
# its unix socket in DIR, and trades durability for speed (fsync=off). Role `ebok` is
# a superuser so the tests can create one database per xdist worker.
# Use it as:  EBOK_TEST_DATABASE_URL=$(sh scripts/pg-test-server.sh | tail -n 1) sh scripts/test.sh
# PostgreSQL comes from the Debian package `postgresql` when it is not installed.
set -eu
cd "$(dirname -- "$0")/.."
. scripts/_venv.sh

cmd=start
case "${1:-}" in
    start|stop) cmd=$1; shift ;;
esac
data=${1:-var/pgtest}
case $data in
    /*) ;;
    *) data=$(pwd -P)/$data ;;
esac
port=${EBOK_PG_PORT:-54329}
url="postgres://ebok@127.0.0.1:$port/ebok_test"

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the cluster owner: the `postgres` system user when we are root
# (initdb and postgres refuse to run as root), else ourselves. From / so that a
# working directory postgres may not enter does not matter.
as_owner() {
    if is_root; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            _q=
            for _a in "$@"; do
                _q="$_q '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
            done
            (cd / && su -s /bin/sh -c "exec$_q" postgres)
        fi
    else
        "$@"
    fi
}

find_pg_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        _p=$(command -v pg_ctl)
        # A symlink on PATH (e.g. into /usr/lib/postgresql/N/bin): use its target's
        # directory, where psql lives too.
        _p=$(readlink -f -- "$_p" 2>/dev/null || printf '%s' "$_p")
        dirname -- "$_p"
        return 0
    fi
    # Debian keeps the server binaries off PATH, one directory per major version.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n -r); do
        if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    return 1
}

# When root, the data directory must be reachable by the postgres user; a clone
# under /root (mode 700) is not, so such a cluster lives under /tmp instead, at a
# path derived from DIR so that `stop DIR` finds it again.
resolve_data_dir() {
    is_root || return 0
    alt=/tmp/ebok-pgtest-$(printf '%s' "$data" | cksum | cut -d' ' -f1)
    if [ "$cmd" = stop ]; then
        if [ ! -f "$data/PG_VERSION" ] && [ -f "$alt/PG_VERSION" ]; then
            data=$alt
        fi
        return 0
    fi
    if [ -f "$data/PG_VERSION" ]; then
        return 0
    fi
    _made=
    [ -d "$data" ] || _made=yes
    mkdir -p -- "$data"
    if as_owner test -x "$data" 2>/dev/null; then
        return 0
    fi
    ebok_say "the postgres user cannot enter $data; using $alt instead"
    if [ -n "$_made" ]; then
        rmdir -- "$data" 2>/dev/null || true
    fi
    data=$alt
}

pg_running() {
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_admin() {
    "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

ensure_role_and_db() {
    if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'ebok'")" ]; then
        psql_admin -c "CREATE ROLE ebok LOGIN SUPERUSER"
    fi
    if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'ebok_test'")" ]; then
        psql_admin -c "CREATE DATABASE ebok_test OWNER ebok"
    fi
}

if ! bin=$(find_pg_bin); then
    if [ "$cmd" = stop ]; then
        ebok_say "PostgreSQL is not installed; nothing to stop"
        exit 0
    fi
    ebok_apt_install postgresql || exit 1
    bin=$(find_pg_bin) || { ebok_say "pg_ctl/initdb still not found after installing postgresql"; exit 1; }
fi

if [ -x "$bin/psql" ]; then
    psql=$bin/psql
elif command -v psql >/dev/null 2>&1; then
    psql=psql
else
    ebok_say "psql not found (Debian package postgresql-client)"
    exit 1
fi

resolve_data_dir

if [ "$cmd" = stop ]; then
    if pg_running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
    else
        ebok_say "no test PostgreSQL running in $data"
    fi
    exit 0
fi

if pg_running; then
    # Already up: report the port it really listens on.
    running_port=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$running_port" ] && [ "$running_port" != "$port" ]; then
        port=$running_port
        url="postgres://ebok@127.0.0.1:$port/ebok_test"
    fi
    ensure_role_and_db
    printf '%s\n' "$url"
    exit 0
fi

if is_root && ! id postgres >/dev/null 2>&1; then
    ebok_say "the 'postgres' system user does not exist (it comes with the Debian package postgresql)"
    exit 1
fi

if [ ! -f "$data/PG_VERSION" ]; then
    if [ -d "$data" ] && [ -n "$(ls -A -- "$data")" ]; then
        ebok_say "$data exists, is not empty and holds no PostgreSQL cluster; remove it or pass another directory"
        exit 1
    fi
    mkdir -p -- "$data"
    if is_root; then
        chown postgres:postgres -- "$data"
    fi
    chmod 700 -- "$data"
    # C.UTF-8 gives Unicode-aware lower()/upper()/ILIKE (Polish letters) with a
    # byte-order collation that does not depend on the machine's locales.
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
        locale_opt=--locale=C.UTF-8
    else
        locale_opt=--no-locale
    fi
    ebok_say "initialising a PostgreSQL cluster in $data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 "$locale_opt" >&2
    cat >"$data/pg_hba.conf" <<'EOF'
# eBOK test server: trust, loopback only
local   all   all                  trust
host    all   all   127.0.0.1/32   trust
EOF
    printf "\n# eBOK test server settings, rewritten at every start\ninclude_if_exists = 'ebok.conf'\n" \
        >>"$data/postgresql.conf"
    if is_root; then
        chown postgres:postgres -- "$data/pg_hba.conf"
    fi
else
    have=$(cat "$data/PG_VERSION")
    want=$("$bin/pg_ctl" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')
    if [ -n "$want" ] && [ "$have" != "$want" ]; then
        ebok_say "$data holds a PostgreSQL $have cluster but the server here is $want; remove $data"
        exit 1
    fi
fi

# A unix socket path longer than about 107 bytes is refused; then TCP only.
socket_dir=$data
if [ "$(printf '%s/.s.PGSQL.%s' "$data" "$port" | wc -c)" -gt 100 ]; then
    socket_dir=
fi
cat >"$data/ebok.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
if is_root; then
    chown postgres:postgres -- "$data/ebok.conf"
fi

ebok_say "starting PostgreSQL on 127.0.0.1:$port (log: $data/server.log)"
if ! as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >&2; then
    ebok_say "PostgreSQL did not start; the end of its log:"
    tail -n 30 "$data/server.log" >&2 || true
    exit 1
fi
ensure_role_and_db
printf '%s\n' "$url"

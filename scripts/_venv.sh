# Shared by scripts/test.sh, scripts/demo.sh, scripts/pg-test-server.sh and .ci/run.
# POSIX sh, meant to be sourced ("." ) from the repository root; it only defines
# functions, the caller decides what to run.
#
#   ebok_venv_bootstrap     create .venv if missing and (re)install the project with
#                           `pip install -e ".[test]"` whenever pyproject.toml changed
#   ebok_apt_install PKG..  install Debian packages: as root directly, else via sudo,
#                           else return 1 after saying what to install

EBOK_VENV=.venv
EBOK_STAMP=$EBOK_VENV/.ebok-install-stamp

ebok_say() {
    printf '%s\n' "ebok: $*" >&2
}

# Install Debian packages with apt-get (runs `apt-get update` first: a fresh machine
# has no package lists). Returns non-zero when that is not possible here.
ebok_apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        ebok_say "apt-get is not available here; please install these packages yourself: $*"
        return 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        _ebok_pre="env DEBIAN_FRONTEND=noninteractive"
    elif command -v sudo >/dev/null 2>&1; then
        _ebok_pre="sudo env DEBIAN_FRONTEND=noninteractive"
    else
        ebok_say "need root to install Debian packages and sudo is not available;"
        ebok_say "as root run:  apt-get update && apt-get install -y --no-install-recommends $*"
        return 1
    fi
    ebok_say "installing Debian packages: $*"
    # shellcheck disable=SC2086  # the prefix is meant to be split into words
    if $_ebok_pre apt-get update -q >&2 \
        && $_ebok_pre apt-get install -y -q --no-install-recommends "$@" >&2; then
        return 0
    fi
    ebok_say "could not install: $*"
    ebok_say "as root run:  apt-get update && apt-get install -y --no-install-recommends $*"
    return 1
}

_ebok_pyproject_hash() {
    "$EBOK_VENV/bin/python" -c '
import hashlib, sys
print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())'
}

ebok_venv_bootstrap() {
    _ebok_python=${PYTHON:-python3}
    # A venv whose interpreter no longer runs (Python upgraded or removed) is rebuilt.
    if [ -e "$EBOK_VENV" ] && ! "$EBOK_VENV/bin/python" -c '' >/dev/null 2>&1; then
        ebok_say "$EBOK_VENV is broken; recreating it"
        rm -rf "$EBOK_VENV"
    fi
    if [ ! -x "$EBOK_VENV/bin/python" ]; then
        ebok_say "creating $EBOK_VENV with $_ebok_python"
        if ! "$_ebok_python" -m venv "$EBOK_VENV"; then
            # Debian's own python3 ships venv/ensurepip separately.
            rm -rf "$EBOK_VENV"
            _ebok_ver=$("$_ebok_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
            ebok_apt_install "python$_ebok_ver-venv" || {
                ebok_say "'$_ebok_python -m venv' failed; install the venv module (Debian: python$_ebok_ver-venv)"
                return 1
            }
            "$_ebok_python" -m venv "$EBOK_VENV" || return 1
        fi
    fi
    _ebok_hash=$(_ebok_pyproject_hash) || return 1
    if [ ! -f "$EBOK_STAMP" ] || [ "$(cat "$EBOK_STAMP")" != "$_ebok_hash" ]; then
        ebok_say "pyproject.toml changed since the last install: pip install -e \".[test]\""
        "$EBOK_VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e ".[test]" \
            || return 1
        printf '%s\n' "$_ebok_hash" >"$EBOK_STAMP"
    fi
}

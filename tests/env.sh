# Source me (`. tests/env.sh`): a Python 3.11+ that pip may install into, as `python` on PATH.
# An active virtualenv, or a Python whose pip installs freely (pyenv, conda, a container's), is used as it
# is. Otherwise (Debian's system Python is "externally managed" and has no `python` command) this creates
# .venv in the repository, installing Debian's python3-venv first if needed, and activates it.
_bag_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_bag_env() {
    [ -n "${VIRTUAL_ENV:-}" ] && return 0
    local py
    py="$(command -v python3 || command -v python || true)"
    if [ -z "$py" ]; then echo "tests/env.sh: no python3 on PATH (apt-get install -y python3)" >&2; return 1; fi
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "tests/env.sh: $py is older than Python 3.11" >&2; return 1
    fi
    # usable as it is: a `python` command, pip, and no EXTERNALLY-MANAGED marker (PEP 668) in its stdlib
    if command -v python >/dev/null && "$py" -m pip --version >/dev/null 2>&1 \
        && "$py" -c 'import os, sys, sysconfig; sys.exit(os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")))'
    then
        return 0
    fi
    if [ ! -x "$_bag_root/.venv/bin/python" ]; then
        if ! "$py" -m venv "$_bag_root/.venv" 2>/dev/null; then
            local sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
            DEBIAN_FRONTEND=noninteractive $sudo_ apt-get update -qq && \
                DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq python3-venv >/dev/null && \
                rm -rf "$_bag_root/.venv" && "$py" -m venv "$_bag_root/.venv" || return 1
        fi
        echo "tests/env.sh: created $_bag_root/.venv (the system Python is externally managed)" >&2
    fi
    # shellcheck disable=SC1091
    . "$_bag_root/.venv/bin/activate"
}
_bag_env

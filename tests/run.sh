#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh Debian machine, then runs them.
#   FRRouting, iproute2 and lldpd for the real-FRR lab and vtysh tests (Debian packages; needs root or sudo),
#   git for the review tests, the two Python distributions of this repository with their dev extras.
# Extra arguments go to pytest, e.g. `bash tests/run.sh -k audit`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=""
for tool in vtysh ip git lldpd; do command -v "$tool" >/dev/null 2>&1 || need_apt=1; done
[ -x /usr/lib/frr/frr-reload.py ] || need_apt=1
if [ -n "$need_apt" ]; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_ apt-get update -qq
    $sudo_ apt-get install -y -qq frr frr-pythontools iproute2 lldpd git >/dev/null
fi

. tests/env.sh  # a Python that pip may install into: a venv (.venv) where the system Python is externally managed
python -m pip install -q -e ./napalm_frr -e '.[dev]'

if [ "$(id -u)" -eq 0 ]; then
    export BAG_REQUIRE_FRR=1   # as root every real-FRR test runs: a missing piece fails instead of skipping
else
    echo "note: not root, so the lab tests (network namespaces) are skipped; run as root to include them" >&2
fi
python -m pytest "$@"

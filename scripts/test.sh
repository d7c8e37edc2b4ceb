#!/usr/bin/env bash
# The project's one test command: installs what the tests need, then runs every test
# (core, viz, app, e2e). Extra arguments are passed to pytest, e.g. `bash scripts/test.sh tests/core`.
# Exits with pytest's exit code (5, "no tests collected", is a failure too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    SUDO=(sudo)
fi

python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    -r requirements-dev.txt

# Debian's chromium drives the e2e tests (Playwright's own browser download is not used);
# HAProxy fronts the replicas in tests/e2e/test_replicas.py.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages for the browser tests: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"

exec python -m pytest "$@"

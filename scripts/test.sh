#!/usr/bin/env bash
# Installs everything the test suite needs, then runs all of it. The one test command.
# System packages (Chromium for the browser tests, a JRE for the HTML checker) are
# installed only when missing, so a second run goes straight to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)   # the browser tests launch this path
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The Nu HTML checker (vnu-jar) and axe-core, at the versions package-lock.json pins.
# Install scripts are skipped: vnu-jar's would fetch a Java runtime; the system one serves.
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --ignore-scripts
else
    npm install --no-audit --no-fund --ignore-scripts
fi

python3 -m pip install -q --root-user-action=ignore --upgrade pip
# The test extra brings the playwright package; its browser comes from the system
# (/usr/bin/chromium), so `playwright install` is never run.
python3 -m pip install -q --root-user-action=ignore -e '.[test]'
python3 -m pytest "$@"

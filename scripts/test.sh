#!/usr/bin/env bash
# Installs everything the test suite needs, then runs all of it. The one test command.
# System packages (Pango, Chromium for the browser tests, a JRE for the HTML checker,
# npm) are installed with apt only when missing, so a second run goes straight to
# pytest; without apt, system-deps.sh says what to install by hand and the tests that
# need it fail with a hint. Lint (ruff), formatting (ruff format) and types (mypy) are
# checked before pytest runs. Python packages go into .venv/ (scripts/venv.sh), never into
# the Python that runs this, whose pip is left alone too. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --test || echo "carrying on: the tests that need what is missing will fail" >&2

# The Nu HTML checker (vnu-jar) and axe-core, at the versions package-lock.json pins.
# Install scripts are skipped: vnu-jar's would fetch a Java runtime; the system one serves.
if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: the browser tests will fail" >&2
elif [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --ignore-scripts
else
    npm install --no-audit --no-fund --ignore-scripts
fi

# The test extra brings the playwright package; its browser comes from the system
# (/usr/bin/chromium), so `playwright install` is never run.
bash scripts/venv.sh test

# Lint, format and types before the tests (scripts/check.sh): a finding fails the
# command here, saying which check failed.
if ! bash scripts/check.sh; then
    echo "scripts/test.sh: the code's checks failed, so the tests were not run" >&2
    exit 1
fi
exec .venv/bin/python -m pytest "$@"

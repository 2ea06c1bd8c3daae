#!/usr/bin/env bash
# The code's own checks, each configured in pyproject.toml: lint (ruff check), formatting
# (ruff format --check) and types of the vpcsite package (mypy). scripts/test.sh runs
# them before pytest; run alone once scripts/venv.sh test has installed the tools into
# .venv/ (VPCSITE_TOOLS names another folder that holds ruff and mypy). The first check
# that finds something stops here with exit 1, saying which check it was and how to fix
# what it found. About a second once mypy's cache (.venv/mypy-cache) is warm.
set -uo pipefail
cd "$(dirname "$0")/.."
tools=${VPCSITE_TOOLS:-.venv/bin}

failed() {
    echo "scripts/check.sh: $1 found problems (listed above); $2" >&2
    exit 1
}
for tool in ruff mypy; do
    if [ ! -x "$tools/$tool" ]; then
        echo "scripts/check.sh: $tools/$tool not found: run 'bash scripts/venv.sh test' to install it" >&2
        exit 1
    fi
done
"$tools/ruff" check --quiet . || failed "ruff check (lint)" "fix them, many with: $tools/ruff check --fix ."
"$tools/ruff" format --check --quiet . || failed "ruff format --check" "format the files with: $tools/ruff format ."
"$tools/mypy" || failed "mypy (types of the vpcsite package)" "each line above says file:line and what is wrong"

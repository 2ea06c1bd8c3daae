"""scripts/check.sh, which the test command runs before pytest: lint, formatting and
types each fail it with the check's name, and the code as it stands passes all three.

Each case runs the script on a copy of the package and pyproject.toml, so a problem
planted in the copy never touches the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tools() -> Path:
    """The folder with ruff and mypy: beside the Python running the tests (.venv/bin when
    run by scripts/test.sh), else the repository's .venv/bin."""
    for folder in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        if (folder / "ruff").exists() and (folder / "mypy").exists():
            return folder
    raise AssertionError("ruff and mypy are not installed: run 'bash scripts/venv.sh test'")


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def _run_checks(tmp_path: Path, mypy_cache: Path, planted: str | None) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "vpcsite", copy / "vpcsite", ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    (copy / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "check.sh", copy / "scripts" / "check.sh")
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    if planted is not None:
        (copy / "vpcsite" / "planted.py").write_text(planted, encoding="utf-8")
    env = {**os.environ, "VPCSITE_TOOLS": str(_tools()), "MYPY_CACHE_DIR": str(mypy_cache)}
    return subprocess.run(["bash", str(copy / "scripts" / "check.sh")], capture_output=True, text=True, env=env, timeout=300)


PLANTED = {
    # an unused import: lint
    "ruff check (lint)": '"""A module."""\n\nimport os\n',
    # code as ruff would not format it
    "ruff format --check": '"""A module."""\n\nX = {"a":1}\n',
    # well formatted and lint-free, but with no types
    "mypy": '"""A module."""\n\n\ndef double(x):\n    """Twice x."""\n    return 2 * x\n',
}


@pytest.mark.parametrize("check", sorted(PLANTED))
def test_a_problem_fails_the_checks_and_names_the_check(tmp_path, mypy_cache, check):
    result = _run_checks(tmp_path, mypy_cache, PLANTED[check])
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"scripts/check.sh: {check}" in result.stderr
    assert "planted.py" in result.stdout + result.stderr


def test_the_code_passes_its_checks(tmp_path, mypy_cache):
    result = _run_checks(tmp_path, mypy_cache, None)
    assert result.returncode == 0, result.stdout + result.stderr

"""Shared fixtures: small sites written into tmp_path, so each test reads only what it makes."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# Under CI the property tests draw the same examples on every run, so a submission's
# result does not depend on luck; elsewhere they draw new ones, to keep finding cases
# (the link fast path's underscore bug was found that way).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def copy_example(site: Path) -> Path:
    """A copy of the repository's example site at `site`, so building it writes nothing here."""
    import shutil

    shutil.copytree(ROOT / "content", site / "content")
    shutil.copytree(ROOT / "static", site / "static")
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    return site


#: The build's caches and record (stats, what each page found, PDFs by key): what a
#: build keeps for the next one, not part of what it publishes.
RECORD_PATHS = (".cache/",)


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a built site by path, its caches left out: two builds of the same
    input must give exactly these bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not relative.startswith(RECORD_PATHS):
            found[relative] = path.read_bytes()
    return found


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (path → text, dedented) under root and return root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    return lambda files: write_site(tmp_path, files)


SEGMENT = """
---
title: Busy professional
jobs:
  - id: track-workouts
    text: Track workouts
    importance: 5
    status: verified
  - text: Stay motivated
    importance: 2
pains:
  - id: lack-of-time
    text: Lack of time
    severity: extreme
    status: verified
  - id: complex-apps
    text: Complex apps
    severity: 2
gains:
  - id: quick-results
    text: Quick results
    relevance: 4
---
Notes.
"""

VALUE_MAP = """
---
title: FitNow app
segment: busy-professional
products:
  - id: mobile-app
    text: Mobile app
    jobs: [track-workouts]
relievers:
  - id: ten-minute-workouts
    text: 10-minute workouts
    relieves: [lack-of-time]
    by: [mobile-app]
creators:
  - text: Personalised plans
    creates: [quick-results]
---
"""


def gen_site():
    """The benchmark's site generator, imported by path (benchmarks/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_site", ROOT / "benchmarks" / "gen_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def commit_history(site: Path) -> None:
    """Make `site` a git repository whose last two commits change fitnow's fit (the
    first drops a reliever's links, the second restores the example), so pages show
    fit history. The working tree ends as it started."""
    import os
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.org",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(site),
    }

    def git(*args: str, when: int) -> None:
        stamp = {"GIT_AUTHOR_DATE": f"@{1_767_225_600 + when} +0000", "GIT_COMMITTER_DATE": f"@{1_767_225_600 + when} +0000"}
        subprocess.run(["git", *args], cwd=site, env={**env, **stamp}, check=True, capture_output=True)

    path = site / "content/value-maps/fitnow.md"
    original = path.read_text()
    lines = original.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("relieves:"))
    lines[at] = lines[at].split("relieves:")[0] + "relieves: []"
    path.write_text("\n".join(lines))
    git("init", "-q", "-b", "main", when=0)
    git("add", "-A", when=0)
    git("commit", "-q", "-m", "First canvases", when=0)
    path.write_text(original)
    git("commit", "-q", "-a", "-m", "FitNow relieves <lack of time> again", when=86_400)

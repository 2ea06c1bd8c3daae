"""Real git repositories for the tests of `vpcsite diff`: the example site committed
with fixed authors and dates, so commit ids (and the goldens that show them) never vary."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .conftest import ROOT

#: The same commit ids on every machine: fixed people and dates, no user or system config.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Example",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Example",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, date: str = "2026-01-05T10:00:00+00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str, date: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def example_repo(repo: Path) -> Path:
    """The example site (content/ and site.toml) committed once, on branch main."""
    repo.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "content", repo / "content")
    shutil.copy(ROOT / "site.toml", repo / "site.toml")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Example canvases", "2026-01-05T10:00:00+00:00")
    return repo


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


LITE = """---
title: FitNow Lite
segment: busy-professional
products:
  - id: free-app
    text: Free app with workout tracking
    kind: digital
    jobs: [track-workouts]
relievers:
  - id: short-workouts
    text: Short workouts
    relieves: [lack-of-time]
    by: [free-app]
---
"""


def review_commit(repo: Path) -> str:
    """The second commit: an edited canvas (a text, a link gone, a creator added), an
    edited segment item, a renamed canvas, a deleted one and a new one."""
    fitnow = repo / "content/value-maps/fitnow.md"
    replace(fitnow, "text: 10-minute workouts that need no equipment", "text: 10-minute workouts, no equipment")
    replace(fitnow, "relieves: [inconsistent-progress]", "relieves: []")
    replace(
        fitnow,
        "creators:\n",
        "creators:\n  - id: team-challenges\n    text: Team challenges between colleagues\n    creates: [sense-of-achievement]\n",
    )
    segment = repo / "content/segments/busy-professional.md"
    replace(segment, "importance: minor", "importance: moderate")
    git(repo, "mv", "content/value-maps/gym-chain.md", "content/value-maps/gym-chains.md")
    (repo / "content/value-maps/trainer-dashboard.md").unlink()
    (repo / "content/value-maps/fitnow-lite.md").write_text(LITE, encoding="utf-8")
    return commit(repo, "Review the canvases", "2026-01-06T10:00:00+00:00")


NEW_EXPERIMENT = """---
title: Streak reminders at lunch
value_map: fitnow
tests: [progress-reminders]
hypothesis: We believe a reminder at lunch keeps a streak going.
---
"""


def experiments_commit(repo: Path) -> str:
    """A commit on top of the example that concludes the running experiment (supported,
    reliability 3: the items it tests become verified, and the verified fit rises),
    starts a planned one, adds one and deletes one."""
    pilot = repo / "content/experiments/coach-check-in-pilot.md"
    replace(
        pilot,
        "state: running\n",
        "state: done\nconcluded: 2026-12-18\nresult: supported\n"
        "observation: We observed that 14 of 40 still paid after the second month.\n"
        "learning: From that we learned that a weekly check-in is worth 9 € a month to a third of them.\ndecision: persevere\n",
    )
    replace(repo / "content/experiments/snack-swap-fake-door.md", "deadline: 2027-01-15\n", "deadline: 2027-01-15\nstate: running\n")
    (repo / "content/experiments/seen-as-healthy-interviews.md").unlink()
    (repo / "content/experiments/streak-reminders.md").write_text(NEW_EXPERIMENT, encoding="utf-8")
    return commit(repo, "Conclude the coach pilot", "2026-01-07T10:00:00+00:00")

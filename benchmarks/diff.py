"""`vpcsite diff` benchmark: comparing two revisions of a large site against one
`vpcsite check` of the same site, in the same run.

    python3 benchmarks/diff.py                      # N = 1000 canvases, 50 commits, 5 runs
    python3 benchmarks/diff.py --sizes 100 --commits 10 --runs 3
    python3 benchmarks/diff.py --keep /tmp/diff-site  # build the repository there, keep it

For each size N, a site from benchmarks/gen_site.py (fixed seed) is committed, then
COMMITS - 1 more commits each edit a few files (the first item text of three value maps
and one segment, chosen at random with a fixed seed). Each round times, as whole
`python3 -m vpcsite` subprocesses (start-up and imports included, as a user sees them):

  check          vpcsite -q check                      (the working tree, all cores)
  diff-revs      vpcsite diff HEAD~(COMMITS-1) HEAD     (first and last commit, read from git)
  diff-worktree  vpcsite diff HEAD~1                    (a revision against the working tree)

in a rotated order, so drift of the machine hits all alike. The table gives median,
min and max seconds and the ratio to check's median, with the target: diff between two
revisions ≤ 2× one check. Standard library only (git must be on PATH).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# gen_site.py sits beside this script, whose folder Python puts first on sys.path.
from gen_site import generate

HERE = Path(__file__).resolve().parent
SEED = 1
TARGET = 2.0
FIRST_TEXT = re.compile(r"^(\s+text: [\"']?)([A-Za-z][\w-]*)", re.MULTILINE)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def make_repository(n: int, commits: int, where: Path) -> Path:
    """A generated site of n canvases with `commits` commits, a few files edited in each."""
    generate(n, where, SEED)
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "--no-gpg-sign", "-m", "Generated site")
    rng = random.Random(SEED)
    maps = sorted((where / "content" / "value-maps").glob("*.md"))
    segments = sorted((where / "content" / "segments").glob("*.md"))
    for number in range(1, commits):
        for path in [*rng.sample(maps, min(3, len(maps))), rng.choice(segments)]:
            text = path.read_text(encoding="utf-8")
            path.write_text(FIRST_TEXT.sub(lambda m, number=number: f"{m.group(1)}Edit{number}", text, count=1), encoding="utf-8")
        git(where, "commit", "-q", "--no-gpg-sign", "-am", f"Edit {number}")
    return where


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def bench(n: int, commits: int, runs: int, keep: Path | None) -> None:
    where = keep if keep is not None else Path(tempfile.mkdtemp(prefix="vpcsite-diff-bench-"))
    if keep is not None and keep.exists():
        shutil.rmtree(keep)
    start = time.perf_counter()
    make_repository(n, commits, where)
    print(f"\n{n} canvases, {commits} commits (repository made in {time.perf_counter() - start:.1f} s at {where})")
    vpcsite = [sys.executable, "-m", "vpcsite", "-q", "-s", str(where)]
    scenarios = {
        "check": [*vpcsite, "check"],
        "diff-revs": [*vpcsite, "diff", f"HEAD~{commits - 1}", "HEAD", "--format", "json"],
        "diff-worktree": [*vpcsite, "diff", "HEAD~1", "--format", "json"],
    }
    for command in scenarios.values():  # warm the file cache and the imports
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    names = list(scenarios)
    for round_ in range(runs):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            times[name].append(timed(scenarios[name]))
    base = statistics.median(times["check"])
    print(f"{'scenario':<15}{'median s':>10}{'min s':>9}{'max s':>9}{'× check':>10}")
    for name, found in times.items():
        median = statistics.median(found)
        note = ""
        if name == "diff-revs":
            note = "  target ≤ 2.0×: " + ("met" if median / base <= TARGET else "NOT met")
        print(f"{name:<15}{median:>10.3f}{min(found):>9.3f}{max(found):>9.3f}{median / base:>9.2f}×{note}")
    if keep is None:
        shutil.rmtree(where)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build the repository here and keep it (one size only)")
    args = parser.parse_args()
    if args.commits < 2:
        parser.error("--commits must be at least 2")
    for n in args.sizes:
        bench(n, args.commits, args.runs, args.keep)


if __name__ == "__main__":
    main()

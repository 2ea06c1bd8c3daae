#!/usr/bin/env python3
"""What fit history from git costs a build (docs/performance.md, "Fit history").

    python3 benchmarks/history.py [--canvases 1000] [--commits 50] [--runs 5]

Makes the repository benchmarks/diff.py makes (a generated site with `--commits`
commits, each editing a few value maps and a segment); clones it (the clone sets
`[git] history = 0`), and times in turns, history on against off, in the same run:

- a cold build (`--force-all`);
- a warm build with nothing changed;
- a build after one new commit that edits one value map.

Prints medians and the on/off ratio of each (target: warm builds ≤ 1.5x), the
"history" stage's own time from `-v`, and what each build after one new commit read
from git: the history points its record (<output>/.cache/build.json) keeps that the
previous record did not, and the commits and objects (value map, segment) behind them
(target: that one commit only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from diff import GIT_ENV, git, make_repository  # noqa: E402


def edit_value_map(path: Path, word: str) -> None:
    """Change the first item text of a value map (its fit stays; its bytes change)."""
    text = path.read_text()
    path.write_text(re.sub(r"(text: )(.+)", lambda m: f"{m.group(1)}{m.group(2)} {word}", text, count=1))


def build(site: Path, *extra: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "vpcsite", "-v", "-s", str(site), "build", "--no-pdf", *extra], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"build failed:\n{done.stderr[-2000:]}")
    return seconds, done.stderr


def history_points(site: Path) -> set[str]:
    """The history points the last build's record keeps ("commit:value map:segment:band",
    vpcsite/history.py): a point not kept before this build was scored from objects
    read from git by it."""
    record = site / "public" / ".cache" / "build.json"
    if not record.exists():
        return set()
    return set(json.loads(record.read_text(encoding="utf-8")).get("history", {}))


def files_of(key: str) -> list[str]:
    """The files a point was scored from: its value map and its segment (the key names
    them), and, when the hash after the band is not empty, its experiments, counted here
    as one (the key holds only a hash of their paths; the benchmark's site has none)."""
    _, value_map, segment, rest = key.split(":", 3)
    others = rest.rpartition(":")[2]
    return [value_map, segment, *([f"experiments {others}"] if others else [])]


def history_stage(stderr: str) -> float | None:
    found = re.search(r"^\s+history\s+(\d+) ms", stderr, re.M)
    return int(found.group(1)) / 1000 if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--canvases", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vpcsite-history-") as tmp:
        on = Path(tmp) / "on"
        started = time.perf_counter()
        make_repository(args.canvases, args.commits, on)
        (on / ".gitignore").write_text("public/\n")
        off = Path(tmp) / "off"
        subprocess.run(["git", "clone", "-q", str(on), str(off)], check=True, env={**os.environ, **GIT_ENV})
        with (off / "site.toml").open("a") as toml:
            toml.write("\n[git]\nhistory = 0\n")
        print(
            f"{args.canvases} canvases, {args.commits} commits (made in {time.perf_counter() - started:.0f} s); medians of {args.runs} runs, on/off in turns"
        )
        results: dict[str, dict[str, list[float]]] = {}
        stage: list[float] = []
        #: After each new commit (history on): (commits read, objects read, new points).
        reads: list[tuple[int, int, int]] = []

        def record(name: str, which: str, seconds: float) -> None:
            results.setdefault(name, {"on": [], "off": []})[which].append(seconds)

        for run in range(args.runs):
            for which, site in (("on", on), ("off", off)):
                record("cold build", which, build(site, "--force-all")[0])
                record("nothing changed", which, build(site)[0])
                path = sorted((site / "content/value-maps").glob("*.md"))[run]
                edit_value_map(path, f"bench{run}")
                git(site, "commit", "-q", "--no-gpg-sign", "-a", "-m", f"Bench edit {run}")
                before = history_points(site)
                seconds, stderr = build(site)
                if which == "on":
                    new = history_points(site) - before
                    commits = {key.split(":", 1)[0] for key in new}
                    objects = {(key.split(":")[0], path) for key in new for path in files_of(key)}
                    reads.append((len(commits), len(objects), len(new)))
                record("after one new commit", which, seconds)
                if which == "on" and history_stage(stderr) is not None:
                    stage.append(history_stage(stderr))  # type: ignore[arg-type]
        print(f"{'build':<22} {'history on':>11} {'off':>8} {'ratio':>7}")
        for name, times in results.items():
            a, b = statistics.median(times["on"]), statistics.median(times["off"])
            print(f"{name:<22} {a:10.2f}s {b:7.2f}s {a / b:6.2f}x")
        if stage:
            print(f"history stage after one new commit: median {statistics.median(stage) * 1000:.0f} ms")
        for commits, objects, points in reads:
            print(f"after one new commit: {commits} revision(s) read, {objects} objects, {points} new history point(s)")


if __name__ == "__main__":
    main()

"""Incremental build benchmark: how long `vpcsite build --no-pdf` takes after small
edits, against a cold build (`--force-all`) of the same site in the same run.

    python3 benchmarks/incremental.py                      # N = 1000, 5 rounds
    python3 benchmarks/incremental.py --sizes 200 1000 --runs 7
    python3 benchmarks/incremental.py --keep /tmp/inc-site  # generate there, keep it

For each size N, a site from benchmarks/gen_site.py (fixed seed) is built, then every
round times each scenario once, as a whole `python3 -m vpcsite -q -s SITE build --no-pdf`
subprocess (interpreter start-up and imports included, as a user sees it):

  cold           --force-all: the last build's record is ignored, everything is redone
  nothing        a plain build right after a build, nothing edited (the fast path)
  vm-text        one value map's item text edited (its first `text:` gets a new first word)
  vm-note        one value map's Markdown body edited (only its canvas page should change)
  segment        one segment's item text edited (every canvas targeting it re-renders)

Before each scenario, an untimed plain build makes the build record current, so the
scenario's edit is the only change the timed build sees. The scenarios run in a rotated
order each round, so drift of the machine hits all of them alike. A first, untimed pass
runs every scenario with `-v` instead of `-q`: it warms the OS's file cache and reads the
`outputs: N rendered, M reused, K deleted` line, so the timed builds stay quiet.

The table gives median, min and max seconds and the ratio to the cold median, with the
targets: nothing changed ≤ 0.10x cold (and < 0.35 s), one value-map text edit ≤ 0.20x
cold. Peak memory (max RSS) of one cold and one nothing-changed build is read from
GNU `/usr/bin/time -f %M` when it exists. Standard library only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# gen_site.py sits beside this script, whose folder Python puts first on sys.path.
from gen_site import generate

HERE = Path(__file__).resolve().parent
SEED = 1
#: Words an edit puts in place of the first word of an item's text, one per round in
#: turn, so consecutive rounds always change the content. PROBE_WORD is the -v pass's.
EDIT_WORDS = ("Revised", "Amended")
PROBE_WORD = "Probed"
TIME_BIN = Path("/usr/bin/time")
OUTPUTS_LINE = re.compile(r"outputs: (\d+) rendered, (\d+) reused, (\d+) deleted")
FIRST_TEXT = re.compile(r"^(\s+text: [\"']?)([A-Za-z][\w-]*)", re.MULTILINE)
#: Targets, as (ratio to the cold median, absolute seconds or None).
TARGETS: dict[str, tuple[float, float | None]] = {"nothing": (0.10, 0.35), "vm-text": (0.20, None)}


# --- running builds --------------------------------------------------------------------------


@dataclass
class BuildRun:
    seconds: float
    code: int
    stderr: str


def build_command(site: Path, verbosity: str, extra: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "vpcsite", verbosity, "-s", str(site), "build", "--no-pdf", *extra]


def run_build(site: Path, extra: tuple[str, ...] = (), verbosity: str = "-q", prefix: tuple[str, ...] = ()) -> BuildRun:
    """One build in a fresh interpreter, timed as a whole; exit codes other than 0 or 1
    stop the benchmark. Always run from the site's folder: the record depends on the
    working folder (diagnostics name paths relative to it)."""
    command = [*prefix, *build_command(site, verbosity, extra)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=site, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        tail = "\n".join(done.stderr.splitlines()[-15:])
        raise SystemExit(f"build failed with exit code {done.returncode}: {' '.join(command)}\n{tail}")
    return BuildRun(seconds, done.returncode, done.stderr)


def output_counts(stderr: str) -> tuple[int, int, int] | None:
    """(rendered, reused, deleted) from a -v build's 'outputs:' line."""
    found = OUTPUTS_LINE.search(stderr)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


# --- the site and its edits ------------------------------------------------------------------


def front_matter(text: str) -> str:
    """The YAML between the opening and closing '---' lines ('' when there is none)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return ""
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index])
    return ""


def segment_of(value_map: Path) -> str | None:
    found = re.search(r"^segment:\s*(\S+)\s*$", front_matter(value_map.read_text(encoding="utf-8")), re.MULTILINE)
    return found[1].strip("\"'") if found else None


def canvases_targeting(site: Path, segment_id: str) -> int:
    return sum(segment_of(path) == segment_id for path in (site / "content" / "value-maps").glob("*.md"))


def with_item_text_edited(original: str, word: str) -> str:
    """The document with the first word of its first `text:` value replaced by `word`."""
    edited, count = FIRST_TEXT.subn(lambda m: m[1] + word, original, count=1)
    if count != 1 or edited == original:
        raise SystemExit("no item `text:` to edit found (has gen_site.py's output changed?)")
    return edited


def with_note_edited(original: str, word: str) -> str:
    """The document with one line appended to its Markdown body."""
    return original.rstrip("\n") + f"\n\n{word} note added by the incremental benchmark.\n"


@dataclass
class Edit:
    """One file and how to change it; it always starts from the file's original text."""

    path: Path
    change: Callable[[str, str], str]
    original: str = field(init=False)

    def __post_init__(self) -> None:
        self.original = self.path.read_text(encoding="utf-8")

    def apply(self, word: str) -> None:
        self.path.write_text(self.change(self.original, word), encoding="utf-8", newline="\n")

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8", newline="\n")


# --- scenarios -------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    label: str
    extra: tuple[str, ...] = ()
    edit: Edit | None = None
    times: list[float] = field(default_factory=list)
    counts: tuple[int, int, int] | None = None
    codes: set[int] = field(default_factory=set)
    fast_path: bool = False


def make_scenarios(site: Path) -> tuple[list[Scenario], str, int]:
    """The five scenarios, the edited segment's id and how many canvases target it."""
    value_maps = sorted((site / "content" / "value-maps").glob("*.md"))
    text_map, note_map = value_maps[0], value_maps[1 % len(value_maps)]
    segment_id = segment_of(text_map)
    if segment_id is None:
        raise SystemExit(f"{text_map} names no segment")
    segment_file = site / "content" / "segments" / f"{segment_id}.md"
    scenarios = [
        Scenario("cold", "cold (--force-all)", extra=("--force-all",)),
        Scenario("nothing", "nothing changed"),
        Scenario("vm-text", f"value-map item text ({text_map.stem})", edit=Edit(text_map, with_item_text_edited)),
        Scenario("vm-note", f"value-map note ({note_map.stem})", edit=Edit(note_map, with_note_edited)),
        Scenario("segment", f"segment item text ({segment_id})", edit=Edit(segment_file, with_item_text_edited)),
    ]
    return scenarios, segment_id, canvases_targeting(site, segment_id)


def run_scenario(site: Path, scenario: Scenario, word: str, verbosity: str) -> BuildRun:
    """Make the record current (untimed), apply the scenario's edit, run its build."""
    if scenario.name != "cold":
        run_build(site)
    if scenario.edit is not None:
        scenario.edit.apply(word)
    result = run_build(site, scenario.extra, verbosity)
    scenario.codes.add(result.code)
    return result


def probe(site: Path, scenarios: list[Scenario]) -> None:
    """The untimed -v pass: warms the file cache, reads each scenario's output counts."""
    run_build(site, ("--force-all",))
    for scenario in scenarios:
        result = run_scenario(site, scenario, PROBE_WORD, "-v")
        scenario.counts = output_counts(result.stderr)
        scenario.fast_path = "nothing changed" in result.stderr


def timed_rounds(site: Path, scenarios: list[Scenario], runs: int) -> None:
    for round_no in range(runs):
        shift = round_no % len(scenarios)
        word = EDIT_WORDS[round_no % len(EDIT_WORDS)]
        for scenario in scenarios[shift:] + scenarios[:shift]:
            scenario.times.append(run_scenario(site, scenario, word, "-q").seconds)


# --- memory ----------------------------------------------------------------------------------


def peak_rss_mb(site: Path, extra: tuple[str, ...]) -> float | None:
    """Max RSS of one build, from GNU time (the largest single process of the tree,
    not the sum over worker processes)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        run_build(site, extra, prefix=(str(TIME_BIN), "-f", "%M", "-o", report.name))
        lines = [line for line in Path(report.name).read_text().splitlines() if line.strip()]
    try:
        return int(lines[-1]) / 1024
    except (IndexError, ValueError):
        return None


def memory_report(site: Path) -> str:
    if not TIME_BIN.is_file():
        return "  peak memory: skipped (no /usr/bin/time)"
    cold = peak_rss_mb(site, ("--force-all",))
    nothing = peak_rss_mb(site, ())
    shown = [f"{value:.0f} MB" if value is not None else "n/a" for value in (cold, nothing)]
    return f"  peak memory (max RSS, largest process): cold {shown[0]}, nothing changed {shown[1]}"


# --- report ----------------------------------------------------------------------------------


def verdict(scenario: Scenario, cold_median: float) -> str:
    target = TARGETS.get(scenario.name)
    if target is None:
        return ""
    ratio_max, seconds_max = target
    median = statistics.median(scenario.times)
    met = median / cold_median <= ratio_max and (seconds_max is None or median < seconds_max)
    limit = f"≤ {ratio_max:.2f}x" + (f", < {seconds_max:.2f} s" if seconds_max is not None else "")
    return f"{limit}: {'met' if met else 'NOT MET'}"


def counts_text(scenario: Scenario) -> str:
    if scenario.counts is None:
        return "?"
    rendered, reused, deleted = scenario.counts
    return f"{rendered}/{reused}/{deleted}"


def print_table(n: int, scenarios: list[Scenario], segment_id: str, targeting: int) -> None:
    cold_median = statistics.median(scenarios[0].times)
    width = max(len(s.label) for s in scenarios)
    print(f"N = {n}: {n} value maps, {max(1, n // 2)} segments; {targeting} canvases target segment '{segment_id}'")
    print(f"  {'scenario':<{width}} {'median s':>9} {'min s':>7} {'max s':>7} {'x cold':>7} {'rend/reuse/del':>15}  target")
    for scenario in scenarios:
        times = scenario.times
        median = statistics.median(times)
        print(
            f"  {scenario.label:<{width}} {median:>9.3f} {min(times):>7.3f} {max(times):>7.3f}"
            f" {median / cold_median:>6.2f}x {counts_text(scenario):>15}  {verdict(scenario, cold_median)}"
        )
    notes = []
    nothing = next(s for s in scenarios if s.name == "nothing")
    if not nothing.fast_path:
        notes.append("the nothing-changed build did not report 'nothing changed' (fast path not taken)")
    for scenario in scenarios:
        if 1 in scenario.codes:
            notes.append(f"{scenario.name}: a build exited 1 (content errors: nothing written)")
    for note in notes:
        print(f"  note: {note}")


def bench_size(n: int, root: Path, runs: int, generate: Callable[..., None]) -> None:
    site = root / f"site-{n}"
    generate(n, site, seed=SEED)
    scenarios, segment_id, targeting = make_scenarios(site)
    try:
        probe(site, scenarios)
        timed_rounds(site, scenarios, runs)
        print_table(n, scenarios, segment_id, targeting)
        print(memory_report(site))
    finally:
        for scenario in scenarios:
            if scenario.edit is not None:
                scenario.edit.restore()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000], help="numbers of value maps (default: 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per size (default: 5)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate the sites in DIR and keep them")
    args = parser.parse_args()
    if args.runs < 1 or any(n < 2 for n in args.sizes):
        parser.error("--runs must be at least 1 and every size at least 2")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        root, scratch = args.keep.resolve(), None
    else:
        scratch = tempfile.mkdtemp(prefix="vpcsite-incremental-")
        root = Path(scratch)
    try:
        for n in args.sizes:
            bench_size(n, root, args.runs, generate)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"medians of {args.runs} rounds, scenarios in rotated order each round; each build a whole"
        " `python -m vpcsite -q build --no-pdf` subprocess (start-up included), after an untimed"
        " build that makes the record current; rendered/reused/deleted from an untimed -v pass"
    )
    if args.keep is not None:
        print(f"sites kept in {root} (edited files restored to their generated text)")


if __name__ == "__main__":
    main()

"""No input makes vpcsite report a bug (exit 3): the example site, mutated as hands and
machines mutate files (lines deleted, duplicated, re-indented; bytes and Unicode
inserted; values replaced by odd YAML and TOML scalars), is checked and built in-process,
and every run ends with 0, 1 or 2 and no traceback.

The run in the test suite is small and repeatable: a fixed seed and
`VPCSITE_FUZZ_EXAMPLES` examples (default 40, a few seconds), plus every mutation that
once ended in exit 3 (`KNOWN`).
To search harder, ask for more with fresh randomness, e.g.

    VPCSITE_FUZZ_EXAMPLES=2000 VPCSITE_FUZZ_RANDOM=1 PYTHONPATH=$PWD python3 -m pytest -q tests/test_fuzz.py

A failure prints the smallest mutation hypothesis found; add it to
tests/test_not_a_bug.py as a case of its class.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from vpcsite.cli import main

EXAMPLES = int(os.environ.get("VPCSITE_FUZZ_EXAMPLES", "40"))
RANDOM = bool(os.environ.get("VPCSITE_FUZZ_RANDOM"))


def _example() -> dict[str, bytes]:
    files = {"site.toml": (ROOT / "site.toml").read_bytes()}
    for folder in ("content", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    # A page with TOML front matter, so TOML scalars meet front matter too.
    files["content/notes.md"] = (
        b'+++\ntitle = "Notes"\nsummary = "Method notes"\ndraft = false\n+++\n\n'
        b"See the [FitNow canvas](value-maps/fitnow.md) and ![a sketch](images/canvas-sketch.svg).\n"
    )
    return files


EXAMPLE = _example()
TEXT_FILES = sorted(name for name in EXAMPLE if name.endswith((".md", ".toml")))

ODD_YAML = [
    "!!int abc",
    "!!float x",
    "!!timestamp x",
    "!!bool maybe",
    "!!binary '%%'",
    "!!str",
    "!!null x",
    "!!map x",
    "!!seq x",
    "!python/object:os.system x",
    "!custom x",
    "&anchor x",
    "*alias",
    "~",
    "null",
    ".nan",
    "-.inf",
    "0x1F",
    "0o17",
    "1e9999",
    "9" * 5000,
    "-" + "1" * 4400,
    "1_000",
    "2001-02-30",
    "2001-13-01 25:61:61",
    "yes",
    "No",
    "on",
    "''",
    '""',
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    "{a: [b, {c: d}]}",
    "[[[[[]]]]]",
    "|",
    ">-",
    "|+9",
    "? x",
    "@x",
    "`x",
    "%YAML 1.1",
    "---",
    "...",
    "- x",
    ": x",
    "x: y: z",
    '"\\u0000"',
    '"\\uD800"',
    "\t",
    "#",
    "\u2028",
    "\ufeff",
    "😀",
    "a\u0301",
    "[x](javascript:x)",
    "![x](../../../etc/passwd)",
    "[x](%00.md)",
    "<script>x</script>",
    "0",
    "-1",
    "6",
    "5.5",
    "[1, 2]",
]
ODD_TOML = [
    "inf",
    "nan",
    "-inf",
    "1979-05-27T07:32:00Z",
    "1979-05-27",
    "07:32:00",
    '"""',
    "'''",
    "[[",
    "{a = 1}",
    "9" * 5000,
    "0x",
    "0xDEADBEEF",
    "1e400",
    "true",
    "[1, [2, [3]]]",
    '"\\u0000"',
    '"x"',
    "[]",
    "{}",
    '"../../etc"',
    '"/"',
    '"."',
    '"5 MB"',
    "-1",
    '"A5"',
    '"VPC001"',
    "[0.9, 0.1]",
]
INSERTS = ["\x00", "\xff", "\r", "\r\n", "\t", "\x1b[31m", "\u2028", "\u202e", "\ufeff", "\udcff", "---\n", "+++\n", "\n---\n"]

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 200)),
    st.tuples(st.just("indent"), st.integers(0, 200), st.integers(-4, 4)),
    st.tuples(st.just("insert"), st.integers(0, 20000), st.sampled_from(INSERTS) | st.text(min_size=1, max_size=8)),
    st.tuples(st.just("bytes"), st.integers(0, 20000), st.binary(min_size=1, max_size=6)),
    st.tuples(st.just("yaml"), st.integers(0, 200), st.sampled_from(ODD_YAML)),
    st.tuples(st.just("toml"), st.integers(0, 200), st.sampled_from(ODD_TOML)),
)


def mutate(data: bytes, change: tuple) -> bytes:
    """One change to one file's bytes (positions wrap around the file)."""
    lines = data.split(b"\n")
    kind, at = change[0], change[1]
    if kind in ("insert", "bytes"):
        insert = change[2] if isinstance(change[2], bytes) else change[2].encode("utf-8", "surrogatepass")
        at %= len(data) + 1
        return data[:at] + insert + data[at:]
    if kind in ("yaml", "toml"):
        # A value replaced: after "key:" (YAML) or "key =" (TOML), on a line that has one.
        marker = b":" if kind == "yaml" else b"="
        rows = [index for index, line in enumerate(lines) if marker in line] or [0]
        row = rows[at % len(rows)]
        if marker in lines[row]:
            lines[row] = lines[row].split(marker, 1)[0] + marker + b" " + change[2].encode("utf-8", "surrogatepass")
        return b"\n".join(lines)
    row = at % len(lines)
    line = lines[row]
    if kind == "delete":
        del lines[row]
    elif kind == "duplicate":
        lines.insert(row, line)
    else:  # re-indented
        shift = change[2]
        lines[row] = b" " * shift + line if shift > 0 else line[min(-shift, len(line) - len(line.lstrip(b" "))) :]
    return b"\n".join(lines)


@st.composite
def mutated_sites(draw) -> dict[str, bytes]:
    files = dict(EXAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(TEXT_FILES))
        files[name] = mutate(files[name], draw(mutation))
    return files


def _settings(test):
    test = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)(test)
    return test if RANDOM else seed(20261206)(test)


#: Mutations that once ended in exit 3, run on every run whatever the budget.
KNOWN = [
    ("content/segments/busy-professional.md", ("yaml", 3, "!!timestamp x")),
    ("content/segments/busy-professional.md", ("yaml", 3, "!!int abc")),
    ("content/segments/busy-professional.md", ("yaml", 3, "9" * 5000)),
    ("site.toml", ("toml", 1, "9" * 5000)),
    ("content/about.md", ("insert", 10**6, "\n[x](a%00b.png) [y](c%00.md)\n")),
]


def _known(test):
    for name, change in KNOWN:
        files = dict(EXAMPLE)
        files[name] = mutate(files[name], change)
        test = example(files)(test)
    return test


@_settings
@_known
@given(mutated_sites())
def test_no_mutation_of_a_real_site_is_reported_as_a_bug(files):
    with tempfile.TemporaryDirectory(prefix="vpcsite-fuzz-") as folder:
        site = Path(folder) / "site"
        for name, data in files.items():
            path = site / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for command in (["check"], ["build", "--no-pdf", "-j", "1"]):
            result = CliRunner().invoke(main, ["-s", str(site), *command])
            shown = result.output[-3000:]
            assert result.exit_code in (0, 1, 2), f"{command}: exit {result.exit_code}\n{shown}\n{result.exception!r}"
            assert "Traceback" not in result.output and "bug in vpcsite" not in result.output, shown
        shutil.rmtree(site, ignore_errors=True)

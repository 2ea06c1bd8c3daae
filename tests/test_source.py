"""Reading one content file: bytes → text → front matter with positions, plus the body.

Every position is 1-based and counted in the original file, so the opening fence is line 1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpcsite.content import load_document, read_source
from vpcsite.diagnostics import CODES, Diagnostic, Severity

PATH = "content/value-maps/app.md"


def read(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_source(PATH, data)


def refused(text: str | bytes) -> Diagnostic:
    """The one diagnostic a file that cannot be read gives."""
    source, found = read(text)
    assert source is None
    assert len(found) == 1, found
    assert found[0].path == PATH and found[0].severity is Severity.ERROR
    return found[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return (d.code, d.line, d.column)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


YAML_VALUE_MAP = dedent(
    """
    ---
    title: FitNow app
    segment: busy-professional
    relievers:
      - id: ten-minute-workouts
        text: 10-minute workouts
        relieves:
          - lack-of-time
          - complex-apps
      - text: Simple setup
        relieves: [lack-of-time,   complex-apps]
    ---

    ## Notes
    """
)

TOML_VALUE_MAP = dedent(
    """
    +++
    title = "FitNow app"
    segment = "busy-professional"

    [[relievers]]
    text = "10-minute workouts"
    relieves = ["lack-of-time"]

    [[relievers]]
    id = "simple-setup"
    text = "Simple setup"
    relieves = ["complex-apps", "lack-of-time"]
    +++
    Notes.
    """
)


# --- splitting front matter from the body -----------------------------------------


def test_yaml_front_matter_is_split_from_the_body():
    source, found = read(YAML_VALUE_MAP)
    assert found == []
    assert source.syntax == "yaml"
    assert source.front_matter.values["title"] == "FitNow app"
    assert source.front_matter.values["relievers"][1]["relieves"] == ["lack-of-time", "complex-apps"]
    assert source.body == "\n## Notes\n"
    assert source.body_line == 13


def test_toml_front_matter_is_split_from_the_body():
    source, found = read(TOML_VALUE_MAP)
    assert found == []
    assert source.syntax == "toml"
    assert source.front_matter.values["segment"] == "busy-professional"
    assert [r["text"] for r in source.front_matter.values["relievers"]] == ["10-minute workouts", "Simple setup"]
    assert source.body == "Notes.\n"
    assert source.body_line == 14


def test_empty_front_matter_gives_no_values_and_a_body():
    source, found = read("---\n---\n# Home\n")
    assert found == []
    assert source.front_matter.values == {}
    assert (source.body, source.body_line) == ("# Home\n", 3)


def test_closing_fence_may_carry_trailing_spaces():
    source, found = read("---  \ntitle: A\n--- \t\nbody\n")
    assert found == []
    assert source.front_matter.values == {"title": "A"}
    assert (source.body, source.body_line) == ("body\n", 4)


# --- positions of values ------------------------------------------------------------


def test_yaml_positions_of_top_level_values_and_keys():
    fm = read(YAML_VALUE_MAP)[0].front_matter
    assert fm.position(("title",)) == (2, 8)
    assert fm.position(("segment",)) == (3, 10)
    assert fm.position(("segment",), key=True) == (3, 1)


def test_yaml_positions_in_a_block_list():
    fm = read(YAML_VALUE_MAP)[0].front_matter
    assert fm.position(("relievers", 0)) == (5, 5)
    assert fm.position(("relievers", 0, "id")) == (5, 9)
    assert fm.position(("relievers", 0, "relieves", 0)) == (8, 9)
    assert fm.position(("relievers", 0, "relieves", 1)) == (9, 9)


def test_yaml_positions_in_a_flow_list():
    fm = read(YAML_VALUE_MAP)[0].front_matter
    assert fm.position(("relievers", 1, "relieves")) == (11, 15)
    assert fm.position(("relievers", 1, "relieves"), key=True) == (11, 5)
    assert fm.position(("relievers", 1, "relieves", 0)) == (11, 16)
    assert fm.position(("relievers", 1, "relieves", 1)) == (11, 32)


def test_toml_positions_in_arrays_of_tables():
    fm = read(TOML_VALUE_MAP)[0].front_matter
    assert fm.position(("title",)) == (2, 9)
    assert fm.position(("relievers", 0)) == (5, 1)
    assert fm.position(("relievers", 0, "text")) == (6, 8)
    assert fm.position(("relievers", 1)) == (9, 1)
    assert fm.position(("relievers", 1, "id")) == (10, 6)
    assert fm.position(("relievers", 1, "id"), key=True) == (10, 1)


def test_toml_positions_in_inline_arrays():
    fm = read(TOML_VALUE_MAP)[0].front_matter
    assert fm.position(("relievers", 0, "relieves", 0)) == (7, 13)
    assert fm.position(("relievers", 1, "relieves")) == (12, 12)
    assert fm.position(("relievers", 1, "relieves", 0)) == (12, 13)
    assert fm.position(("relievers", 1, "relieves", 1)) == (12, 29)


def test_position_of_an_absent_value_falls_back_to_its_parent():
    fm = read(YAML_VALUE_MAP)[0].front_matter
    assert fm.position(("relievers", 1, "by")) == (10, 5)
    assert fm.position(("products",)) == (2, 1)


# --- encodings and line endings ---------------------------------------------------


def test_utf8_bom_is_accepted_without_moving_positions():
    source, found = read(b"\xef\xbb\xbf" + YAML_VALUE_MAP.encode())
    assert found == []
    assert source.front_matter.values["title"] == "FitNow app"
    assert source.front_matter.position(("title",)) == (2, 8)
    assert source.front_matter.position(("relievers", 1, "relieves", 1)) == (11, 32)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_other_line_endings_give_the_same_positions_and_body_as_lf(ending):
    lf, _ = read(YAML_VALUE_MAP)
    other, found = read(YAML_VALUE_MAP.replace("\n", ending))
    assert found == []
    assert other.front_matter.positions == lf.front_matter.positions
    assert other.front_matter.values == lf.front_matter.values
    assert (other.body, other.body_line) == (lf.body, lf.body_line)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_other_line_endings_give_the_same_toml_positions_as_lf(ending):
    lf, _ = read(TOML_VALUE_MAP)
    other, found = read(TOML_VALUE_MAP.replace("\n", ending))
    assert found == []
    assert other.front_matter.positions == lf.front_matter.positions


def test_invalid_utf8_names_the_byte_its_offset_line_and_column():
    d = refused(b"---\ntitle: ab\xffc\n---\n")
    assert where(d) == ("VPC001", 2, 10)
    assert "not valid UTF-8" in d.message
    assert "0xff" in d.message and "offset 13" in d.message
    assert d.hint == "save the file as UTF-8"


def test_invalid_utf8_offset_counts_the_bom():
    d = refused(b"\xef\xbb\xbf---\ntitle: \xc3(\n---\n")
    assert where(d) == ("VPC001", 2, 8)
    assert "0xc3" in d.message and "offset 14" in d.message


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "lone-cr"])
def test_invalid_utf8_line_is_counted_with_any_line_ending(ending):
    data = ending.join([b"---", b"title: A", b"summary: ab\xffc", b"---", b""])
    d = refused(data)
    assert where(d) == ("VPC001", 3, 12)


def test_invalid_utf8_column_counts_characters_not_bytes():
    d = refused("---\ntitle: Café ".encode() + b"\xfe\n---\n")
    assert where(d) == ("VPC001", 2, 13)
    assert "0xfe" in d.message and "offset 17" in d.message


# --- missing or broken front matter ---------------------------------------------


def test_empty_file_is_missing_front_matter():
    d = refused(b"")
    assert where(d) == ("VPC002", 1, 1)
    assert "the file is empty" in d.message
    assert "'---'" in d.hint


def test_file_without_front_matter_is_missing_front_matter():
    d = refused("# Busy professional\n\ntitle: not front matter\n")
    assert where(d) == ("VPC002", 1, 1)
    assert "does not start with front matter" in d.message
    assert "title: ..." in d.hint


@pytest.mark.parametrize("fence", ["---", "+++"])
def test_unclosed_front_matter_names_its_fence(fence):
    d = refused(f"{fence}\ntitle: A\n\nA body with no closing line.\n")
    assert where(d) == ("VPC003", 1, 1)
    assert f"'{fence}' on line 1 is never closed" in d.message
    assert d.hint == f"add a line with only '{fence}' after the last key"


def test_yaml_syntax_error_points_at_its_line():
    d = refused("---\ntitle: A\nrelievers: [lack-of-time\nsegment: busy\n---\n")
    assert where(d) == ("VPC004", 4, 8)
    assert d.message.startswith("YAML syntax error:")


def test_yaml_text_with_colon_space_is_told_to_quote_it():
    d = refused("---\ntitle: A\nsummary: Goal: fit in ten minutes\n---\n")
    assert where(d) == ("VPC004", 3, 14)
    assert "mapping values are not allowed" in d.message
    assert d.hint == "a text containing ': ' must be quoted"


def test_yaml_tab_indentation_is_told_to_use_spaces():
    d = refused("---\ntitle: A\njobs:\n\t- Track workouts\n---\n")
    assert where(d) == ("VPC004", 4, 1)
    assert d.hint == "indent with spaces, not tabs"


def test_toml_syntax_error_points_at_its_line():
    d = refused('+++\ntitle = "A"\nsummary = "never closed\nsegment = "busy"\n+++\n')
    assert where(d) == ("VPC005", 3, 24)
    assert d.message.startswith("TOML syntax error:")
    assert "(at line" not in d.message


def test_toml_error_at_the_end_points_at_the_last_line():
    d = refused('+++\ntitle = "A"\nsummary =\n+++\n')
    assert where(d) == ("VPC005", 3, 10)
    assert "Invalid value" in d.message
    assert "end of document" not in d.message


def test_toml_duplicate_key_is_a_syntax_error_on_its_line():
    d = refused('+++\ntitle = "A"\ntitle = "B"\nsegment = "busy"\n+++\n')
    assert (d.code, d.line) == ("VPC005", 3)
    assert "Cannot overwrite a value" in d.message


def test_front_matter_that_is_a_list_is_refused():
    d = refused("---\n- title: A\n- segment: busy\n---\n")
    assert where(d) == ("VPC006", 2, 1)
    assert "must be a mapping" in d.message
    assert "title: Busy professional" in d.hint


def test_front_matter_that_is_a_scalar_is_refused():
    d = refused("---\njust a sentence\n---\n")
    assert where(d) == ("VPC006", 2, 1)
    assert "must be a mapping" in d.message


def kept_with(text: str) -> Diagnostic:
    """The one diagnostic of a file that is read all the same."""
    source, found = read(text)
    assert source is not None and len(found) == 1, found
    return found[0]


def test_duplicate_top_level_key_cites_both_lines():
    d = kept_with("---\ntitle: A\nsummary: S\ntitle: B\n---\n")
    assert where(d) == ("VPC007", 4, 1)
    assert "duplicate key 'title'" in d.message
    assert "first on line 2" in d.message
    assert "silently keep only the last" in d.hint


def test_duplicate_key_in_an_item_cites_both_lines():
    d = kept_with("---\ntitle: A\npains:\n  - text: Lack of time\n    severity: 5\n    text: No time\n---\n")
    assert where(d) == ("VPC007", 6, 5)
    assert "duplicate key 'text'" in d.message
    assert "first on line 4" in d.message


# --- anchors, aliases and tags --------------------------------------------------


def test_alias_to_an_anchor_is_refused():
    d = refused("---\ntitle: &name FitNow\nsummary: *name\n---\n")
    assert (d.code, d.line) == ("VPC008", 3)
    assert "alias" in d.message and "not allowed" in d.message
    assert "write the value out" in d.hint


def test_alias_inside_a_flow_list_is_refused():
    d = refused("---\ntitle: A\nsegment: busy\nrelievers:\n  - text: R\n    relieves: [lack-of-time, *pain]\n---\n")
    assert where(d) == ("VPC008", 6, 30)
    assert "alias" in d.message and "not allowed" in d.message


def test_alias_without_an_anchor_in_plain_text_is_refused():
    d = refused("---\ntitle: A\nsummary: *nothing-anchored\n---\n")
    assert where(d) == ("VPC008", 3, 10)
    assert "alias" in d.message


def test_ampersands_and_asterisks_inside_text_are_plain_text():
    source, found = read("---\ntitle: R&D for Tom & Jerry\nsummary: the *only* app!\nnote: '*quoted*'\n---\n")
    assert found == []
    assert source.front_matter.values["title"] == "R&D for Tom & Jerry"
    assert source.front_matter.values["summary"] == "the *only* app!"


def test_python_tag_is_refused_and_nothing_is_run(tmp_path):
    marker = tmp_path / "ran"
    d = refused(f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    assert where(d) == ("VPC008", 2, 8)
    assert "python/object/apply:os.system" in d.message
    assert d.hint == "remove the tag"
    assert not marker.exists()


def test_custom_tag_is_refused():
    d = refused("---\ntitle: A\nsummary: !shout hello\n---\n")
    assert where(d) == ("VPC008", 3, 10)
    assert "YAML tag '!shout'" in d.message


def test_standard_str_tag_keeps_the_text():
    source, found = read("---\ntitle: !!str 1.10\n---\n")
    assert found == []
    assert source.front_matter.values["title"] == "1.10"


def _billion_laughs(levels: int = 9) -> str:
    lines = ["---", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    lines.append("---")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly():
    started = time.perf_counter()
    d = refused(_billion_laughs())
    assert time.perf_counter() - started < 1.0
    assert (d.code, d.line) == ("VPC008", 3)
    assert "alias" in d.message


# --- size and depth caps ------------------------------------------------------------


def test_front_matter_over_256_kib_is_refused():
    d = refused("---\ntitle: A\nsummary: " + "a" * (256 * 1024) + "\n---\n")
    assert where(d) == ("VPC009", 2, 1)
    assert "larger than 256 KiB" in d.message
    assert "Markdown body" in d.hint


def test_front_matter_just_under_256_kib_is_read():
    summary = "a" * (256 * 1024 - len("title: A\nsummary: "))
    source, found = read("---\ntitle: A\nsummary: " + summary + "\n---\n")
    assert found == []
    assert len(source.front_matter.values["summary"]) == len(summary)


def _read_in_child(data: bytes) -> tuple[int, list[tuple[str, int, int, str]]]:
    """read_source in a fresh interpreter with a memory cap, so a crash fails one test
    instead of taking the whole run down."""
    program = textwrap.dedent(
        """
        import json, sys
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        except (ImportError, ValueError, OSError):
            pass
        from vpcsite.content import read_source
        source, found = read_source("f.md", sys.stdin.buffer.read())
        print(json.dumps([[d.code, d.line, d.column, d.message] for d in found]))
        """
    )
    done = subprocess.run([sys.executable, "-c", program], input=data, capture_output=True, timeout=60)
    found = json.loads(done.stdout) if done.returncode == 0 else []
    return done.returncode, [tuple(d) for d in found]


def test_flow_sequence_nested_100000_deep_is_refused_without_crashing():
    status, found = _read_in_child(("---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n---\n").encode())
    assert status == 0
    assert found == [("VPC009", 2, 39, "front matter is nested deeper than 32 levels")]


def test_flow_sequence_nested_40_deep_is_refused():
    d = refused("---\ntitle: A\nsummary: " + "[" * 40 + "]" * 40 + "\n---\n")
    assert where(d) == ("VPC009", 3, 41)
    assert "nested deeper than 32 levels" in d.message


def test_nesting_up_to_the_cap_is_read():
    source, found = read("---\ntitle: A\nsummary: " + "[" * 31 + "]" * 31 + "\n---\n")
    assert found == []
    assert isinstance(source.front_matter.values["summary"], list)


def test_deep_block_nesting_is_refused():
    lines = ["---", "title: A"] + [" " * (2 * level) + f"k{level}:" for level in range(40)] + [" " * 80 + "v", "---"]
    d = refused("\n".join(lines) + "\n")
    assert where(d) == ("VPC009", 35, 65)
    assert "nested deeper than 32 levels" in d.message


def test_compact_block_sequences_nested_100000_deep_are_refused_without_crashing():
    status, found = _read_in_child(("---\ntitle: A\nsummary:\n" + "- " * 100_000 + "v\n---\n").encode())
    assert status == 0
    assert found == [("VPC009", 4, 63, "front matter is nested deeper than 32 levels")]


def test_toml_array_nested_100000_deep_is_refused_without_crashing():
    status, found = _read_in_child(('+++\ntitle = "A"\nsummary = ' + "[" * 100_000 + "]" * 100_000 + "\n+++\n").encode())
    assert status == 0
    assert found == [("VPC009", 3, 43, "front matter is nested deeper than 32 levels")]


def test_toml_array_nested_40_deep_is_refused():
    d = refused('+++\ntitle = "A"\nsummary = ' + "[" * 40 + "]" * 40 + "\n+++\n")
    assert (d.code, d.line) == ("VPC009", 3)
    assert "nested deeper than 32 levels" in d.message


def test_toml_dotted_key_of_100000_parts_is_refused_without_exhausting_memory():
    status, found = _read_in_child(('+++\ntitle = "A"\n' + ".".join(["a"] * 100_000) + " = 1\n+++\n").encode())
    assert status == 0
    assert found == [("VPC009", 3, 1, "front matter is nested deeper than 32 levels")]


def test_toml_quoted_key_full_of_dots_is_read_quickly():
    started = time.perf_counter()
    source, found = read('+++\ntitle = "A"\n"' + "a." * 100_000 + '" = 1\n+++\n')
    assert time.perf_counter() - started < 2.0
    assert found == []
    assert source.front_matter.values["a." * 100_000] == 1


# --- YAML 1.1 scalars that are not text -------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "line", "column", "spelling", "read_as"),
    [
        ("title: A\njobs:\n  - text: no\n", 4, 11, "no", "a boolean"),
        ("title: A\njobs:\n  - text: 1.10\n", 4, 11, "1.10", "a number"),
        ("title: 2024-05-01\n", 2, 8, "2024-05-01", "a date"),
        ("title: A\ngains:\n  - text: Fast\n  - yes\n", 5, 5, "yes", "a boolean"),
    ],
    ids=["no", "1.10", "date", "yes-item"],
)
def test_unquoted_text_read_as_another_type_is_told_to_quote_it(front_matter, line, column, spelling, read_as):
    document, found = load_document("content/segments/busy.md", "segments/busy.md", f"---\n{front_matter}---\n".encode())
    assert document is None or document.partial
    assert [where(d) for d in found] == [("VPC106", line, column)]
    assert f"'{spelling}' was read as {read_as}, not text" in found[0].message
    assert found[0].hint == f'quote it: "{spelling}"'


def test_quoted_yaml_11_words_stay_text():
    document, found = load_document("s.md", "segments/busy.md", b'---\ntitle: "2024-05-01"\njobs:\n  - "no"\n  - text: "1.10"\n---\n')
    assert found == []
    assert document.model.title == "2024-05-01"
    assert [job.text for job in document.model.jobs] == ["no", "1.10"]


# --- no input makes the reader raise ----------------------------------------------

# Fragments of front matter, good and bad, that property tests assemble into files.
KEYS = [
    "title", "summary", "segment", "type", "id", "draft", "jobs", "pains", "gains", "products",
    "relievers", "creators", "text", "kind", "importance", "severity", "relevance", "status",
    "evidence", "note", "relieves", "creates", "by",
    "severty", "Title", "a b", "ключ", "", "&a", "*a", "!x", "? x", "- x", "[k]", "{k}", "'q'", '"k"', "<<",
]  # fmt: skip
SCALARS = [
    "", "A", "no", "yes", "on", "~", "null", "1.10", "3", "0", "6", "-1", "1e999", "0x1F", "2024-05-01",
    "2024-13-45", "12:30:00", "critical", "Extreme", "nice-to-have", "functional", "verified", "true",
    "'single'", '"double \\u00e9 \\t"', '"unclosed', "'unclosed", "[a, b]", "[", "]", "{", "}", "{a: 1}",
    "[a, [b, {c: d}]]", "&a x", "*a", "!foo x", "!!python/object/apply:os.system ['true']", "!!str 1.10",
    "!!binary aGk=", "\t", "a\tb", "a: b", "- x", "? x", "|", ">-", "%TAG", "@x", "`x`", "# comment",
    "é漢字🙂", "\u2028", "\x00", "\ufeff", "lack-of-time", "[lack-of-time, complex-apps]",
]  # fmt: skip

TAME = [
    "A", "Track workouts", "3", "5", "critical", "severe", "essential", "functional", "ancillary",
    "digital", "verified", "lack-of-time", "[lack-of-time, complex-apps]", "[]", '"quoted: text"',
]  # fmt: skip

scalar = st.one_of(
    st.sampled_from(TAME),
    st.sampled_from(TAME),
    st.sampled_from(SCALARS),
    st.text(max_size=12),
    st.integers(1, 60).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 60).map(lambda n: "{a: " * n + "1" + "}" * n),
)
key = st.sampled_from(KEYS)
pair = st.tuples(key, scalar).map(lambda t: f"{t[0]}: {t[1]}")

# Loose: one line at a time, any indentation; mostly syntax errors, which is the point.
loose_line = st.one_of(
    st.tuples(st.integers(0, 8), pair).map(lambda t: " " * t[0] + t[1]),
    st.tuples(st.integers(0, 8), scalar).map(lambda t: " " * t[0] + f"- {t[1]}"),
    st.tuples(st.integers(0, 8), key).map(lambda t: " " * t[0] + f"{t[1]}:"),
    st.integers(1, 70).map(lambda n: "  " * n + "- x"),
    st.integers(1, 70).map(lambda n: "- " * n + "x"),
    scalar,
)
loose_yaml = st.lists(loose_line, max_size=14).map("\n".join)

# Structured: sections of items, so the schema stage sees well-formed YAML too.
item = st.one_of(
    scalar.map(lambda value: f"  - {value}"),
    st.lists(pair, min_size=1, max_size=4).map(lambda pairs: "\n".join(("  - " if i == 0 else "    ") + p for i, p in enumerate(pairs))),
)
section = st.tuples(key, st.lists(item, max_size=4)).map(lambda t: "\n".join([f"{t[0]}:", *t[1]]))
structured_yaml = st.lists(st.one_of(pair, section), max_size=6).map("\n".join)
yaml_front_matter = st.one_of(loose_yaml, structured_yaml)

toml_line = st.one_of(
    st.tuples(key, scalar).map(lambda t: f"{t[0]} = {t[1]}"),
    st.tuples(key, st.sampled_from(SCALARS + TAME)).map(lambda t: f'{t[0]} = "{t[1]}"'),
    st.tuples(key, st.lists(st.sampled_from(TAME), max_size=3)).map(lambda t: f"{t[0]} = {json.dumps(t[1])}"),
    key.map(lambda k: f"[[{k}]]"),
    key.map(lambda k: f"[{k}]"),
    st.integers(1, 60).map(lambda n: ".".join(["a"] * n) + " = 1"),
    scalar,
)
toml_front_matter = st.lists(toml_line, max_size=12).map("\n".join)

hostile_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(
        st.sampled_from([b"---\n", b"+++\n", b"\xef\xbb\xbf---\r\n", b"---\r"]),
        st.binary(max_size=300),
        st.sampled_from([b"\n---\n", b"\n+++\n", b"\r\n---\r\nbody", b""]),
    ).map(b"".join),
)

RELATIVE = st.sampled_from(["segments/busy.md", "value-maps/app.md", "about.md", "value-maps/My Canvas.md"])


def _check_result(data: bytes, result: tuple[object, list[Diagnostic]], must_have_model: bool) -> None:
    value, found = result
    assert isinstance(found, list)
    assert all(isinstance(d, Diagnostic) for d in found)
    if value is None:
        assert any(d.severity is Severity.ERROR for d in found)
    elif must_have_model:
        assert hasattr(value, "model")
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    for d in found:
        assert d.code in CODES
        assert d.severity is CODES[d.code][0]
        assert 1 <= d.line <= lines, (d, lines)
        assert d.column >= 1
        assert d.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=hostile_bytes, relative=RELATIVE)
def test_random_bytes_never_raise(data, relative):
    _check_result(data, read_source(PATH, data), must_have_model=False)
    _check_result(data, load_document(PATH, relative, data), must_have_model=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter=yaml_front_matter, relative=RELATIVE)
def test_any_yaml_front_matter_gives_diagnostics_with_valid_places(front_matter, relative):
    data = f"---\n{front_matter}\n---\nbody\n".encode("utf-8", "surrogatepass")
    _check_result(data, load_document(PATH, relative, data), must_have_model=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter=toml_front_matter, relative=RELATIVE)
def test_any_toml_front_matter_gives_diagnostics_with_valid_places(front_matter, relative):
    data = f"+++\n{front_matter}\n+++\nbody\n".encode("utf-8", "surrogatepass")
    _check_result(data, load_document(PATH, relative, data), must_have_model=True)


def test_a_unicode_line_break_in_yaml_front_matter_is_refused_where_it_stands():
    """libyaml reads U+2028, U+2029 and U+0085 as line breaks (YAML 1.1); an editor shows
    none, so the value would be cut in two and later line numbers would be off."""
    for character, name in (("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"), ("\x85", "U+0085 NEXT LINE")):
        source, found = read_source("a.md", f"---\ntitle: Busy\njobs:\n  - Track a{character}workouts\n---\nBody\n".encode())
        assert source is None
        assert [(d.code, d.line, d.column) for d in found] == [("VPC004", 4, 12)]
        assert name in found[0].message and "replace it with a space" in found[0].hint
    source, found = read_source("a.md", "---\ntitle: Busy\n---\nA body may hold \u2028 as it likes.\n".encode())
    assert found == [] and "\u2028" in source.body
    source, found = read_source("a.md", '+++\ntitle = "Busy \u2028 TOML"\n+++\n'.encode())
    assert found == [] and source.front_matter.values["title"] == "Busy \u2028 TOML"


def test_a_spelling_repeated_in_front_matter_is_one_string():
    """Ids named in reference lists, statuses and kinds repeat across a site: each
    spelling is kept once (two thirds of a large site's text was repeats)."""
    from vpcsite.source import parse_yaml

    values = parse_yaml("status: observed\nrelieves: [late-invoices, late-invoices]\nother: observed\n").values
    assert values["status"] is values["other"]
    assert values["relieves"][0] is values["relieves"][1]

"""YAML syntax errors in the user's terms: which line slipped and the column it should
start at, a Markdown link read as a list, and never PyYAML's own position text."""

from __future__ import annotations

import random
import re

import pytest

from vpcsite.content import load_document
from vpcsite.source import read_source


def refused(front_matter: str):
    source, found = read_source("x.md", f"---\n{front_matter}---\n".encode())
    assert source is None and len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("front_matter", "place", "message", "hint"),
    [
        (
            "title: A\nsegment: s\n relievers: []\n",
            (4, 2),
            "'relievers:' starts at column 2, but the keys beside it start at column 1",
            "start 'relievers:' at column 1, like 'segment:' on line 3",
        ),
        (
            "title: A\npains:\n  - id: a\n     text: A\n",
            (5, 6),
            "'text:' starts at column 6, but the keys beside it start at column 5",
            "start 'text:' at column 5, like 'id:' on line 4",
        ),
        (
            "title: A\npains:\n  - id: a\n   text: A\n",
            (5, 4),
            "'text:' starts at column 4, but the keys beside it start at column 5",
            "start 'text:' at column 5, like 'id:' on line 4",
        ),
        (
            "title: A\npains:\n  - id: a\n text: A\n",
            (5, 2),
            "'text:' starts at column 2, but the keys beside it start at column 5",
            "start 'text:' at column 5, like 'id:' on line 4",
        ),
        (
            "title: A\npains:\n  - text: x\n    severity: 3\n  evidence: []\n",
            (6, 3),
            "'evidence:' starts at column 3, but the keys beside it start at column 5",
            "start 'evidence:' at column 5, like 'severity:' on line 5",
        ),
        (
            "title: A\npains:\n  - text: x\n    severity: 3\n gains: []\n",
            (6, 2),
            "'gains:' starts at column 2, but the keys beside it start at column 1",
            "start 'gains:' at column 1, like 'pains:' on line 3",
        ),
        (
            "title: A\n  summary: x\n",
            (3, 3),
            "'summary:' starts at column 3, but the keys beside it start at column 1",
            "start 'summary:' at column 1, like 'title:' on line 2",
        ),
        (
            "title: A\npains:\n  - a\n - b\n",
            (5, 2),
            "this list item starts at column 2, but the items beside it start at column 3",
            "start the '-' at column 3, like the item on line 4",
        ),
        (
            "title: A\nnote: |\n  line one\n line two\n",
            (5, 2),
            "this line of the text under 'note:' (line 3) starts at column 2, left of the text's first line",
            "indent every line of the text to at least column 3",
        ),
        (
            "title: A\npains:\n  - text: a\n     - text: b\n",
            (5, 6),
            "this list item starts at column 6, but the items beside it start at column 3",
            "start the '-' at column 3, like the item on line 4",
        ),
    ],
    ids=[
        "key-too-far",
        "item-key-too-far",
        "item-key-too-short",
        "item-key-dedented",
        "item-key-at-dash",
        "document-key-too-far",
        "key-under-a-text",
        "list-item-dedented",
        "block-text-dedented",
        "list-item-too-far",
    ],
)
def test_an_indentation_slip_names_the_line_and_the_column_it_should_start_at(front_matter, place, message, hint):
    found = refused(front_matter)
    assert (found.code, found.line, found.column) == ("VPC004", *place)
    assert found.message == f"YAML syntax error: {message}"
    assert found.hint == hint


@pytest.mark.parametrize("entry", ["[Interviews, May](https://wiki.example/interviews)", "[Interviews](https://x.example) and notes"])
def test_an_unquoted_markdown_link_in_evidence_is_told_to_be_quoted(entry):
    found = refused(f"title: A\njobs:\n  - text: A\n    evidence:\n      - {entry}\n")
    assert (found.line, found.column) == (6, 9)
    assert found.message == "YAML syntax error: a value that starts with a Markdown link is read as a YAML list"
    assert found.hint == f"quote it: '{entry}'"


def test_a_markdown_link_as_a_whole_value_is_told_to_be_quoted():
    found = refused("title: A\nsummary: [Our wiki](https://wiki.example)\n")
    assert found.hint == "quote it: '[Our wiki](https://wiki.example)'"


def test_a_key_without_a_colon_is_named_where_it_starts():
    found = refused("title: A\nsummary\nsegment: b\n")
    assert (found.line, found.column) == (3, 1)
    assert found.message == "YAML syntax error: 'summary' has no ':' after it"


def test_a_colon_inside_a_text_still_asks_for_quotes():
    found = refused("title: Plans: weekly\n")
    assert found.hint == "a text containing ': ' must be quoted"


def test_an_unclosed_quote_is_reported_where_it_opens():
    found = refused("title: A\nsummary: 'never closed\n")
    assert (found.line, found.column) == (3, 10)
    assert found.message == "YAML syntax error: the text opened with ' on line 3 is never closed"


def test_an_unclosed_bracket_names_where_the_list_opened():
    found = refused("title: A\nby: [a, b\n")
    assert "the list opened on line 3, column 5 is not closed with ']'" in found.message


def test_a_control_character_is_named_at_its_place_without_pyyaml_words():
    found = refused("title: A\nsummary: x\x01y\n")
    assert (found.line, found.column) == (3, 11)
    assert found.message == "YAML syntax error: U+0001 is not allowed in front matter"


_PYYAML_WORDS = re.compile(r"<unicode string>|<string>|line \d+, column \d+|position \d+")

_CANVAS = """title: FitNow app
segment: busy-professional
products:
  - id: mobile-app
    text: Mobile app
    jobs: [track-workouts]
    evidence:
      - "[Interviews](https://wiki.example/i)"
    note: >-
      A note that folds
      over two lines.
relievers:
  - id: ten-minute-workouts
    text: 10-minute workouts
    relieves: [lack-of-time]
    by: [mobile-app]
"""

_INSERTS = [
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    ":",
    ": ",
    "- ",
    "\t",
    "\x00",
    "\x07",
    "*",
    "&",
    "!",
    "!!binary ",
    "%",
    "@",
    "`",
    "|",
    ">",
    "? ",
    "#",
    "\\",
    "\ufeff",
    "\u2028",
    "  ",
    " ",
]


def _mutations(count: int) -> list[str]:
    rng = random.Random(20261206)
    lines = _CANVAS.split("\n")
    found = []
    for _ in range(count):
        mutated = list(lines)
        row = rng.randrange(len(mutated) - 1)
        action = rng.randrange(4)
        if action == 0:  # re-indent a line
            mutated[row] = " " * rng.randrange(0, 8) + mutated[row].lstrip(" ")
        elif action == 1:  # insert a character
            at = rng.randrange(len(mutated[row]) + 1)
            mutated[row] = mutated[row][:at] + rng.choice(_INSERTS) + mutated[row][at:]
        elif action == 2:  # duplicate a line
            mutated.insert(row, mutated[row])
        else:  # unquote the evidence, or drop a line
            mutated = [line.replace('"[', "[").replace(')"', ")") for line in mutated] if rng.random() < 0.3 else mutated[:row] + mutated[row + 1 :]
        found.append("\n".join(mutated))
    return found


@pytest.mark.parametrize("front_matter", _mutations(60))
def test_no_message_shows_pyyaml_positions(front_matter):
    data = f"---\n{front_matter}---\n".encode("utf-8", "surrogatepass")
    _document, found = load_document("content/value-maps/fitnow.md", "value-maps/fitnow.md", data)
    total_lines = data.count(b"\n") + 1
    for d in found:
        assert not _PYYAML_WORDS.search(d.message), d
        assert not _PYYAML_WORDS.search(d.hint or ""), d
        assert 1 <= d.line <= total_lines and d.column >= 1, d

"""A YAML syntax error → a message in the user's terms, the place to look and a hint.

PyYAML says where its parser gave up, in its own words ("did not find expected key",
"mapping values are not allowed here"), often a line after the slip that caused it.
Front matter slips are few and known: a key indented a space too far or too short, a
list item out of line, a Markdown link read as a YAML list, an unquoted ': ', an
unclosed quote or bracket. Each is recognised from the lines themselves, and the line
that caused it is named with the column it should start at. PyYAML's own position text
("in \"<unicode string>\", line 3, column 5") never reaches a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

Position = tuple[int, int]

#: A value that starts with a Markdown link: YAML reads `[text]` as a list.
_MARKDOWN_LINK = re.compile(r"^(\s*(?:-\s+|[^\s:#][^:#]*:\s+))(\[[^\]\n]*\]\([^)\n]*\))")
#: A line's key, after its indentation and an optional list dash: (dash part, key).
_KEY_LINE = re.compile(r"^(\s*)((?:-\s+)*)([^\s\-#'\"\[\]{}!&*%@|>?`][^:#]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_DASH_LINE = re.compile(r"^(\s*)-(?:\s|$)")
#: PyYAML's way of naming a place, which means nothing to a user of vpcsite.
_PYYAML_PLACE = re.compile(r"\s*in \"<[^>]*>\", (?:line \d+, column \d+|position \d+)")

_INDENT_PROBLEMS = (
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "could not find expected ':'",
)


@dataclass(frozen=True)
class Explained:
    message: str
    position: Position
    hint: str | None = None


def without_pyyaml_places(text: str) -> str:
    """`text` with PyYAML's "in \"<unicode string>\", line 3, column 5" taken out."""
    return _PYYAML_PLACE.sub("", text).strip()


def explain(error: yaml.YAMLError, text: str, first_line: int) -> Explained:
    """What to tell the user about `error`, raised while composing `text` (the front
    matter, whose first line is line `first_line` of the file)."""
    offset = first_line - 1
    lines = text.split("\n")
    if isinstance(error, yaml.reader.ReaderError):
        return _unreadable(error, text, first_line)
    if not isinstance(error, yaml.MarkedYAMLError):
        return Explained(f"YAML syntax error: {without_pyyaml_places(str(error))}", (first_line, 1))
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    row, column = (mark.line, mark.column) if mark is not None else (0, 0)
    at = (row + 1 + offset, column + 1)
    here = lines[row][column:] if row < len(lines) else ""

    link = _markdown_link(lines, row)
    if link is not None:
        link_row, link_column, written = link
        return Explained(
            "YAML syntax error: a value that starts with a Markdown link is read as a YAML list",
            (link_row + 1 + offset, link_column + 1),
            f"quote it: {_quoted(written)}",
        )
    if any(problem.startswith(known) for known in _INDENT_PROBLEMS):
        slip = _indentation_slip(lines, row, column, problem, offset)
        if slip is not None:
            slip_row, message, hint = slip
            indent = len(lines[slip_row]) - len(lines[slip_row].lstrip(" "))
            return Explained(f"YAML syntax error: {message}", (slip_row + 1 + offset, indent + 1), hint)
    if problem.startswith("mapping values are not allowed"):
        return Explained(f"YAML syntax error: {problem}", at, "a text containing ': ' must be quoted")
    if problem.startswith("could not find expected ':'") and error.context_mark is not None:
        started = error.context_mark
        words = lines[started.line][started.column :].strip() if started.line < len(lines) else ""
        return Explained(
            f"YAML syntax error: '{words[:40]}' has no ':' after it",
            (started.line + 1 + offset, started.column + 1),
            f"write '{words[:40]}: <value>', or indent it as part of the text above",
        )
    if problem == "found unexpected end of stream" and error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        opened = error.context_mark
        quote = lines[opened.line][opened.column] if opened.line < len(lines) and opened.column < len(lines[opened.line]) else "'"
        return Explained(
            f"YAML syntax error: the text opened with {quote} on line {opened.line + 1 + offset} is never closed",
            (opened.line + 1 + offset, opened.column + 1),
            f"end it with {quote}" + (" (write '' for a ' inside it)" if quote == "'" else ' (write \\" for a " inside it)'),
        )
    if problem.startswith("did not find expected ','") and error.context_mark is not None:
        opened = error.context_mark
        bracket = "]" if "]" in problem else "}"
        return Explained(
            f"YAML syntax error: the {'list' if bracket == ']' else 'mapping'} opened on line {opened.line + 1 + offset}, "
            f"column {opened.column + 1} is not closed with '{bracket}'",
            at,
            f"close it with '{bracket}', or quote a text that starts with '{'[' if bracket == ']' else '{'}'",
        )
    if problem == "found unknown escape character":
        return Explained(f"YAML syntax error: {problem} in a double-quoted text", at, "write a backslash as \\\\ , or use single quotes")
    if problem == "found character that cannot start any token":
        return Explained(
            f"YAML syntax error: '{here[:1]}' cannot start a value" if here[:1].strip() else f"YAML syntax error: {problem}",
            at,
            "indent with spaces, not tabs" if here[:1] == "\t" else "quote the text",
        )
    if here[:1] == "\t" or "found character '\\t'" in problem or "tab character" in problem:
        return Explained(f"YAML syntax error: {problem}", at, "indent with spaces, not tabs")
    return Explained(f"YAML syntax error: {without_pyyaml_places(problem)}", at)


def _unreadable(error: Any, text: str, first_line: int) -> Explained:
    """A character YAML does not allow anywhere (a control character, a lone surrogate)."""
    position = max(0, min(int(getattr(error, "position", 0) or 0), len(text)))
    before = text[:position]
    line = first_line + before.count("\n")
    column = position - (before.rfind("\n") + 1) + 1
    character = getattr(error, "character", None)
    if isinstance(character, str) and character:
        character = ord(character[0])
    code = f"U+{character:04X}" if isinstance(character, int) else "a character"
    return Explained(
        f"YAML syntax error: {code} is not allowed in front matter",
        (line, column),
        "delete it (often pasted in from another program), or write it as an escape in double quotes",
    )


def _quoted(written: str) -> str:
    if "'" not in written:
        return f"'{written}'"
    return '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _markdown_link(lines: list[str], row: int) -> tuple[int, int, str] | None:
    """A line at or just before `row` whose value starts with a Markdown link."""
    for probe in range(min(row, len(lines) - 1), max(-1, row - 3), -1):
        found = _MARKDOWN_LINK.match(lines[probe])
        if found is not None:
            rest = lines[probe][found.end(1) :].rstrip()
            return probe, found.end(1), rest
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int | None:
    """The column (0-based) at which the key of a `key:` or `- key:` line starts."""
    found = _KEY_LINE.match(line)
    if found is None:
        return None
    return len(found.group(1)) + len(found.group(2))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


#: Keys only items have, and keys only documents have: a slipped key is put back with
#: its own kind when the columns alone leave a choice.
_ITEM_KEYS = frozenset({"text", "kind", "status", "evidence", "note", "importance", "severity", "relevance", "relieves", "creates", "by"})
_DOCUMENT_KEYS = frozenset({"title", "summary", "segment", "type", "draft", "products", "relievers", "creators", "pains", "gains"})


def _open_levels(lines: list[str], row: int, is_item: bool) -> list[tuple[int, int]]:
    """(column, row) of the keys (or list dashes) before `row` that a line at `row` could
    stand beside: each one indented less than every line between it and `row`."""
    levels: list[tuple[int, int]] = []
    limit = 1 << 30
    for probe in range(row - 1, -1, -1):
        other = lines[probe]
        if not _meaningful(other):
            continue
        column = (_indent(other) if _DASH_LINE.match(other) else None) if is_item else _key_column(other)
        if column is not None and column < limit and all(column != seen for seen, _ in levels):
            levels.append((column, probe))
        limit = min(limit, _indent(other))
        if limit == 0:
            break
    return levels


def _indentation_slip(lines: list[str], row: int, column: int, problem: str, offset: int) -> tuple[int, str, str] | None:
    """The line out of line with its siblings, what is wrong with it and the column it
    should start at; None when the indentation looks right (the problem is elsewhere)."""
    if row >= len(lines) or not _meaningful(lines[row]):
        return None
    line = lines[row]
    key = _KEY_LINE.match(line)
    if problem.startswith("mapping values are not allowed"):
        # Only a key whose own colon broke the parse can be out of line; a colon further
        # on is a ': ' inside a text.
        key_at = _key_column(line)
        if key_at is None or line.find(":", key_at) != column:
            return None
    indent = _indent(line)
    is_item = _DASH_LINE.match(line) is not None
    if key is None and not is_item:
        return _block_text_slip(lines, row, offset)
    levels = _open_levels(lines, row, is_item)
    if not levels or any(level == indent for level, _ in levels):
        return None
    name = key.group(3).strip() if key is not None and not is_item else ""
    if name in _ITEM_KEYS and any(level > 0 for level, _ in levels):
        levels = [(level, probe) for level, probe in levels if level > 0]
    elif name in _DOCUMENT_KEYS and any(level == 0 for level, _ in levels):
        levels = [(level, probe) for level, probe in levels if level == 0]
    target, sibling_row = min(levels, key=lambda found: (abs(found[0] - indent), -found[0]))
    if is_item:
        message = f"this list item starts at column {indent + 1}, but the items beside it start at column {target + 1}"
        hint = f"start the '-' at column {target + 1}, like the item on line {sibling_row + 1 + offset}"
    else:
        other_key = _KEY_LINE.match(lines[sibling_row])
        other_name = other_key.group(3).strip() if other_key else ""
        message = f"'{name}:' starts at column {indent + 1}, but the keys beside it start at column {target + 1}"
        hint = f"start '{name}:' at column {target + 1}, like '{other_name}:' on line {sibling_row + 1 + offset}"
    return row, message, hint


_BLOCK_HEADER = re.compile(r"^(\s*(?:-\s+)*)([^\s#:][^:#]*?)\s*:\s*[|>][0-9+-]*\s*(?:#.*)?$")


def _block_text_slip(lines: list[str], row: int, offset: int) -> tuple[int, str, str] | None:
    """A line of a `key: |` or `key: >` text indented left of the text's first line
    (YAML then reads it as the next key, and finds no colon)."""
    for probe in range(row - 1, -1, -1):
        header = _BLOCK_HEADER.match(lines[probe])
        if header is None:
            continue
        first = next((other for other in lines[probe + 1 : row] if other.strip()), None)
        if first is None:
            return None
        column = _indent(first)
        if _indent(lines[row]) >= column:
            return None
        name = header.group(2).strip()
        return (
            row,
            f"this line of the text under '{name}:' (line {probe + 1 + offset}) starts at column {_indent(lines[row]) + 1}, left of the text's first line",
            f"indent every line of the text to at least column {column + 1}",
        )
    return None

"""Where each character of a text stands in its file, so a finding inside a note, an
evidence entry or a body points at the character the user wrote.

A Markdown body is copied from its file as it is. A front matter text is not: YAML drops
a block's indentation, folds lines (`>` and plain texts), and turns escapes ('' and \\n)
into characters. So a front matter text carries *runs*, each a stretch of the text
copied from one place in the file; a character between runs (a folded line break, an
escape) is placed at the end of the run before it. A text without runs is one line, at
its start (a plain one-line value); a TOML text's inside is not mapped, so what is
found in it is placed at the value's start.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

#: (offset in the text, length, line, column) of a run copied verbatim from the file.
Run = tuple[int, int, int, int]


@dataclass(frozen=True)
class TextPlace:
    line: int
    column: int
    runs: tuple[Run, ...] = ()
    #: The text is the file's own lines from `line` on (a body): offsets map by counting.
    verbatim: bool = False
    #: A text without runs is one plain line from (line, column); False: its inside is
    #: not known (TOML), and every character is placed at its start.
    linear: bool = True

    def locate(self, text: str, offset: int) -> tuple[int, int]:
        """The line and column in the file of character `offset` of `text`."""
        offset = max(0, min(offset, len(text)))
        if self.verbatim:
            start = text.rfind("\n", 0, offset) + 1
            return self.line + text.count("\n", 0, offset), (self.column if start == 0 else 1) + offset - start
        if not self.runs:
            if not self.linear or "\n" in text[:offset]:
                return self.line, self.column
            return self.line, self.column + offset
        index = bisect_right([run[0] for run in self.runs], offset) - 1
        if index < 0:
            return self.runs[0][2], self.runs[0][3]
        start, length, line, column = self.runs[index]
        return line, column + min(offset - start, length)


def body_place(first_line: int) -> TextPlace:
    return TextPlace(first_line, 1, (), True)


def scalar_runs(value: str, style: str | None, lines: list[str], start: tuple[int, int], end: tuple[int, int], first_line: int) -> tuple[Run, ...]:
    """The runs of a YAML string scalar that spans `start` to `end` (0-based line and
    column in `lines`, the front matter, whose first line is line `first_line` of the
    file). Each piece of source text that YAML copies into the value is found in the
    value in order; a piece that is not found ends the mapping (what follows is placed
    at the end of the last run)."""
    pieces: list[tuple[str, int, int]] = []  # (text, 0-based line, 0-based column)
    (first, first_column), (last, last_column) = start, end
    if style in ("|", ">"):
        content = [row for row in range(first + 1, min(last + 1, len(lines))) if lines[row].strip()]
        if not content:
            return ()
        indent = len(lines[content[0]]) - len(lines[content[0]].lstrip(" "))
        for row in content:
            if len(lines[row]) - len(lines[row].lstrip(" ")) < indent:
                break  # the next key: the block ended before its end mark's line
            pieces.append((lines[row][indent:], row, indent))
    else:
        quote = 1 if style in ("'", '"') else 0
        for row in range(first, min(last + 1, len(lines))):
            line = lines[row]
            begin = first_column + quote if row == first else 0
            stop = last_column - quote if row == last else len(line)
            segment = line[begin:stop]
            stripped = segment.lstrip(" \t")
            begin += len(segment) - len(stripped)
            segment = stripped.rstrip(" \t") if row != last or quote else stripped
            pieces.extend(_unescaped(segment, row, begin, style))
    runs: list[Run] = []
    cursor = 0
    for text, row, column in pieces:
        if not text:
            continue
        found = value.find(text, cursor)
        if found < 0:
            break
        runs.append((found, len(text), row + first_line, column + 1))
        cursor = found + len(text)
    return tuple(runs)


def _unescaped(segment: str, row: int, column: int, style: str | None) -> list[tuple[str, int, int]]:
    """A quoted line's stretches without escapes ('' in single quotes, backslash
    escapes in double quotes), each with its column."""
    if style == "'":
        marker = "''"
    elif style == '"':
        marker = "\\"
    else:
        return [(segment, row, column)]
    pieces: list[tuple[str, int, int]] = []
    at = 0
    while True:
        found = segment.find(marker, at)
        if found < 0:
            pieces.append((segment[at:], row, column + at))
            return pieces
        pieces.append((segment[at:found], row, column + at))
        if style == "'":
            pieces.append(("'", row, column + found))
            at = found + 2
        else:
            # Skip the escape: \x41, \u0041, \U00000041 or one character.
            kind = segment[found + 1 : found + 2]
            at = found + 2 + {"x": 2, "u": 4, "U": 8}.get(kind, 0)

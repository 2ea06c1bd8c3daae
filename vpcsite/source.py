"""Raw bytes of one content file → front matter values with their positions, plus the body.

Every value keeps the line and column it had in the original file, so any later stage
can point the user at it. Pure: the same bytes give the same result, which lets callers
cache by content hash and re-run one file alone.
"""

from __future__ import annotations

import codecs
import marshal
import zlib
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .front import MAX_FRONT_MATTER_BYTES, FrontMatter, Path_, Position, Refused
from .places import TextPlace
from .tomlfront import parse_toml
from .yamlfront import parse_yaml, refuse_unicode_line_breaks

# FrontMatter, Path_, Position, parse_toml and parse_yaml are imported from here too.
__all__ = ["FrontMatter", "Path_", "Position", "Positions", "SourceFile", "normalise_text", "parse_toml", "parse_yaml", "read_source"]


class Positions:
    """The positions of a validated document's front matter, packed into one bytes object
    and unpacked on first use.

    A site of 1,000 canvases holds some 300,000 positions, and only a diagnostic or a
    Markdown link ever reads one. Packed, they take a fraction of the memory (which
    forked render workers would otherwise copy as they touch it) and cross a process
    boundary as one object, which is what lets documents load in parallel."""

    __slots__ = ("_packed",)

    #: The last positions unpacked: lookups come in runs per document (its warnings,
    #: its links), and keeping one document's tables keeps memory flat however many
    #: documents report something.
    _recent: tuple[Positions, FrontMatter] | None = None

    def __init__(self, packed: bytes) -> None:
        self._packed = packed

    @classmethod
    def of(cls, front_matter: FrontMatter) -> Positions:
        tables = (front_matter.positions, front_matter.key_positions, front_matter.start, front_matter.runs, front_matter.linear)
        return cls(zlib.compress(marshal.dumps(tables), 1))

    def _tables(self) -> FrontMatter:
        recent = Positions._recent
        if recent is not None and recent[0] is self:
            return recent[1]
        positions, key_positions, start, runs, linear = marshal.loads(zlib.decompress(self._packed))
        tables = FrontMatter({}, positions, key_positions, {}, start, runs, linear)
        Positions._recent = (self, tables)
        return tables

    def position(self, path: Path_, *, key: bool = False) -> Position:
        """As `FrontMatter.position`."""
        return self._tables().position(path, key=key)

    def text_place(self, path: Path_) -> TextPlace:
        """As `FrontMatter.text_place`."""
        return self._tables().text_place(path)

    def written(self, path: Path_) -> bool:
        """Whether the file itself gives this value (rather than a default)."""
        return tuple(path) in self._tables().positions

    def __reduce__(self) -> tuple[Any, ...]:
        return (Positions, (self._packed,))


@dataclass(frozen=True)
class SourceFile:
    path: str
    front_matter: FrontMatter
    body: str
    #: Line of the original file on which the body starts (for Markdown diagnostics).
    body_line: int
    syntax: str  # "yaml" or "toml"


def normalise_text(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (BOM accepted) and turn CRLF and lone CR into LF, keeping line numbers."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        # Everything before the first bad byte decodes; count lines and characters in it
        # the way the rest of the pipeline does (any line ending, columns in characters).
        before = _one_line_ending(data[bom:offset].decode("utf-8"))
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return None, [
            diagnostic(
                "VPC001",
                path,
                line,
                column,
                f"file is not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset}",
                "save the file as UTF-8",
            )
        ]
    return _one_line_ending(text), []


def _one_line_ending(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_FENCES = {"---": "yaml", "+++": "toml"}


def read_source(path: str, data: bytes) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Split and parse one file's front matter; diagnostics instead of exceptions."""
    text, problems = normalise_text(data, path)
    if text is None:
        return None, problems
    lines = text.split("\n")
    fence = lines[0].rstrip(" \t")
    if fence not in _FENCES:
        what = "the file is empty" if not text.strip() else "the file does not start with front matter"
        return None, [
            diagnostic(
                "VPC002",
                path,
                1,
                1,
                f"missing front matter: {what}",
                "start the file with a '---' line, the keys (at least 'title: ...'), and another '---' line",
            )
        ]
    syntax = _FENCES[fence]
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip(" \t") == fence), None)
    if close is None:
        return None, [
            diagnostic(
                "VPC003",
                path,
                1,
                1,
                f"front matter opened with '{fence}' on line 1 is never closed",
                f"add a line with only '{fence}' after the last key",
            )
        ]
    header = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1 :])
    try:
        if len(header.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
            raise Refused(
                "VPC009",
                f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB",
                (2, 1),
                "move long text into the Markdown body",
            )
        if syntax == "yaml":
            refuse_unicode_line_breaks(header, first_line=2)
            front_matter = parse_yaml(header, first_line=2)
        else:
            front_matter = parse_toml(header, first_line=2)
    except Refused as refused:
        line, column = refused.position
        return None, [diagnostic(refused.code, path, line, column, refused.message, refused.hint)]
    kept = [diagnostic(code, path, line, column, message, hint) for code, message, (line, column), hint in front_matter.problems]
    return SourceFile(path, front_matter, body, close + 2, syntax), kept

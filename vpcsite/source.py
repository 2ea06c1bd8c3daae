"""Raw bytes of one content file → front matter values with their positions, plus the body.

Every value keeps the line and column it had in the original file, so any later stage
can point the user at it. Pure: the same bytes give the same result, which lets callers
cache by content hash and re-run one file alone.
"""

from __future__ import annotations

import codecs
import marshal
import re
import sys
import tomllib
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, diagnostic
from .places import Run, TextPlace, scalar_runs
from .yamlerrors import explain

#: Front matter beyond these is refused before it is parsed: a content file is a canvas,
#: not a data dump, and the caps keep a hostile file from costing memory or the stack.
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_DEPTH = 32
_TOO_DEEP = f"front matter is nested deeper than {MAX_DEPTH} levels"

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STR_TAG, _SEQ_TAG, _MAP_TAG = (f"{_YAML_TAG}{name}" for name in ("str", "seq", "map"))


@dataclass(frozen=True)
class FrontMatter:
    """Plain values (dict/list/str/int/float/bool/None/date) and where each one stands."""

    values: dict[str, Any]
    positions: dict[Path_, Position]
    key_positions: dict[Path_, Position] = field(default_factory=dict)
    #: How a non-string scalar was written, so a hint can say "quote it: '1.10'".
    spellings: dict[Path_, str] = field(default_factory=dict)
    start: Position = (1, 1)
    #: Of texts that are not one plain line (blocks, folded and quoted texts): where
    #: each stretch of the text stands in the file (places.py).
    runs: dict[Path_, tuple[Run, ...]] = field(default_factory=dict)
    #: Whether a text without runs is one plain line (YAML); TOML texts are not mapped.
    linear: bool = True
    #: Problems found while reading that leave the values readable: (code, message,
    #: position, hint) of each (a duplicate key, of which the last is kept).
    problems: tuple[tuple[str, str, Position, str | None], ...] = ()

    def text_place(self, path: Path_) -> TextPlace:
        """Where each character of the text at `path` stands in the file."""
        line, column = self.position(path)
        return TextPlace(line, column, self.runs.get(tuple(path), ()), linear=self.linear)

    def position(self, path: Path_, *, key: bool = False) -> Position:
        """The nearest known position: the value itself, else its key, else its parent."""
        probe = tuple(path)
        if key and probe in self.key_positions:
            return self.key_positions[probe]
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            if probe in self.key_positions:
                return self.key_positions[probe]
            probe = probe[:-1]
        return self.start


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
        return cls(marshal.dumps((front_matter.positions, front_matter.key_positions, front_matter.start, front_matter.runs, front_matter.linear)))

    def _tables(self) -> FrontMatter:
        recent = Positions._recent
        if recent is not None and recent[0] is self:
            return recent[1]
        positions, key_positions, start, runs, linear = marshal.loads(self._packed)
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


class _Refused(Exception):
    def __init__(self, code: str, message: str, position: Position, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.position, self.hint = code, message, position, hint


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
            raise _Refused(
                "VPC009",
                f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB",
                (2, 1),
                "move long text into the Markdown body",
            )
        if syntax == "yaml":
            _refuse_unicode_line_breaks(header, first_line=2)
            front_matter = parse_yaml(header, first_line=2)
        else:
            front_matter = parse_toml(header, first_line=2)
    except _Refused as refused:
        line, column = refused.position
        return None, [diagnostic(refused.code, path, line, column, refused.message, refused.hint)]
    kept = [diagnostic(code, path, line, column, message, hint) for code, message, (line, column), hint in front_matter.problems]
    return SourceFile(path, front_matter, body, close + 2, syntax), kept


# --- YAML -------------------------------------------------------------------------

# Aliases and explicit tags are what alias bombs and object construction are made of;
# canvases never need them. Values are built from composed nodes by _TreeBuilder, which
# refuses both, so nothing is ever expanded or constructed. libyaml's composer recurses
# in C, so text that might nest deeply goes through the pure-Python composer instead,
# which counts depth as it reads and stops at MAX_DEPTH.
# Block nesting shows as indentation or as "- - - " / "? " packed on one line.
_DEEP_INDENT = re.compile(r"^[ \t?:-]{128,}", re.MULTILINE)


class _GuardedLoader(yaml.SafeLoader):
    """The pure-Python composer, refusing aliases, anchors and deep nesting as it reads."""

    def __init__(self, stream: str, offset: int) -> None:
        super().__init__(stream)
        self._depth = 0
        self._offset = offset

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                "VPC008",
                f"YAML alias '*{event.anchor}' is not allowed in front matter",
                _mark(event.start_mark, self._offset),
                "write the value out instead of referring to an anchor",
            )
        # A lone anchor is harmless (nothing can refer to it without an alias), and the
        # fast path accepts it too, so the result never depends on which path ran.
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                "VPC009",
                f"front matter is nested deeper than {MAX_DEPTH} levels",
                _mark(event.start_mark, self._offset),
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer with a memo for tag resolution: front matter repeats the same
    plain scalars (ids, kinds, ranks) thousands of times across a site, and resolving
    each one runs several regular expressions in Python."""

    _resolved: ClassVar[dict[tuple[str, Any], str]] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers are registered; skip the bookkeeping."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered; skip the bookkeeping."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            if len(self._resolved) > 100_000:
                self._resolved.clear()
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


_scalar_constructor = yaml.SafeLoader("")


def _mark(mark: Any, offset: int) -> Position:
    """A YAML mark (0-based, within the front matter) as a 1-based place in the file."""
    return (mark.line + 1 + offset, mark.column + 1)


def parse_yaml(text: str, first_line: int = 1, *, careful: bool = False) -> FrontMatter:
    """Parse YAML front matter into plain values with positions; raise _Refused on defects."""
    offset = first_line - 1
    if not text.strip():
        return FrontMatter({}, {}, start=(first_line, 1))
    careful = careful or text.count("[") + text.count("{") > 256 or _DEEP_INDENT.search(text) is not None
    try:
        if careful:
            loader = _GuardedLoader(text, offset)
            try:
                root = loader.get_single_node()
            finally:
                loader.dispose()
        else:
            root = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _mark(mark, offset) if mark is not None else (first_line, 1)
        lines = text.split("\n")
        at = lines[mark.line][mark.column :] if mark is not None and mark.line < len(lines) else ""
        if (exc.problem or exc.context) == "found undefined alias":  # libyaml composes aliases it cannot resolve
            alias = re.match(r"\*[^\s,\[\]{}]*", at)
            raise _Refused(
                "VPC008",
                f"YAML alias '{alias.group() if alias else '*'}' is not allowed in front matter",
                position,
                "write the value out instead of referring to an anchor",
            ) from None
        told = explain(exc, text, first_line)
        raise _Refused("VPC004", told.message, told.position, told.hint) from None
    except yaml.YAMLError as exc:
        told = explain(exc, text, first_line)
        raise _Refused("VPC004", told.message, told.position, told.hint) from None
    if root is None:
        return FrontMatter({}, {}, start=(first_line, 1))
    if not isinstance(root, MappingNode):
        raise _Refused(
            "VPC006",
            "front matter must be a mapping of keys to values",
            _mark(root.start_mark, offset),
            "write 'key: value' lines, e.g. 'title: Busy professional'",
        )
    builder = _TreeBuilder(offset, text)
    try:
        values = builder.build(root, (), 1)
    except _AliasSeen:
        if not careful:
            return parse_yaml(text, first_line, careful=True)
        raise  # pragma: no cover - the careful composer refuses aliases before this
    problems = tuple((r.code, r.message, r.position, r.hint) for r in builder.refused)
    return FrontMatter(values, builder.positions, builder.key_positions, builder.spellings, (first_line, 1), builder.runs, problems=problems)


_UNICODE_BREAKS = re.compile("[\u2028\u2029\x85]")
_BREAK_NAMES = {"\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR", "\x85": "U+0085 NEXT LINE"}


def _refuse_unicode_line_breaks(text: str, first_line: int) -> None:
    """YAML 1.1, which libyaml reads, breaks lines at these characters too, while editors
    show none: a value would be cut in two and every later line number would be off."""
    found = _UNICODE_BREAKS.search(text)
    if found is None:
        return
    before = text[: found.start()]
    line = first_line + before.count("\n")
    column = found.start() - (before.rfind("\n") + 1) + 1
    raise _Refused(
        "VPC004",
        f"YAML syntax error: {_BREAK_NAMES[found.group()]} in front matter, which YAML reads as a line break",
        (line, column),
        "replace it with a space, or with a real line break (often pasted in from a web page)",
    )


class _AliasSeen(Exception):
    """The fast path met an alias; the careful path re-reads the text to pin it exactly."""


class _TreeBuilder:
    """Turn composed nodes into plain values, refusing duplicate keys, aliases and tags."""

    def __init__(self, offset: int, text: str = "") -> None:
        self._offset = offset
        self._text = text
        self._lines: list[str] | None = None
        self.runs: dict[Path_, tuple[Run, ...]] = {}
        #: Problems that leave the rest of the file readable (a duplicate key).
        self.refused: list[_Refused] = []
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self.spellings: dict[Path_, str] = {}
        self._seen: set[int] = set()

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        # The hot loop of loading: marks are turned into positions inline.
        mark = node.start_mark
        where = (mark.line + 1 + self._offset, mark.column + 1)
        if depth > MAX_DEPTH:
            raise _Refused("VPC009", f"front matter is nested deeper than {MAX_DEPTH} levels", where)
        if id(node) in self._seen:
            # libyaml's composer resolves an alias to the node it names: a second visit is one.
            raise _AliasSeen()
        self._seen.add(id(node))
        self.positions[path] = where
        tag = node.tag
        if tag == _STR_TAG and isinstance(node, ScalarNode):
            if node.style or node.end_mark.line != mark.line:
                self._map_text(node, path)
            return node.value
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            self._check_tag(node, _SEQ_TAG)
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        self._check_tag(node, _MAP_TAG)
        mapping: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        offset = self._offset
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            at = (key_mark.line + 1 + offset, key_mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                raise _Refused("VPC006", "a key must be a plain word, not a list or mapping", at)
            key = key_node.value
            if key in first_seen:
                # Reported, and the last kept (as YAML would), so the rest of the file is
                # still checked: the first is most often a left-over of a copy.
                self.refused.append(
                    _Refused(
                        "VPC007",
                        f"duplicate key '{key}' (first on line {first_seen[key][0]})",
                        at,
                        "remove one of the two; YAML would silently keep only the last",
                    )
                )
            else:
                first_seen[key] = at
            child = (*path, key)
            self.key_positions[child] = at
            mapping[key] = self.build(value_node, child, depth + 1)
        return mapping

    def _map_text(self, node: ScalarNode, path: Path_) -> None:
        """Runs of a text that is not one plain line, for findings inside it."""
        if self._lines is None:
            self._lines = self._text.split("\n")
        start, end = node.start_mark, node.end_mark
        runs = scalar_runs(node.value, node.style, self._lines, (start.line, start.column), (end.line, end.column), self._offset + 1)
        if runs:
            self.runs[path] = runs

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise _Refused(
                "VPC008",
                f"YAML tag '{node.tag}' is not allowed in front matter",
                _mark(node.start_mark, self._offset),
                "remove the tag",
            )

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise _Refused(
                "VPC008",
                f"YAML tag '{node.tag}' is not allowed in front matter",
                _mark(node.start_mark, self._offset),
                "remove the tag",
            )
        self.spellings[path] = node.value
        try:
            return _scalar_constructor.construct_object(node, deep=True)
        except Exception as exc:  # PyYAML's constructors fail in many ways (`!!timestamp x`)
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            if isinstance(exc, ValueError) and "digits" in str(exc):
                reason = f"a number of more than {sys.get_int_max_str_digits()} digits"
            else:
                reason = f"it is not a valid {node.tag.removeprefix(_YAML_TAG)}"
            raise _Refused(
                "VPC004",
                f"YAML value '{shown}' cannot be read: {reason}",
                _mark(node.start_mark, self._offset),
                "quote the value to keep it as text, or remove the tag before it",
            ) from None


# --- TOML -------------------------------------------------------------------------

_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*""")
_TOML_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")


def parse_toml(text: str, first_line: int = 1) -> FrontMatter:
    """Parse TOML with tomllib and recover positions by reading the lines alongside it.

    tomllib keeps no positions; keys, table headers and the strings of inline arrays are
    found by a line scan, which is exact for the shapes front matter uses and falls back
    to the enclosing table or key for anything richer.
    """
    deep_key = _toml_deep_key(text, first_line)
    if deep_key is not None:
        raise _Refused("VPC009", _TOO_DEEP, deep_key)
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_ERROR_AT.search(str(exc))
        if found:
            row, column = int(found.group(1)), int(found.group(2))
        else:  # "(at end of document)": the problem is on the last line
            last = text.rsplit("\n", 1)[-1]
            row, column = text.count("\n") + 1, len(last) + 1
        message = _TOML_ERROR_AT.sub("", str(exc)).replace("(at end of document)", "at the end").strip()
        raise _Refused("VPC005", f"TOML syntax error: {message}", (row + first_line - 1, column)) from None
    except ValueError:
        # Python refuses to read an integer of thousands of digits (sys.int_info).
        raise _Refused(
            "VPC005",
            f"TOML value cannot be read: a number of more than {sys.get_int_max_str_digits()} digits",
            _long_number(text, first_line),
            "write a shorter number, or quote it as text",
        ) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table.
        raise _Refused("VPC009", _TOO_DEEP, _toml_deepest(text, first_line)) from None
    positions: dict[Path_, Position] = {}
    key_positions: dict[Path_, Position] = {}
    table: Path_ = ()
    counters: dict[Path_, int] = {}
    for number, line in enumerate(text.split("\n"), start=first_line):
        header = _TOML_TABLE.match(line)
        if header and not _TOML_KEY.match(line):
            names = tuple(_toml_key_parts(header.group(2)))
            if header.group(1) == "[[":
                index = counters.get(names, 0)
                counters[names] = index + 1
                table = (*names, index)
            else:
                table = names
            column = line.index("[") + 1
            positions.setdefault(table, (number, column))
            key_positions.setdefault(names, (number, column))
            continue
        key = _TOML_KEY.match(line)
        if not key:
            continue
        path = table + tuple(_toml_key_parts(key.group(2)))
        key_positions[path] = (number, len(key.group(1)) + 1)
        positions[path] = (number, key.end() + 1)
        rest = line[key.end() :]
        if rest.startswith("["):
            for index, string in enumerate(_TOML_STRING.finditer(rest)):
                positions[(*path, index)] = (number, key.end() + string.start() + 1)
    front_matter = FrontMatter(values, positions, key_positions, {}, (first_line, 1), linear=False)
    deep = _path_deeper_than(values, MAX_DEPTH - 1)
    if deep is not None:
        raise _Refused("VPC009", _TOO_DEEP, front_matter.position(deep))
    return front_matter


def _long_number(text: str, first_line: int) -> Position:
    """Where the first run of more digits than Python reads as an integer starts."""
    found = re.search(r"[0-9_]{4000,}", text)
    if found is None:
        return (first_line, 1)
    line = text.count("\n", 0, found.start())
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return (line + first_line, column)


def _path_deeper_than(values: Any, limit: int) -> Path_ | None:
    """A path longer than `limit` in nested dicts and lists (depth as YAML counts it), if any."""
    stack: list[tuple[Path_, Any]] = [((), values)]
    while stack:
        path, value = stack.pop()
        if len(path) > limit:
            return path
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend(((*path, key), child) for key, child in children)
    return None


def _toml_deepest(text: str, first_line: int) -> Position:
    """Where brackets first nest too deep, counted naively (only used once tomllib gave up)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=first_line):
        for column, char in enumerate(line, start=1):
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                return (number, column)
    return (first_line, 1)


_TOML_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")
# A dotted key of MAX_DEPTH parts or more where a key may start (line, table header, inline
# table): tomllib spends quadratic time and memory on one, so it is refused before parsing.
_TOML_DEEP_KEY = re.compile(
    rf"(?:^|[{{,\[])[ \t]*((?:{_TOML_KEY_PART.pattern})(?:[ \t]*\.[ \t]*(?:{_TOML_KEY_PART.pattern})){{{MAX_DEPTH - 1},}})",
    re.MULTILINE,
)


def _toml_deep_key(text: str, first_line: int) -> Position | None:
    found = _TOML_DEEP_KEY.search(text)
    if found is None:
        return None
    start = found.start(1)
    return (text.count("\n", 0, start) + first_line, start - (text.rfind("\n", 0, start) + 1) + 1)


def _toml_key_parts(dotted: str) -> list[str]:
    # One pass over the key (a split with a look-ahead for quotes was quadratic).
    return [part.strip("\"'") for part in _TOML_KEY_PART.findall(dotted)]

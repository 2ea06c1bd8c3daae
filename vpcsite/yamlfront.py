"""YAML front matter with positions: composed with PyYAML (libyaml when the text is
safe for it), refused when it uses aliases or tags, nests too deep or breaks lines with
characters editors do not show as breaks.
"""

from __future__ import annotations

import re
import sys
from sys import intern
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .front import MAX_DEPTH, FrontMatter, Path_, Position, Refused
from .places import Run, scalar_runs
from .yamlerrors import explain

_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STR_TAG, _SEQ_TAG, _MAP_TAG = (f"{_YAML_TAG}{name}" for name in ("str", "seq", "map"))

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
            raise Refused(
                "VPC008",
                f"YAML alias '*{event.anchor}' is not allowed in front matter",
                _mark(event.start_mark, self._offset),
                "write the value out instead of referring to an anchor",
            )
        # A lone anchor is harmless (nothing can refer to it without an alias), and the
        # fast path accepts it too, so the result never depends on which path ran.
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused(
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
    """Parse YAML front matter into plain values with positions; raise Refused on defects."""
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
            raise Refused(
                "VPC008",
                f"YAML alias '{alias.group() if alias else '*'}' is not allowed in front matter",
                position,
                "write the value out instead of referring to an anchor",
            ) from None
        told = explain(exc, text, first_line)
        raise Refused("VPC004", told.message, told.position, told.hint) from None
    except yaml.YAMLError as exc:
        told = explain(exc, text, first_line)
        raise Refused("VPC004", told.message, told.position, told.hint) from None
    if root is None:
        return FrontMatter({}, {}, start=(first_line, 1))
    if not isinstance(root, MappingNode):
        raise Refused(
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


def refuse_unicode_line_breaks(text: str, first_line: int) -> None:
    """YAML 1.1, which libyaml reads, breaks lines at these characters too, while editors
    show none: a value would be cut in two and every later line number would be off."""
    found = _UNICODE_BREAKS.search(text)
    if found is None:
        return
    before = text[: found.start()]
    line = first_line + before.count("\n")
    column = found.start() - (before.rfind("\n") + 1) + 1
    raise Refused(
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
        self.refused: list[Refused] = []
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self.spellings: dict[Path_, str] = {}
        self._seen: set[int] = set()

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        # The hot loop of loading: marks are turned into positions inline.
        mark = node.start_mark
        where = (mark.line + 1 + self._offset, mark.column + 1)
        if depth > MAX_DEPTH:
            raise Refused("VPC009", f"front matter is nested deeper than {MAX_DEPTH} levels", where)
        if id(node) in self._seen:
            # libyaml's composer resolves an alias to the node it names: a second visit is one.
            raise _AliasSeen()
        self._seen.add(id(node))
        self.positions[path] = where
        tag = node.tag
        if tag == _STR_TAG and isinstance(node, ScalarNode):
            if node.style or node.end_mark.line != mark.line:
                self._map_text(node, path)
            # One string per spelling: ids named in `relieves` lists, statuses and kinds
            # repeat across a site (two thirds of its text at 1,000 canvases).
            return intern(node.value)
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
                raise Refused("VPC006", "a key must be a plain word, not a list or mapping", at)
            key = intern(key_node.value)
            if key in first_seen:
                # Reported, and the last kept (as YAML would), so the rest of the file is
                # still checked: the first is most often a left-over of a copy.
                self.refused.append(
                    Refused(
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
            raise Refused(
                "VPC008",
                f"YAML tag '{node.tag}' is not allowed in front matter",
                _mark(node.start_mark, self._offset),
                "remove the tag",
            )

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise Refused(
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
            raise Refused(
                "VPC004",
                f"YAML value '{shown}' cannot be read: {reason}",
                _mark(node.start_mark, self._offset),
                "quote the value to keep it as text, or remove the tag before it",
            ) from None

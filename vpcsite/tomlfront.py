"""TOML front matter with positions: values from tomllib, positions from a line scan
alongside it (tomllib keeps none).
"""

from __future__ import annotations

import re
import sys
import tomllib
from typing import Any

from .front import MAX_DEPTH, TOO_DEEP, FrontMatter, Path_, Position, Refused

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
        raise Refused("VPC009", TOO_DEEP, deep_key)
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
        raise Refused("VPC005", f"TOML syntax error: {message}", (row + first_line - 1, column)) from None
    except ValueError:
        # Python refuses to read an integer of thousands of digits (sys.int_info).
        raise Refused(
            "VPC005",
            f"TOML value cannot be read: a number of more than {sys.get_int_max_str_digits()} digits",
            _long_number(text, first_line),
            "write a shorter number, or quote it as text",
        ) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table.
        raise Refused("VPC009", TOO_DEEP, _toml_deepest(text, first_line)) from None
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
        raise Refused("VPC009", TOO_DEEP, front_matter.position(deep))
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

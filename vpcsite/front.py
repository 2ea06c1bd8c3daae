"""Front matter as read from a file: its values, where each one stands, and the caps
that refuse a hostile file before it costs memory or the stack. The YAML reader
(yamlfront.py) and the TOML reader (tomlfront.py) both make a FrontMatter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .places import Run, TextPlace

#: Front matter beyond these is refused before it is parsed: a content file is a canvas,
#: not a data dump, and the caps keep a hostile file from costing memory or the stack.
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_DEPTH = 32
TOO_DEEP = f"front matter is nested deeper than {MAX_DEPTH} levels"

Path_ = tuple[str | int, ...]
Position = tuple[int, int]


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


class Refused(Exception):
    def __init__(self, code: str, message: str, position: Position, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.position, self.hint = code, message, position, hint

"""Placing one block's items at one type size: the products, creators and relievers in
columns of the square; the gains, pains and jobs on the sides of the circle, each box as
wide as the circle's chord at its far edge. Items are measured once (metrics.py) and
wrapped at each width asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .crowded import heading
from .geometry import CX, CY, ICON, MARGIN, PRODUCTS_WIDTH, RADIUS, SIDE, SIZES, TITLE_HEIGHT, TITLE_SIZE, Laid, PlacedBlock
from .metrics import SPACE, word_width, wrap
from .views import SECTION_TITLES, ItemView


@dataclass(slots=True)
class Measured:
    """What an item needs for wrapping, measured once at size 1."""

    item: ItemView
    words: tuple[str, ...]
    widths: tuple[float, ...]
    ref_width: float
    #: The whole text's advance on one line, at size 1.
    total: float
    #: Lines by (size, whole units of room): trial layouts ask again and again.
    wrapped: dict = field(default_factory=dict)


class Metrics:
    """Item geometry at one type size."""

    def __init__(self, size: float) -> None:
        self.size = size
        self.pad = round(size * 0.42, 2)
        self.line = round(size * 1.25, 2)
        self.chip = round(size * 0.78, 2)
        self.gap = round(size * 0.4, 2)
        self.one_line = 2 * self.pad + self.line

    def chip_width(self, text: Measured) -> float:
        return text.ref_width * self.chip + self.chip * 0.7

    def box(self, text: Measured, width: float, force: bool = False) -> tuple[float, list[str]] | None:
        """The height of the item's box at `width`, and its lines; None if it cannot fit."""
        # Whole units of room (rounded down): the same lines for nearly equal widths.
        room = math.floor(width - 1.6 * self.pad - self.chip_width(text) - self.size * 0.4)
        if room < self.size * 3:
            return None
        if text.total * self.size <= room:
            return self.one_line, [" ".join(text.words)]
        key = (self.size, room, force)
        lines = text.wrapped.get(key, False)
        if lines is False:
            lines = text.wrapped[key] = wrap(text.words, text.widths, self.size, room, force)
        if lines is None:
            return None
        return 2 * self.pad + max(1, len(lines)) * self.line, lines


#: The mark of a tested item's latest experiment result, after its rank in the chip.
RESULT_MARKS = {"supported": "✓", "refuted": "✗", "inconclusive": "?"}


def chip_label(item: ItemView) -> str:
    """The chip of an item: its rank ("P1"), then the mark of its latest experiment."""
    mark = RESULT_MARKS.get(item.result or "")
    return f"{item.ref} {mark}" if mark else item.ref


def measure(item: ItemView) -> Measured:
    return measure_words(item, item.text, chip_label(item))


def measure_words(item: ItemView | None, text: str, ref: str = "") -> Measured:
    words = tuple(text.split()) or ("",)
    widths = tuple(word_width(w) for w in words)
    return Measured(item, words, widths, word_width(ref, True), sum(widths) + SPACE * (len(words) - 1))  # type: ignore[arg-type]


def _half_chord(dy: float) -> float:
    """Half the width of the circle (less its margin) at `dy` from its centre."""
    inner = RADIUS - MARGIN
    return math.sqrt(inner * inner - dy * dy) if abs(dy) < inner else 0.0


def _square_column(name: str, title: str, texts: list[Measured], m: Metrics, x0: float, y0: float, x1: float, y1: float, force: bool) -> Laid | None:
    """A block of the square: the title, then items from the top, full width."""
    block = PlacedBlock(name, title, round(x0 + MARGIN + ICON + 6, 1), round(y0 + MARGIN + 15, 1))
    y = y0 + MARGIN + TITLE_HEIGHT
    width = x1 - x0 - 2 * MARGIN
    for text in texts:
        fitted = m.box(text, width, force)
        if fitted is None:
            return None
        height, lines = fitted
        if y + height > y1 - MARGIN:
            return None
        block.items.append((text, x0 + MARGIN, y, width, height, lines))
        y += height + m.gap
    return block, y


def _circle_side(x_inner: float, top: float, bottom: float, left: bool) -> tuple[float, float]:
    """The box between the circle's vertical divider and its outline for rows top–bottom."""
    dy = max(abs(top - CY), abs(bottom - CY))
    half = _half_chord(dy)
    if left:
        return CX - half, x_inner - (CX - half)
    return x_inner, CX + half - x_inner


def _fit_at(
    text: Measured, m: Metrics, anchor: float, upward: bool, left: bool, x_inner: float, force: bool
) -> tuple[float, float, float, list[str]] | None:
    """Heights and lines of a stack of boxes whose width depends on where they sit: a
    box starts at `anchor`, or ends there when the stack grows `upward`. A few rounds
    settle it."""
    height = m.line + 2 * m.pad
    for _ in range(4):
        top = anchor - height if upward else anchor
        x, width = _circle_side(x_inner, top, top + height, left)
        fitted = m.box(text, width, force) if width > 0 else None
        if fitted is None:
            return None
        if fitted[0] <= height:
            return x, width, height, fitted[1]
        height = fitted[0]
    return None


def _gains(title: str, texts: list[Measured], m: Metrics, force: bool) -> Laid | None:
    """Gains: the top left of the circle, stacked upward from its centre line, the title
    on top; read top to bottom, the most relevant first."""
    inner = CX - MARGIN / 2
    bottom = CY - MARGIN / 2
    placed: list = []
    for text in reversed(texts):
        found = _fit_at(text, m, bottom, True, True, inner, force)
        if found is None:
            return None
        x, width, height, lines = found
        placed.append((text, x, bottom - height, width, height, lines))
        bottom -= height + m.gap
    title_y = bottom - 8
    x, width = _circle_side(inner, title_y - TITLE_HEIGHT + 8, title_y, True)
    if width < title_width(title):
        return None
    block = PlacedBlock("gains", title, round(inner - title_width(title) + ICON + 6, 1), round(title_y, 1))
    block.items = placed[::-1]
    return block, bottom


def _pains(title: str, texts: list[Measured], m: Metrics, force: bool) -> Laid | None:
    """Pains: the bottom left of the circle, title first under the centre line."""
    inner = CX - MARGIN / 2
    top = CY + MARGIN / 2
    block = PlacedBlock("pains", title, round(inner - title_width(title) + ICON + 6, 1), round(top + 17, 1))
    top += TITLE_HEIGHT
    for text in texts:
        found = _fit_at(text, m, top, False, True, inner, force)
        if found is None:
            return None
        x, width, height, lines = found
        block.items.append((text, x, top, width, height, lines))
        top += height + m.gap
    return block, top


def _jobs(title: str, texts: list[Measured], m: Metrics, force: bool) -> Laid | None:
    """Jobs: the right half of the circle, the stack centred on the centre line. Each
    pass fits every box where the last pass's heights put it; a box that needs more
    height moves the others, so passes repeat until no height grows (heights only grow,
    so this ends)."""
    inner = CX + MARGIN / 2
    heights = [m.line + 2 * m.pad for _ in texts]
    for _ in range(len(texts) + 4):
        total = TITLE_HEIGHT + sum(heights) + m.gap * max(0, len(texts) - 1)
        top = CY - total / 2
        if top < CY - RADIUS + MARGIN:
            return None
        block = PlacedBlock("jobs", title, round(inner + ICON + 12, 1), round(top + 17, 1))
        y = top + TITLE_HEIGHT
        changed = False
        for index, text in enumerate(texts):
            x, width = _circle_side(inner, y, y + heights[index], False)
            fitted = m.box(text, width, force) if width > 0 else None
            if fitted is None:
                return None
            if fitted[0] > heights[index]:
                heights[index] = fitted[0]
                changed = True
            block.items.append((text, x, y, width, heights[index], fitted[1]))
            y += heights[index] + m.gap
        if not changed:
            return block, y
    return None


def title_width(title: str) -> float:
    return ICON + 6 + word_width(title.upper(), True) * TITLE_SIZE + MARGIN


#: The most height a block's stack may take: a layout that cannot fit even with every
#: item on one line is not tried (most crowded blocks end here, before any wrapping).
_ROOM = {
    "products": SIDE - 2 * MARGIN - TITLE_HEIGHT,
    "creators": SIDE / 2 - 2 * MARGIN - TITLE_HEIGHT,
    "relievers": SIDE / 2 - 2 * MARGIN - TITLE_HEIGHT,
    "gains": RADIUS - MARGIN - TITLE_HEIGHT,
    "pains": RADIUS - MARGIN - TITLE_HEIGHT,
    "jobs": SIDE - 2 * MARGIN - TITLE_HEIGHT,
}


def capacity(name: str, m: Metrics) -> int:
    """How many one-line items the block could hold at most."""
    return int((_ROOM[name] + m.gap) // (m.one_line + m.gap))


def place_block(name: str, texts: list[Measured], m: Metrics, force: bool = False) -> Laid | None:
    if len(texts) > capacity(name, m):
        return None
    # Type below the readable minimum means a grown drawing: its titles count items.
    title = heading(SECTION_TITLES[name], len(texts), m.size < SIZES[-1])
    if name == "products":
        return _square_column(name, title, texts, m, 0, 0, PRODUCTS_WIDTH, SIDE, force)
    if name == "creators":
        return _square_column(name, title, texts, m, PRODUCTS_WIDTH, 0, SIDE, SIDE / 2, force)
    if name == "relievers":
        return _square_column(name, title, texts, m, PRODUCTS_WIDTH, SIDE / 2, SIDE, SIDE, force)
    return {"gains": _gains, "pains": _pains, "jobs": _jobs}[name](title, texts, m, force)

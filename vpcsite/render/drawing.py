"""The canvas drawing laid out in Python: the value map a square, the customer profile a
circle of the same size, every item a box with its whole text wrapped to lines.

One layout serves the canvas page (drawn inline, scaled to the screen) and the
standalone canvases/<id>/canvas.svg, so both look the same and the geometry is proven
here, not hoped for in CSS: an item in the circle is given the width of the circle's
chord at its far edge, so all four corners of its box lie inside the circle.

Units are pixels of the drawing at its design size (1272 × 600); widths come from
metrics.py, so the same canvas gives the same layout on every machine. The type scales
from 15 down to 10 units, the largest size at which every block holds all its items;
when a block overflows even at the smallest, the whole drawing grows instead (same
proportions, see crowded.py), so every item of every canvas is on the drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .crowded import grow, heading
from .metrics import SPACE, word_width, wrap
from .views import SECTION_TITLES, CanvasView, ItemView

#: The square's side, the circle's diameter, the room between them for the arrows.
SIDE = 600.0
GAP = 72.0
RADIUS = SIDE / 2
CX = SIDE + GAP + RADIUS
CY = RADIUS
WIDTH = SIDE + GAP + SIDE
HEIGHT = SIDE
#: Products & services take the left part of the square; creators and relievers share
#: the right part, creators on top (facing the gains), relievers below (facing pains).
PRODUCTS_WIDTH = 252.0
#: Space kept from block edges and the circle's outline.
MARGIN = 12.0
#: From the largest type size to the readable minimum, in drawing units.
SIZES = (15.0, 14.0, 13.0, 12.0, 11.5, 11.0, 10.5, 10.0)
TITLE_SIZE = 13.0
TITLE_HEIGHT = 26.0
ICON = 18.0
#: How much larger a block with room may set its type than the tightest block: enough
#: to fill a sparse block, little enough to read as one drawing.
SPREAD = 2.0
#: The blocks in reading order, as the drawing marks them.
BLOCKS = ("products", "creators", "relievers", "gains", "pains", "jobs")


@dataclass(slots=True)
class PlacedItem:
    """An item's box on the drawing: its ref chip and its text, one entry per line."""

    item: ItemView
    x: float
    y: float
    w: float
    h: float
    chip_w: float
    chip_h: float
    text_x: float
    #: (baseline y, text) of every line.
    lines: tuple[tuple[float, str], ...]
    chip_x: float
    chip_y: float
    chip_text_x: float
    chip_text_y: float
    chip_size: float

    @property
    def said(self) -> str:
        """What the drawing shows as lines, in words, for screen readers ("relieves: P1
        Lack of time; delivered by: PS1 Mobile app")."""
        item = self.item
        parts = []
        if item.links:
            parts.append(f"{item.links_label}: " + ", ".join(link.title for link in item.links))
        if item.by:
            parts.append("delivered by: " + ", ".join(link.title for link in item.by))
        if item.result:
            parts.append(f"latest experiment: {item.result} ({item.result_title})")
        if item.flag:
            parts.append(item.flag)
        return "; ".join(parts) or "no links"


@dataclass(slots=True)
class PlacedBlock:
    name: str
    title: str
    title_x: float
    title_y: float
    #: Plain tuples while layouts are tried; PlacedItems once one is chosen.
    items: list = field(default_factory=list)
    total: int = 0
    #: Items that did not fit even in the most grown drawing ("+3 more"), and where that line goes.
    hidden: int = 0
    more_x: float = 0.0
    more_y: float = 0.0
    #: The block's type size: blocks with room set larger, up to SPREAD over the tightest.
    size: float = 0.0

    @property
    def more_text(self) -> str:
        return f"+{self.hidden} more ({self.total} in all)"

    @property
    def icon_x(self) -> float:
        return round(self.title_x - ICON - 6, 1)

    @property
    def icon_y(self) -> float:
        return round(self.title_y - ICON + 4, 1)


@dataclass(slots=True)
class Drawing:
    size: float
    line_height: float
    chip_size: float
    blocks: dict[str, PlacedBlock]
    width: float = WIDTH
    height: float = HEIGHT
    side: float = SIDE
    radius: float = RADIUS
    cx: float = CX
    cy: float = CY
    products_width: float = PRODUCTS_WIDTH
    #: How many times the drawing grew to hold every item (1 when it did not): the
    #: markup magnifies the layout by it, and `width` and `height` are its grown extent.
    scale: float = 1.0
    #: Its markup, made once for the page and the SVG (svg.drawing_markup).
    drawn: dict = field(default_factory=dict)

    @property
    def items(self) -> list[PlacedItem]:
        return [placed for block in self.blocks.values() for placed in block.items]

    @property
    def profile_x(self) -> float:
        """Where the circle starts, in the grown drawing's units (for headings over it)."""
        return round((self.cx - self.radius) * self.scale, 1)


@dataclass(slots=True)
class _Text:
    """What an item needs for wrapping, measured once at size 1."""

    item: ItemView
    words: tuple[str, ...]
    widths: tuple[float, ...]
    ref_width: float
    #: The whole text's advance on one line, at size 1.
    total: float
    #: Lines by (size, whole units of room): trial layouts ask again and again.
    wrapped: dict = field(default_factory=dict)


class _Metrics:
    """Item geometry at one type size."""

    def __init__(self, size: float) -> None:
        self.size = size
        self.pad = round(size * 0.42, 2)
        self.line = round(size * 1.25, 2)
        self.chip = round(size * 0.78, 2)
        self.gap = round(size * 0.4, 2)
        self.one_line = 2 * self.pad + self.line

    def chip_width(self, text: _Text) -> float:
        return text.ref_width * self.chip + self.chip * 0.7

    def box(self, text: _Text, width: float, force: bool = False) -> tuple[float, list[str]] | None:
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


def _measure(item: ItemView) -> _Text:
    return _measure_words(item, item.text, chip_label(item))


def _measure_words(item: ItemView | None, text: str, ref: str = "") -> _Text:
    words = tuple(text.split()) or ("",)
    widths = tuple(word_width(w) for w in words)
    return _Text(item, words, widths, word_width(ref, True), sum(widths) + SPACE * (len(words) - 1))  # type: ignore[arg-type]


def _half_chord(dy: float) -> float:
    """Half the width of the circle (less its margin) at `dy` from its centre."""
    inner = RADIUS - MARGIN
    return math.sqrt(inner * inner - dy * dy) if abs(dy) < inner else 0.0


def _square_column(name: str, title: str, texts: list[_Text], m: _Metrics, x0: float, y0: float, x1: float, y1: float, force: bool):
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


def _fit_at(text: _Text, m: _Metrics, top_of, left: bool, x_inner: float, force: bool):
    """Heights and lines of a stack of boxes whose width depends on where they sit:
    `top_of(height)` says where a box of that height would start. A few rounds settle it."""
    height = m.line + 2 * m.pad
    for _ in range(4):
        top = top_of(height)
        x, width = _circle_side(x_inner, top, top + height, left)
        fitted = m.box(text, width, force) if width > 0 else None
        if fitted is None:
            return None
        if fitted[0] <= height:
            return x, width, height, fitted[1]
        height = fitted[0]
    return None


def _gains(title: str, texts: list[_Text], m: _Metrics, force: bool):
    """Gains: the top left of the circle, stacked upward from its centre line, the title
    on top; read top to bottom, the most relevant first."""
    inner = CX - MARGIN / 2
    bottom = CY - MARGIN / 2
    placed: list = []
    for text in reversed(texts):
        found = _fit_at(text, m, lambda h: bottom - h, True, inner, force)
        if found is None:
            return None
        x, width, height, lines = found
        placed.append((text, x, bottom - height, width, height, lines))
        bottom -= height + m.gap
    title_y = bottom - 8
    x, width = _circle_side(inner, title_y - TITLE_HEIGHT + 8, title_y, True)
    if width < _title_width(title):
        return None
    block = PlacedBlock("gains", title, round(inner - _title_width(title) + ICON + 6, 1), round(title_y, 1))
    block.items = placed[::-1]
    return block, bottom


def _pains(title: str, texts: list[_Text], m: _Metrics, force: bool):
    """Pains: the bottom left of the circle, title first under the centre line."""
    inner = CX - MARGIN / 2
    top = CY + MARGIN / 2
    block = PlacedBlock("pains", title, round(inner - _title_width(title) + ICON + 6, 1), round(top + 17, 1))
    top += TITLE_HEIGHT
    for text in texts:
        found = _fit_at(text, m, lambda h: top, True, inner, force)
        if found is None:
            return None
        x, width, height, lines = found
        block.items.append((text, x, top, width, height, lines))
        top += height + m.gap
    return block, top


def _jobs(title: str, texts: list[_Text], m: _Metrics, force: bool):
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


def _title_width(title: str) -> float:
    return ICON + 6 + word_width(title.upper(), True) * TITLE_SIZE + MARGIN


def _placed(text: _Text, m: _Metrics, x: float, y: float, w: float, h: float, lines: list[str]) -> PlacedItem:
    """An item's box, chip and lines in drawing units, rounded to a tenth: positions
    print the same on every machine."""
    chip_w = m.chip_width(text)
    chip_h = m.chip * 1.3
    chip_x = x + m.pad * 0.6
    first = y + m.pad + m.size * 0.96
    return PlacedItem(
        text.item,
        round(x, 1),
        round(y, 1),
        round(w, 1),
        round(h, 1),
        round(chip_w, 1),
        round(chip_h, 1),
        round(chip_x + chip_w + m.size * 0.4, 1),
        tuple((round(first + n * m.line, 1), line) for n, line in enumerate(lines)),
        round(chip_x, 1),
        round(first - chip_h * 0.74, 1),
        round(chip_x + chip_w / 2, 1),
        round(first - 1, 1),
        round(m.chip, 1),
    )


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


def _capacity(name: str, m: _Metrics) -> int:
    """How many one-line items the block could hold at most."""
    return int((_ROOM[name] + m.gap) // (m.one_line + m.gap))


def _block(name: str, texts: list[_Text], m: _Metrics, force: bool = False):
    if len(texts) > _capacity(name, m):
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


def _partial(name: str, texts: list[_Text], m: _Metrics) -> PlacedBlock:
    """The most items of a block that fit at the smallest type, with room for the line
    that says how many more there are."""
    low, high = 0, min(len(texts), _capacity(name, m))
    best = None
    while low <= high:
        middle = (low + high) // 2
        laid = _block(name, texts[:middle] + ([_MORE] if middle < len(texts) else []), m, True)
        if laid is not None:
            best, low = (middle, laid), middle + 1
        else:
            high = middle - 1
    if best is None:
        return PlacedBlock(name, SECTION_TITLES[name], 0.0, 0.0, hidden=len(texts), more_x=-1.0)
    count, (block, _) = best
    if count < len(texts):
        _, x, y, _, _, _ = block.items.pop()
        block.hidden = len(texts) - count
        block.more_x, block.more_y = round(x + m.pad, 1), round(y + m.pad + m.size * 0.96, 1)
    return block


_MORE = _measure_words(None, "+00 more (00 in all)")  # the "+3 more (11 in all)" line


def layout(canvas: CanvasView) -> Drawing:
    """The canvas with every block at the largest type at which it holds all its items,
    but at most SPREAD over the tightest block. When a block does not fit even at the
    smallest size, the whole drawing grows (crowded.py) until every block does."""
    texts = {name: [_measure(item) for item in getattr(canvas, name)] for name in BLOCKS}
    tried: dict[tuple[str, float], object] = {}

    def attempt(name: str, size: float):
        key = (name, size)
        if key not in tried:
            tried[key] = _block(name, texts[name], _Metrics(size))
        return tried[key]

    best = {name: _largest(name, attempt) for name in BLOCKS}
    fitting = [index for index in best.values() if index is not None]
    if len(fitting) == len(BLOCKS):
        scale, floor = 1.0, SIZES[max(fitting)]
        sizes = {name: [min(SIZES[index], floor + SPREAD)] for name, index in best.items() if index is not None}
    else:
        scale, floor, sizes = grow(best, attempt, SIZES, SPREAD)
    blocks: dict[str, PlacedBlock] = {}
    for name in BLOCKS:
        laid = None
        for size in sizes[name]:
            laid = attempt(name, size)
            if laid is not None:
                break
        m = _Metrics(size)
        block = laid[0] if laid is not None else _partial(name, texts[name], m)  # type: ignore[index]
        block.items = [_placed(text, m, x, y, w, h, lines) for text, x, y, w, h, lines in block.items]  # type: ignore[misc]
        block.total = len(texts[name])
        block.size = size
        blocks[name] = block
    m = _Metrics(floor)
    return Drawing(floor, m.line, m.chip, blocks, width=round(WIDTH * scale, 1), height=round(HEIGHT * scale, 1), scale=scale)


def _largest(name: str, attempt) -> int | None:
    """The index in SIZES of the largest size at which the block holds all its items."""
    low, high = 0, len(SIZES) - 1
    chosen = None
    while low <= high:  # SIZES runs from large to small
        middle = (low + high) // 2
        if attempt(name, SIZES[middle]) is not None:
            chosen, high = middle, middle - 1
        else:
            low = middle + 1
    return chosen

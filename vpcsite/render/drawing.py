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

geometry.py holds the shapes and what a layout makes, blocks.py places one block at one
size; this module chooses the sizes and puts the drawing together.
"""

from __future__ import annotations

from collections.abc import Callable

from ..memo import remembered
from .blocks import Measured, Metrics, capacity, measure, measure_words, place_block
from .crowded import grow
from .geometry import BLOCKS, HEIGHT, SIZES, SPREAD, WIDTH, Drawing, Laid, PlacedBlock, PlacedItem
from .views import SECTION_TITLES, CanvasView


def _placed(text: Measured, m: Metrics, x: float, y: float, w: float, h: float, lines: list[str]) -> tuple:
    """An item's box, chip and lines in drawing units (PlacedItem's fields after the
    item), rounded to a tenth: positions print the same on every machine."""
    chip_w = m.chip_width(text)
    chip_h = m.chip * 1.3
    chip_x = x + m.pad * 0.6
    first = y + m.pad + m.size * 0.96
    step = m.line
    return (
        round(x, 1),
        round(y, 1),
        round(w, 1),
        round(h, 1),
        round(chip_w, 1),
        round(chip_h, 1),
        round(chip_x + chip_w + m.size * 0.4, 1),
        tuple([(round(first + n * step, 1), line) for n, line in enumerate(lines)]),
        round(chip_x, 1),
        round(first - chip_h * 0.74, 1),
        round(chip_x + chip_w / 2, 1),
        round(first - 1, 1),
        round(m.chip, 1),
    )


def _partial(name: str, texts: list[Measured], m: Metrics) -> PlacedBlock:
    """The most items of a block that fit at the smallest type, with room for the line
    that says how many more there are."""
    low, high = 0, min(len(texts), capacity(name, m))
    best = None
    while low <= high:
        middle = (low + high) // 2
        laid = place_block(name, texts[:middle] + ([_MORE] if middle < len(texts) else []), m, True)
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


_MORE = measure_words(None, "+00 more (00 in all)")  # the "+3 more (11 in all)" line


def layout(canvas: CanvasView) -> Drawing:
    """The canvas with every block at the largest type at which it holds all its items,
    but at most SPREAD over the tightest block. When a block does not fit even at the
    smallest size, the whole drawing grows (crowded.py) until every block does."""
    texts = {name: [measure(item) for item in getattr(canvas, name)] for name in BLOCKS}
    # What a profile block's layout reads of its items: the key it is remembered by.
    shared = {name: tuple((text.words, text.ref_width) for text in texts[name]) for name in _PROFILE if texts[name]}
    tried: dict[tuple[str, float], Laid | None] = {}

    def attempt(name: str, size: float) -> Laid | None:
        key = (name, size)
        if key not in tried:
            tried[key] = _place(name, texts[name], Metrics(size), shared.get(name))
        return tried[key]

    smallest = len(SIZES) - 1
    if any(attempt(name, SIZES[smallest]) is None for name in BLOCKS if name in _PROFILE):
        # The profile is too full for the smallest type, so the whole drawing grows, and
        # a block that fits ungrown takes the grown drawing's size whatever its own
        # largest was (crowded.grow caps every size below the ungrown ones): knowing
        # that it fits is enough, without searching its largest size.
        best = {name: smallest if attempt(name, SIZES[smallest]) is not None else None for name in BLOCKS}
    else:
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
        m = Metrics(size)
        block = laid[0] if laid is not None else _partial(name, texts[name], m)
        boxes = block.items

        def placed(m: Metrics = m, boxes: list = boxes) -> tuple[tuple, ...]:
            return tuple([_placed(text, m, x, y, w, h, lines) for text, x, y, w, h, lines in boxes])

        # A profile block at one size is placed alike on every canvas of its segment.
        found = remembered(("profile-placed", name, size, shared[name]), placed) if name in shared else placed()
        block.items = [PlacedItem(box[0].item, *geometry) for box, geometry in zip(boxes, found, strict=True)]
        block.total = len(texts[name])
        block.size = size
        blocks[name] = block
    m = Metrics(floor)
    return Drawing(floor, m.line, m.chip, blocks, width=round(WIDTH * scale, 1), height=round(HEIGHT * scale, 1), scale=scale)


#: The memo's kinds (memo.py) of laid-out profiles: one segment's canvases and page
#: share them, nothing else does.
LAID_OUT = frozenset(("profile-block", "profile-placed"))

#: The customer profile's blocks: laid out alike on every canvas of a segment and on the
#: segment's page, since their items, texts and ranks are the segment's.
_PROFILE = frozenset(("gains", "pains", "jobs"))

#: A block's layout without its items: title, place, each item's box by its index, and
#: how far the stack reached.
_Shape = tuple[str, float, float, tuple[tuple[int, float, float, float, float, list[str]], ...], float]


def _place(name: str, texts: list[Measured], m: Metrics, shared: tuple | None) -> Laid | None:
    """`place_block`, remembered for the profile's blocks by what their layout reads
    (`shared`: each item's words and the width of its chip): a segment's profile is laid
    out once per process, not once for each of its canvases and again for its page."""
    if shared is None:
        return place_block(name, texts, m)

    def shape() -> tuple[_Shape | None]:
        laid = place_block(name, texts, m)
        if laid is None:
            return (None,)
        block, reached = laid
        index = {id(text): n for n, text in enumerate(texts)}
        boxes = tuple((index[id(text)], x, y, w, h, lines) for text, x, y, w, h, lines in block.items)
        return ((block.title, block.title_x, block.title_y, boxes, reached),)

    (found,) = remembered(("profile-block", name, m.size, shared), shape)
    if found is None:
        return None
    title, title_x, title_y, boxes, reached = found
    block = PlacedBlock(name, title, title_x, title_y)
    block.items = [(texts[n], x, y, w, h, lines) for n, x, y, w, h, lines in boxes]
    return block, reached


def _largest(name: str, attempt: Callable[[str, float], Laid | None]) -> int | None:
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

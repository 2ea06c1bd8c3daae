"""The canvas drawing's geometry: the square and the circle in drawing units, the type
sizes tried, and what a layout makes (placed items, placed blocks, the drawing).
drawing.py lays a canvas out; blocks.py places one block's items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .views import ItemView

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
    #: Items that did not fit at the smallest type ("+3 more"), and where that line goes.
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


#: A block laid out at one size, and how far down (or up) it reached.
Laid = tuple[PlacedBlock, float]


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

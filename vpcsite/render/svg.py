"""The canvas drawing as SVG markup: the one place the square, the circle, the blocks and
every item are drawn, for the canvas page (inline) and for canvases/<id>/canvas.svg.

Written in Python rather than by template macros: a canvas draws some fifty items, and
a thousand-canvas site would spend more time calling macros than writing markup (the
HTML build must stay within twice the floor, see docs/performance.md). Colours and fonts
are attributes, so the SVG needs no stylesheet; themes restyle the page's copy through
the classes. Ids are the items' DOM ids, made from their ids; every text is escaped.
"""

from __future__ import annotations

from markupsafe import Markup

from .blocks import chip_label
from .escaping import text
from .geometry import ICON, Drawing, PlacedBlock, PlacedItem
from .metrics import FONT_FAMILY

#: Ink of each side: the value map blue, the customer profile amber.
INK = {"map": ("#245a8f", "#17416b", "#edf4fb"), "profile": ("#a14a12", "#7a3509", "#fdf3ea")}
SIDE_OF = {"products": "map", "creators": "map", "relievers": "map", "gains": "profile", "pains": "profile", "jobs": "profile"}

#: The block icons a reader of the book knows, 18 × 18: a gift for products & services,
#: a rising arrow for gain creators, a pill for pain relievers, a smile for gains, a
#: frown for pains, a checked task for customer jobs.
ICONS = {
    "products": '<path d="M2 7h14v3H2zM3 10v7h12v-7M9 7v10M9 7C7 3 3 3 4.5 5.5S9 7 9 7C11 3 15 3 13.5 5.5S9 7 9 7"/>',
    "creators": '<path d="M2 16l5-5 3 3 6-7M12 7h4v4"/>',
    "relievers": '<path d="M3 12l9-9a3.2 3.2 0 0 1 4.5 4.5l-9 9A3.2 3.2 0 0 1 3 12zM7.5 7.5L12 12"/>',
    "gains": '<circle cx="9" cy="9" r="7.5"/><path d="M5.5 10.5q3.5 3.5 7 0M6.5 6.5v.5M11.5 6.5v.5"/>',
    "pains": '<circle cx="9" cy="9" r="7.5"/><path d="M5.5 13q3.5-3.5 7 0M6.5 6.5v.5M11.5 6.5v.5"/>',
    "jobs": '<rect x="2" y="2" width="14" height="14" rx="2"/><path d="M5.5 9.5l2.5 2.5 4.5-5"/>',
}


#: Coordinates as written: a drawing's boxes sit on a few hundred distinct tenths.
_WRITTEN: dict[float, str] = {}


def _n(value: float) -> str:
    """A coordinate as the shortest text that reads back the same ("12", "12.5")."""
    found = _WRITTEN.get(value)
    if found is None:
        found = f"{value:g}" if abs(value) < 1e6 else str(round(value))
        if value and len(_WRITTEN) < 100_000:  # 0.0 and -0.0 are one key, written apart
            _WRITTEN[value] = found
    return found


def item_markup(placed: PlacedItem, side: str) -> str:
    """One item: its box (dashed when nothing addresses it, or it addresses nothing), its
    rank chip ("P1", the most severe pain), its whole text, and its links in words.
    It takes focus and marks itself for canvas.js; a mark of your own on every item
    goes here. Its parts go without classes (a canvas page holds some fifty items):
    themes reach them as `.vpc-item > rect:first-child` (the box), `rect + rect` (the
    chip) and `text`."""
    item = placed.item
    dom = text(item.dom_id)
    stroke = 'stroke="#a9b3c1"' if item.linked else 'stroke="#c98a00" stroke-dasharray="4 3"'
    unlinked = ("" if item.linked else " is-unlinked") + (f" result-mark--{item.result}" if item.result else "")
    x = _n(placed.text_x)
    last = len(placed.lines) - 1
    lines = "".join(f'<tspan x="{x}" y="{_n(y)}">{text(line)}{" " if n < last else ""}</tspan>' for n, (y, line) in enumerate(placed.lines))
    return (
        f'<g class="vpc-item vpc-item--{item.section}{unlinked}" id="{dom}" data-vpc-item="{text(item.id)}" '
        f'data-links="{text(item.link_refs)}" tabindex="0" aria-describedby="{dom}-said">'
        f'<rect x="{_n(placed.x)}" y="{_n(placed.y)}" width="{_n(placed.w)}" height="{_n(placed.h)}" rx="4" fill="#fff" {stroke}/>'
        f'<rect x="{_n(placed.chip_x)}" y="{_n(placed.chip_y)}" width="{_n(placed.chip_w)}" height="{_n(placed.chip_h)}" rx="3" fill="{INK[side][0]}"/>'
        f'<text><tspan x="{_n(placed.chip_text_x)}" y="{_n(placed.chip_text_y)}" font-size="{_n(placed.chip_size)}" '
        f'font-weight="bold" text-anchor="middle" fill="#fff">{text(chip_label(item))} </tspan>{lines}</text>'
        f'<desc id="{dom}-said">{text(placed.said)}</desc></g>\n'
    )


def block_markup(block: PlacedBlock) -> str:
    """A block: its icon and title, its items, and how many did not fit."""
    side = SIDE_OF[block.name]
    line, title, _ = INK[side]
    parts = [
        f'<g class="vpc-block vpc-block--{block.name}" font-size="{_n(block.size)}">\n'
        f'<g class="vpc-icon" transform="translate({_n(block.title_x - ICON - 6)} {_n(block.title_y - ICON + 4)})" fill="none" stroke="{line}" '
        f'stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{ICONS[block.name]}</g>\n'
        f'<text class="vpc-block__title" x="{_n(block.title_x)}" y="{_n(block.title_y)}" font-size="13" font-weight="bold" letter-spacing="0.5" '
        f'fill="{title}">{text(block.title.upper())}</text>\n'
    ]
    parts += [item_markup(placed, side) for placed in block.items]
    if block.hidden:
        parts.append(
            f'<text class="vpc-block__more" x="{_n(block.more_x)}" y="{_n(block.more_y)}" font-style="italic" fill="#3c4858">{text(block.more_text)}</text>\n'
        )
    parts.append("</g>\n")
    return "".join(parts)


def drawing_markup(d: Drawing) -> Markup:
    """The whole drawing, in drawing units (viewBox 0 0 1272 600, times its scale when it
    grew to hold a crowded canvas): the value map square
    (`data-vpc="value-map"`), the arrows between, the profile circle (`data-vpc="profile"`).
    Made once per canvas: its page and its canvas.svg are rendered one after the other in
    the same process, and the second takes the first's."""
    made = d.drawn.get("svg")
    if made is None:
        made = d.drawn["svg"] = _drawing(d)
    return made


def _drawing(d: Drawing) -> Markup:
    blue = INK["map"]
    shaft = _n(d.cx - d.radius - d.side - 40)
    arrows = "".join(f'<path d="M{_n(d.side + 10)} {_n(y)}l10 -7v4h{shaft}v-4l10 7l-10 7v-4h-{shaft}v4z"/>' for y in (d.cy / 2, d.cy * 1.5))
    # A grown drawing (crowded.py) is the same layout magnified: one transform, so
    # every item keeps the coordinates its layout proved inside its block.
    grown = f' transform="scale({_n(d.scale)})"' if d.scale != 1 else ""
    return Markup(
        f'<g class="vpc-drawing" font-family="{FONT_FAMILY}" fill="#1b2430"{grown}>\n'
        f'<g class="vpc-map" data-vpc="value-map">\n'
        f'<rect class="vpc-square" x="0" y="0" width="{_n(d.side)}" height="{_n(d.side)}" fill="{blue[2]}" stroke="{blue[0]}" stroke-width="2"/>\n'
        f'<path class="vpc-divider" d="M{_n(d.products_width)} 0V{_n(d.side)}M{_n(d.products_width)} {_n(d.cy)}H{_n(d.side)}" stroke="{blue[0]}" stroke-width="1.5" fill="none"/>\n'
        + "".join(block_markup(d.blocks[name]) for name in ("products", "creators", "relievers"))
        + f'</g>\n<g class="vpc-facing" aria-hidden="true" fill="#6b7684">{arrows}</g>\n'
        + _profile(d)
        + "</g>"
    )


def _profile(d: Drawing) -> str:
    amber = INK["profile"]
    return (
        f'<g class="vpc-profile" data-vpc="profile">\n'
        f'<circle class="vpc-circle" cx="{_n(d.cx)}" cy="{_n(d.cy)}" r="{_n(d.radius)}" fill="{amber[2]}" stroke="{amber[0]}" stroke-width="2"/>\n'
        f'<path class="vpc-divider" d="M{_n(d.cx)} 0V{_n(d.side)}M{_n(d.cx - d.radius)} {_n(d.cy)}H{_n(d.cx)}" stroke="{amber[0]}" stroke-width="1.5" fill="none"/>\n'
        + "".join(block_markup(d.blocks[name]) for name in ("gains", "pains", "jobs"))
        + "</g>\n"
    )


def profile_markup(d: Drawing) -> Markup:
    """The customer profile's circle alone (a segment's page), as the canvas draws it;
    the page's viewBox frames the circle (`d.profile_x`, `d.side` times `d.scale`)."""
    grown = f' transform="scale({_n(d.scale)})"' if d.scale != 1 else ""
    return Markup(f'<g class="vpc-drawing" font-family="{FONT_FAMILY}" fill="#1b2430"{grown}>\n' + _profile(d) + "</g>")

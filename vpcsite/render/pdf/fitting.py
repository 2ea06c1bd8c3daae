"""Type-size fitting: the largest type size at which a canvas fits one page, found with
as few layouts as possible (each costs about as much as writing the PDF).
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

#: Type sizes (pt) tried until a canvas fills its page: the largest at which it fits.
#: A sparse canvas grows to poster type; the last is the smallest that stays legible
#: at arm's length on A4.
TYPE_STEPS = (17.0, 14.5, 12.5, 11.0, 9.5, 8.5, 7.5, 6.5)
#: The type size of pages that are not fitted (the handout's cover, the fit summary).
BASE_TYPE = 9.5
#: The attribute of boxes that must hold their content at their drawn size (their
#: min-height): the blocks of the printed canvas. A canvas fits when it is one page
#: and none of these grew.
FIT_ATTRIBUTE = "data-vpc-fit"
#: How far (CSS px) a box may grow past its min-height before it counts as grown.
FIT_TOLERANCE = 0.5


def page_css(size: str, orientation: str, type_size: float) -> str:
    return f"@page {{ size: {size} {orientation}; }}\n:root {{ font-size: {type_size}pt; }}\n"


def render_pdf(
    html: str,
    base_url: str,
    fetcher_class: type,
    size: str,
    orientation: str,
    steps: tuple[float, ...] = TYPE_STEPS,
    start: float | None = None,
    layouts: list[float] | None = None,
    fitted: list[bool] | None = None,
) -> tuple[bytes, int, float, list[str]]:
    """Lay out `html` at the largest type size of `steps` that fits one page (or the
    smallest step, on more pages); returns the PDF, its page count, the size used and
    the URLs the sandbox refused.

    The result is the one an exhaustive search over `steps` gives; the search only
    saves layouts (each costs about as much as writing the PDF):
    - it begins at `start`, the size this canvas had in the last build, or else at the
      size its volume of text predicts (`predict_step`), so the first layout is
      usually the last;
    - from a layout that fits, it tries the next larger size only when
      `cannot_fit_larger` cannot rule it out;
    - from one that does not fit, it goes down, skipping sizes `_next_step` rules out;
      at the smallest size, more pages are the answer.
    A layout fits when it is one page and no block marked `FIT_ATTRIBUTE` grew past
    its drawn size (`fits`): a larger type fills the square and the circle, never
    more.
    `layouts`, when given, receives the size of every layout made (tests count them);
    `fitted` whether the layout written fits (False: even the smallest size did not)."""
    from weasyprint import CSS, HTML

    # WeasyPrint logs each refused fetch; the build reports them as diagnostics instead.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = fetcher_class()
    parsed = HTML(string=html, base_url=base_url, url_fetcher=fetcher)

    def layout(index: int) -> Any:
        css = CSS(string=page_css(size, orientation, steps[index]), url_fetcher=fetcher)
        if layouts is not None:
            layouts.append(steps[index])
        return parsed.render(stylesheets=[css])

    if start in steps:
        index = steps.index(start)  # type: ignore[arg-type]
    elif len(steps) > 1:
        index = predict_step(html, steps, size)
    else:
        index = 0
    document = layout(index)
    if fits(document):
        # It fits: a larger size might too (the canvas may have shrunk since, or the
        # prediction was low), unless this layout shows it cannot.
        while index > 0 and not cannot_fit_larger(document, steps[index - 1] / steps[index]):
            larger = layout(index - 1)
            if not fits(larger):
                break
            index, document = index - 1, larger
    else:
        while not fits(document) and index < len(steps) - 1:
            index = _next_step(steps, index, len(document.pages))
            document = layout(index)
    if fitted is not None:
        fitted.append(fits(document))
    data = document.write_pdf(pdf_identifier=b"vpcsite", custom_metadata=False)
    refused = list(dict.fromkeys(fetcher.sandbox.refused))
    return data, len(document.pages), steps[index], refused


def fit_boxes(document: Any) -> list[Any]:
    """The laid-out boxes of elements marked `FIT_ATTRIBUTE`, on every page: each
    element's outermost box, not the line and anonymous boxes inside it, which share
    its element."""
    found: list[Any] = []
    pending: list[tuple[Any, Any]] = [(page._page_box, None) for page in document.pages]  # no public box tree
    while pending:
        box, parent = pending.pop()
        element = getattr(box, "element", None)
        if element is not None and element is not parent and getattr(box, "element_tag", None) and element.get(FIT_ATTRIBUTE) is not None:
            found.append(box)
        pending.extend((child, element) for child in getattr(box, "children", ()))
    return found


def grown(box: Any) -> bool:
    """Whether a fitted block grew past its drawn size (its min-height)."""
    return box.height is not None and box.height > (box.min_height or 0) + FIT_TOLERANCE


def fits(document: Any) -> bool:
    """One page, and every fitted block holds its content at its drawn size."""
    return len(document.pages) <= 1 and not any(grown(box) for box in fit_boxes(document))


def _next_step(steps: tuple[float, ...], index: int, pages: int) -> int:
    """The next size worth trying after `steps[index]` did not fit on `pages` pages (one
    page: a block grew, and the next size is tried).

    Content shrinks at most with the square of the type size (wrapped text: fewer,
    shorter lines), so it fills at least (pages - 1) · (step / current)² pages at a smaller
    step; steps where that exceeds one page cannot fit and are skipped."""
    current = steps[index]
    for candidate in range(index + 1, len(steps)):
        if (pages - 1) * (steps[candidate] / current) ** 2 <= 1 or candidate == len(steps) - 1:
            return candidate
    return len(steps) - 1  # pragma: no cover - the loop always returns


# --- where the search starts and when it stops ---------------------------------------

#: Allowance, in rem of the type-size change, for space a layout can gain as the type
#: grows: a height in page units less rem shrinks (the built-in print theme has none:
#: its drawing is in page units alone). The bound below takes such heights as fixed,
#: so it needs this much more growth before it rules a size out. A print theme that
#: subtracts more rem from page-unit heights needs a larger allowance.
FIT_ALLOWANCE_REM = 8.0


def cannot_fit_larger(document: Any, ratio: float) -> bool:
    """True when a one-page layout shows that the same HTML at `ratio` times the type
    size (ratio > 1) cannot fit one page, so that layout need not be made.

    A lower bound on how much the page would grow: every line of text grows at least
    by the ratio (the line height scales with the type; a line never wraps into fewer
    lines when the text is wider and the column not), and that growth pushes down what
    follows it, up to the free space inside the boxes around it (a min-height, a table
    row taller than this cell, the page's own free space). Paddings, margins, floats
    and heights given in page units are taken as fixed, not as growing; floats and
    boxes whose height is set count as free space, which only makes the bound lower.
    If even this lower bound overflows the page by more than `FIT_ALLOWANCE_REM` rem of
    the change in type size, the larger size cannot fit."""
    if len(document.pages) != 1:
        return False
    page = document.pages[0]._page_box  # WeasyPrint has no public box tree
    grow = ratio - 1
    overflow = 0.0
    root_size = 0.0
    for root in page.children:
        if getattr(root, "is_for_root_element", False):
            root_size = root.style["font_size"]
            # The page's own free space below the root box absorbs growth too.
            below = page.content_box_y() + page.height - (root.position_y + root.margin_height())
            overflow = max(overflow, _used_growth(root, grow, True) - max(0.0, below))
    allowance = FIT_ALLOWANCE_REM * root_size * grow
    # A fitted block must hold its content too: the same bound, inside the block.
    return overflow > allowance or any(_used_growth(box, grow, True) > allowance for box in fit_boxes(document))


def _in_flow(box: Any) -> bool:
    """Whether `box` takes room in its parent's flow: not a float, not positioned out of
    it, not a running element (a tuple such as ("running()", name))."""
    position = box.style["position"]
    return box.style["float"] == "none" and not isinstance(position, tuple) and position not in ("absolute", "fixed")


def _sized_by_content(box: Any) -> bool:
    """Whether the widths of `box`'s children may follow their content, so that wider
    text may widen its box instead of wrapping: an auto-layout table, or a grid with a
    track sized by content."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TableBox):
        return box.style["table_layout"] != "fixed"
    if isinstance(box, boxes.GridContainerBox):
        tracks = repr(box.style["grid_template_columns"])
        return any(word in tracks for word in ("auto", "min-content", "max-content", "fit-content"))
    return False


def _content_growth(box: Any, grow: float, fixed: bool) -> tuple[float, float, float]:
    """(growth, top, bottom): a lower bound on how far the bottom of `box`'s in-flow
    content moves down at the larger size, and where that content is now."""
    from weasyprint.formatting_structure import boxes

    children = [c for c in getattr(box, "children", ()) if _in_flow(c)]
    lines = [c for c in children if isinstance(c, boxes.LineBox)]
    if lines:
        growth = _text_growth(box, lines, grow) if fixed else grow * sum(line.height for line in lines)
        return growth, min(line.position_y for line in lines), max(line.position_y + line.height for line in lines)
    blocks = [c for c in children if isinstance(c, boxes.Box) and not isinstance(c, (boxes.TextBox, boxes.InlineBox))]
    if not blocks:
        return 0.0, box.position_y, box.position_y
    # Boxes below another box move down as far as it grows; side by side, they do not.
    placed: list[tuple[float, float, float]] = []  # (top, bottom, shift of bottom)
    fixed = fixed and not _sized_by_content(box)
    # Border boxes, not margin boxes: collapsed margins overlap, and a margin left out
    # of the content counts as free space, which only lowers the bound.
    for child in sorted(blocks, key=lambda c: c.border_box_y()):
        top = child.border_box_y()
        bottom = top + child.border_height()
        pushed = max((moved for above_top, above_bottom, moved in placed if above_bottom <= top + 0.01), default=0.0)
        placed.append((top, bottom, pushed + _used_growth(child, grow, fixed)))
    now = max(bottom for _, bottom, _ in placed)
    later = max(bottom + moved for _, bottom, moved in placed)
    return later - now, placed[0][0], now


#: A space is narrower than this share of its font size in the fonts the print theme
#: uses (Liberation Sans, Arial, DejaVu Sans: 0.28-0.32 em).
SPACE_EM = 0.35


def _text_growth(box: Any, lines: list[Any], grow: float) -> float:
    """A lower bound on how much the lines of a block grow at (1 + grow) times the type.

    Each line grows with the type; and the text, (1 + grow) times as wide, needs at
    least as many lines as its width over the block's width: floats only take width
    away, and at the larger size the block is no wider (its width comes from page
    units less paddings in rem; the caller checks no box around it is sized by its
    content). A line break drops a space: each break is credited one."""
    ratio = 1 + grow
    heights = [line.height for line in lines]
    height = sum(heights)
    linear = grow * height
    width = box.width or 0
    if width <= 0:
        return linear
    space = SPACE_EM * box.style["font_size"] * ratio
    text = sum(line.width for line in lines)
    needed = math.ceil((ratio * text + space) / (width + space) - 1e-9)
    wrapped = needed * ratio * min(heights) - height
    return max(linear, wrapped)


def _used_growth(box: Any, grow: float, fixed: bool) -> float:
    """A lower bound on how much `box` itself grows: its content's growth less the free
    space below that content inside it. `fixed`: no box around it takes its width from
    its content (see `_sized_by_content`), so wider text has to wrap."""
    growth, top, bottom = _content_growth(box, grow, fixed)
    if growth <= 0:
        return 0.0
    if not hasattr(box, "content_box_y") or box.height is None:
        return growth
    from weasyprint.formatting_structure import boxes

    # Free space above the content counts too: a cell may centre its content, and
    # taking a top margin for free space only lowers the bound. WeasyPrint stretches a
    # table cell to its row by adding padding, so a cell's padding counts as free.
    if isinstance(box, boxes.TableCellBox):
        inner_top, inner_bottom = box.padding_box_y(), box.padding_box_y() + box.padding_height()
    else:
        inner_top, inner_bottom = box.content_box_y(), box.content_box_y() + box.height
    free = max(0.0, inner_bottom - bottom) + max(0.0, top - inner_top)
    return max(0.0, growth - free)


#: The blocks of the print layout and how much text each holds: a block fits while the
#: sum of its items' characters (plus `ITEM_CHARS` each, for the ref and marks) times
#: the type size squared (pt²) stays within its capacity. Gain creators and pain
#: relievers share their column (print.css gives a longer list the larger share). Fitted
#: to the final sizes of 16 generated canvases (30 to 60 items) and the 3 examples on
#: A4: the fit picks the final size of all 19. Only where the search starts depends on
#: it, never its result.
COLUMNS = (
    (("products",), 47900.0),
    (("creators", "relievers"), 59500.0),
    (("gains",), 39700.0),
    (("pains",), 43600.0),
    (("jobs",), 44500.0),
)
ITEM_CHARS = 20


_SECTION = re.compile(r'<section class="vpc-section vpc-section--(\w+)"[^>]*>(.*?)</section>', re.S)
_ITEM_TEXT = re.compile(r'<span class="item__text">(.*?)</span>', re.S)


def column_loads(html: str) -> list[float]:
    """Characters per column of `COLUMNS` in a canvas page: item texts plus
    `ITEM_CHARS` an item."""
    chars: dict[str, float] = {}
    for name, body in _SECTION.findall(html):
        texts = _ITEM_TEXT.findall(body)
        chars[name] = chars.get(name, 0.0) + sum(len(text) + ITEM_CHARS for text in texts)
    return [sum(chars.get(block, 0.0) for block in blocks) for blocks, _ in COLUMNS]


#: How much more text a page size holds than A4 (its area over A4's): where the
#: search starts on other pages.
PAGE_SCALE = {"A4": 1.0, "A3": 2.0, "Letter": 0.94, "Legal": 1.2}


def predict_step(html: str, steps: tuple[float, ...], size: str = "A4") -> int:
    """The index in `steps` (largest first) of the type size a canvas most likely ends
    at: the largest at which every block's load fits its capacity. The search starts
    there and moves up or down from it."""
    loads = column_loads(html)
    scale = PAGE_SCALE.get(size, 1.0)
    for index, step in enumerate(steps):
        if all(load * step * step <= capacity * scale for load, (_, capacity) in zip(loads, COLUMNS)):
            return index
    return len(steps) - 1

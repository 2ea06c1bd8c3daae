"""The customer profile alone, drawn as the canvas draws it: the segment page's circle,
laid out by drawing.py with an empty value map, so both pages look like one product.

The layout is the canvas's (the same circle, blocks, type and growth for a crowded
profile); the page shows only the circle (svg.profile_markup, a viewBox around it).
"""

from __future__ import annotations

from types import SimpleNamespace

from .cards import SegmentView
from .drawing import Drawing, layout


def profile_drawing(segment: SegmentView) -> Drawing:
    """A segment's profile laid out as on its canvases, beside an empty value map."""
    return layout(SimpleNamespace(products=(), creators=(), relievers=(), jobs=segment.jobs, pains=segment.pains, gains=segment.gains))  # type: ignore[arg-type]

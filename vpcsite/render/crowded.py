"""Canvases too full for the drawing at its readable minimum type: the whole drawing
grows, in the same proportions, until every block holds every item.

Growing the drawing k times while the type stays at the readable minimum is the same
layout as keeping the drawing and setting the type k times smaller, then magnifying it
all: drawing.py lays the blocks out at the smaller size and the markup scales the
drawing by k (a larger viewBox, the square still a square and the circle a circle of
the same size). The page shows a grown drawing k times larger, in a frame that scrolls,
so its smallest type reads as a full canvas's does; canvas.svg, which cannot
scroll, is k times larger. Each block of a grown drawing says how many items it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: How much a drawing may grow, step by step; past the last a block is cut short and
#: says how many items it leaves out (some 150 items a block: never, in practice).
GROWTH = (1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0)


def grown_size(minimum: float, scale: float) -> float:
    """The type size, in the drawing's own units, that reads as `minimum` once the
    drawing is magnified `scale` times (rounded: sizes print the same everywhere)."""
    return round(minimum / scale, 3)


def growth_needed(fits: Callable[[float], bool]) -> float | None:
    """The least growth in GROWTH at which `fits(scale)` holds, or None if none does.
    A block that fits at some growth fits at every larger one (its type only gets
    smaller against the same room), so a binary search finds it."""
    low, high = 0, len(GROWTH) - 1
    chosen = None
    while low <= high:
        middle = (low + high) // 2
        if fits(GROWTH[middle]):
            chosen, high = GROWTH[middle], middle - 1
        else:
            low = middle + 1
    return chosen


def sizes_to_try(target: float, floor: float, minimum: float) -> list[float]:
    """A block's sizes in a grown drawing, largest first: the size it should take,
    then each smaller step of growth down to the drawing's floor."""
    steps = [grown_size(minimum, scale) for scale in GROWTH]
    return [target] + [size for size in steps if floor <= size < target]


def heading(title: str, count: int, grown: bool) -> str:
    """A block's title; in a grown drawing it says how many items the block holds
    ("Gains · 12"), since its items no longer read at a glance."""
    return f"{title} · {count}" if grown else title


def grow(best: dict[str, int | None], attempt: Callable, sizes: Sequence[float], spread: float) -> tuple[float, float, dict[str, list[float]]]:
    """How a drawing too full for its smallest type grows: by the least step at which
    its most crowded block fits. Every block then takes the largest size at which it
    holds its items, at most `spread` (grown too) over the floor.

    `best` is each block's index in `sizes` (largest first) at which it fits ungrown,
    None for the crowded ones; `attempt(name, size)` lays a block out or gives None.
    Gives the growth, the floor (the smallest size, in the drawing's own units) and
    each block's sizes to try, largest first."""
    minimum = sizes[-1]

    def fits(name: str) -> Callable[[float], bool]:
        return lambda scale: attempt(name, grown_size(minimum, scale)) is not None

    needs = {name: growth_needed(fits(name)) for name, index in best.items() if index is None}
    scale = max(need or GROWTH[-1] for need in needs.values())
    floor = grown_size(minimum, scale)
    tries = {}
    for name, index in best.items():
        need = needs.get(name)
        own = sizes[index] if index is not None else grown_size(minimum, need) if need else floor
        tries[name] = sizes_to_try(min(own, grown_size(minimum + spread, scale)), floor, minimum)
    return scale, floor, tries

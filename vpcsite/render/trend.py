"""A canvas's fit history as templates draw it: a small inline SVG line over the target
band (a sparkline), with its text equivalent. Coordinates are worked out here, rounded,
so the same history gives the same bytes on every machine."""

from __future__ import annotations

from dataclasses import dataclass

from ..fit import percent
from ..history import CanvasHistory

WIDTH = 120
HEIGHT = 32
PAD = 3


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Trend:
    """What templates/history.html needs to draw one canvas's history."""

    width: int
    height: int
    #: The polyline's points ("x,y x,y"), "" with fewer than two scored commits.
    line: str
    dots: tuple[Dot, ...]
    band_y: float
    band_height: float
    #: For screen readers and the title: "62 % on 2026-11-03 … 71 % on 2026-12-01".
    text: str
    last_date: str
    last_subject: str
    last_commit: str
    uncommitted: bool
    #: How many commits the series counts.
    count: int


def _y(value: float) -> float:
    return round(PAD + (1 - value) * (HEIGHT - 2 * PAD), 1)


def trend(history: CanvasHistory | None, target: tuple[float, float]) -> Trend | None:
    """The drawing of one canvas's history, or None where there is none to show."""
    if history is None or not history.last_commit:
        return None
    scored = [p for p in history.points if p.fit is not None]
    step = (WIDTH - 2 * PAD) / (len(scored) - 1) if len(scored) > 1 else 0.0
    dots = tuple(
        # A single commit is a dot at the right end: where the line would end.
        Dot(round(PAD + index * step, 1) if len(scored) > 1 else WIDTH - PAD, _y(p.fit), f"{percent(p.fit)} on {p.date}")  # type: ignore[arg-type]
        for index, p in enumerate(scored)
    )
    line = " ".join(f"{d.x},{d.y}" for d in dots) if len(dots) > 1 else ""
    if not dots:
        text = "no scored commit yet"
    elif len(dots) == 1:
        text = f"fit {dots[0].label}, one commit so far"
    else:
        text = f"fit {dots[0].label}, then {dots[-1].label}, over {len(dots)} commits"
    band_top, band_bottom = _y(target[1]), _y(target[0])
    return Trend(
        WIDTH,
        HEIGHT,
        line,
        dots,
        band_top,
        round(band_bottom - band_top, 1),
        text,
        history.last_date,
        history.last_subject,
        history.last_commit[:7],
        history.uncommitted,
        len(dots),
    )

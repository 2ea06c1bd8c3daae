"""Fit scores of a value map against its segment (DESIGN §5), as pure functions.

A job, pain or gain is *addressed* when a product, reliever or creator names it; scores
are weight sums, so a critical job counts five times a trivial one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .model import Gain, Job, Pain, Segment, ValueMap

Band = Literal["below", "within", "above"]


@dataclass(frozen=True)
class Score:
    """A weighted share; `value` is None when there is nothing to weigh (shown as "—")."""

    addressed: int
    total: int

    @property
    def value(self) -> float | None:
        return self.addressed / self.total if self.total else None

    def __add__(self, other: Score) -> Score:
        return Score(self.addressed + other.addressed, self.total + other.total)


@dataclass(frozen=True)
class Fit:
    jobs: Score
    pains: Score
    gains: Score
    overall: Score
    verified: Score
    band: Band | None


@dataclass(frozen=True)
class Addressed:
    """Ids of the segment's items that the value map names."""

    jobs: frozenset[str]
    pains: frozenset[str]
    gains: frozenset[str]


def addressed(value_map: ValueMap) -> Addressed:
    return Addressed(
        jobs=frozenset(job for product in value_map.products for job in product.jobs),
        pains=frozenset(pain for reliever in value_map.relievers for pain in reliever.relieves),
        gains=frozenset(gain for creator in value_map.creators for gain in creator.creates),
    )


def score(items: Iterable[Job | Pain | Gain], hit: frozenset[str], *, verified_only: bool = False) -> Score:
    done = total = 0
    for item in items:
        total += item.weight
        if item.id in hit and (not verified_only or item.status == "verified"):
            done += item.weight
    return Score(done, total)


def band(value: float | None, target: tuple[float, float]) -> Band | None:
    if value is None:
        return None
    low, high = target
    if value < low:
        return "below"
    if value > high:
        return "above"
    return "within"


def delivered_products(value_map: ValueMap) -> set[str]:
    """The products some pain reliever or gain creator names in its `by`."""
    return {product for item in value_map.relievers for product in item.by} | {product for item in value_map.creators for product in item.by}


def fit(segment: Segment, value_map: ValueMap, target: tuple[float, float]) -> Fit:
    hit = addressed(value_map)
    jobs = score(segment.jobs, hit.jobs)
    pains = score(segment.pains, hit.pains)
    gains = score(segment.gains, hit.gains)
    overall = jobs + pains + gains
    verified = (
        score(segment.jobs, hit.jobs, verified_only=True)
        + score(segment.pains, hit.pains, verified_only=True)
        + score(segment.gains, hit.gains, verified_only=True)
    )
    return Fit(jobs, pains, gains, overall, verified, band(overall.value, target))


#: Pains and gains of this weight or more that nothing addresses are gaps (and warnings).
SEVERE = 4


@dataclass(frozen=True)
class Gaps:
    """What a canvas leaves open: the segment's pains and gains of weight ≥ 4 that
    nothing addresses (most important first, file order breaking ties), and the value
    map's orphans, items that address nothing (in canvas order, as (section, id))."""

    pains: tuple[str, ...]
    gains: tuple[str, ...]
    orphans: tuple[tuple[str, str], ...]


def gaps(segment: Segment, value_map: ValueMap) -> Gaps:
    """A product is linked when it helps with a job of the segment or delivers a
    reliever or creator; a reliever or creator when it addresses a pain or gain of it."""
    hit = addressed(value_map)
    ids = {
        "jobs": {job.id for job in segment.jobs},
        "pains": {pain.id for pain in segment.pains},
        "gains": {gain.id for gain in segment.gains},
    }
    delivered = delivered_products(value_map)
    orphans: list[tuple[str, str]] = []
    for section, key, into in (("products", "jobs", "jobs"), ("relievers", "relieves", "pains"), ("creators", "creates", "gains")):
        for item in getattr(value_map, section):
            reaches = any(target in ids[into] for target in getattr(item, key))
            if not reaches and not (section == "products" and item.id in delivered):
                orphans.append((section, item.id))
    ranked_open = lambda items, hits: tuple(  # noqa: E731
        item.id for item in sorted(items, key=lambda item: -item.weight) if item.id not in hits and item.weight >= SEVERE
    )
    return Gaps(ranked_open(segment.pains, hit.pains), ranked_open(segment.gains, hit.gains), tuple(orphans))


def percent(value: float | None) -> str:
    """How a score reads everywhere: whole percent, or an em dash for no score."""
    return "—" if value is None else f"{round(value * 100)} %"

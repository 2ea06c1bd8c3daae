"""The assumptions map (DESIGN §8): every item of every segment and value map as a
hypothesis, placed by importance against evidence; what to test next listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..experiments import tested
from ..model import SINGULAR, Gain, Job, Pain, Site, items_of
from ..ranks import offer_ranks
from ..urls import canvas_url, experiment_url, segment_url
from .views import dom_id

#: The evidence axis of the assumptions map, weakest first; invalidated sits apart.
EVIDENCE = ("assumed", "observed", "verified")
#: Importance from which a hypothesis counts as important on the assumptions map.
IMPORTANT = 4
#: How many hypotheses each quadrant but "test next" lists (the most important first):
#: a site of a thousand canvases has tens of thousands; the map counts them all.
LISTED = 100


@dataclass(frozen=True, slots=True)
class Hypothesis:
    noun: str
    text: str
    importance: int
    status: str
    url: str
    owner_title: str
    #: Planned or running experiments that test it.
    planned: tuple[tuple[str, str], ...]  # (title, url)


@dataclass(frozen=True)
class Cell:
    """How many hypotheses share one importance and one evidence level (a mark on the map)."""

    x: float
    y: float
    r: float
    count: int
    label: str


@dataclass(frozen=True)
class Quadrant:
    key: str
    title: str
    #: The hypotheses listed, most important first (all of them for "test next").
    items: tuple[Hypothesis, ...]
    count: int

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return self.count - len(self.items)


@dataclass(frozen=True)
class AssumptionsMap:
    quadrants: tuple[Quadrant, ...]
    invalidated: Quadrant
    cells: tuple[Cell, ...]
    width: int = 480
    height: int = 400
    left: int = 70
    top: int = 20
    #: Where the quadrant lines cross.
    cross_x: float = 0
    cross_y: float = 0

    @property
    def total(self) -> int:
        return sum(q.count for q in self.quadrants) + self.invalidated.count

    # Geometry in SVG user units, worked out here so the template only places it.

    @property
    def plot_width(self) -> int:
        return self.width - self.left - 20

    @property
    def plot_height(self) -> int:
        return self.height - self.top - 60

    @property
    def plot_bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def test_next_width(self) -> float:
        return round(self.cross_x - self.left, 1)

    @property
    def test_next_height(self) -> float:
        return round(self.cross_y - self.top, 1)

    @property
    def evidence_labels(self) -> tuple[tuple[float, str], ...]:
        """(x, word) under the middle of each column of the evidence axis."""
        column = self.plot_width / len(EVIDENCE)
        return tuple((round(self.left + column * (n + 0.5), 1), word) for n, word in enumerate(EVIDENCE))

    @property
    def middle_x(self) -> float:
        return round(self.left + self.plot_width / 2, 1)

    @property
    def middle_y(self) -> float:
        return round(self.top + self.plot_height / 2, 1)


def hypotheses(site: Site) -> list[Hypothesis]:
    """Every customer item of every segment and every item of every value map."""
    planned: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for _, experiment in sorted(site.experiments.items()):
        if experiment.model.state == "done":
            continue
        for item_id, (owner, _, _) in tested(site, experiment).items():
            planned.setdefault((owner.model.type, owner.model.id, item_id), []).append((experiment.model.title, experiment_url(experiment.model.id)))
    found = []
    for segment_id, segment in sorted(site.segments.items()):
        for section, _, item in items_of(segment.model):
            assert isinstance(item, (Job, Pain, Gain))  # a segment's items
            found.append(
                Hypothesis(
                    SINGULAR[section],
                    item.text,
                    item.weight,
                    item.status,
                    f"{segment_url(segment_id)}#{dom_id(section, item.id)}",
                    segment.model.title,
                    tuple(planned.get(("segment", segment_id, item.id), ())),
                )
            )
    for map_id, value_map in sorted(site.value_maps.items()):
        target = site.segments.get(value_map.model.segment)
        if target is None:
            continue
        ranks = offer_ranks(target.model, value_map.model)
        for section, _, item in items_of(value_map.model):
            found.append(
                Hypothesis(
                    SINGULAR[section],
                    item.text,
                    ranks[section, item.id].value,
                    item.status,
                    f"{canvas_url(map_id)}#{dom_id(section, item.id)}",
                    value_map.model.title,
                    tuple(planned.get(("value-map", map_id, item.id), ())),
                )
            )
    return found


def assumptions_map(site: Site) -> AssumptionsMap:
    """Importance (up) against evidence (right): the top-left quadrant, important with no
    evidence yet, is what to test next and is listed first."""
    found = hypotheses(site)
    live = [h for h in found if h.status != "invalidated"]
    quadrants = (
        _quadrant(
            "test-next", "Test next: important, no evidence yet", [h for h in live if h.importance >= IMPORTANT and h.status == "assumed"], None
        ),
        _quadrant("keep-watching", "Important, with evidence", [h for h in live if h.importance >= IMPORTANT and h.status != "assumed"]),
        _quadrant("later", "Less important, no evidence yet", [h for h in live if h.importance < IMPORTANT and h.status == "assumed"]),
        _quadrant("settled", "Less important, with evidence", [h for h in live if h.importance < IMPORTANT and h.status != "assumed"]),
    )
    width, height, left, top = 480, 400, 70, 20
    plot_w, plot_h = width - left - 20, height - top - 60
    column = plot_w / len(EVIDENCE)
    row = plot_h / 5
    counts: dict[tuple[int, int], int] = {}
    for h in live:
        key = (EVIDENCE.index(h.status), h.importance)
        counts[key] = counts.get(key, 0) + 1
    biggest = max(counts.values(), default=1)
    cells = tuple(
        Cell(
            round(left + column * (x + 0.5), 1),
            round(top + row * (5 - importance + 0.5), 1),
            round(6 + (min(column, row) / 2 - 8) * (count / biggest) ** 0.5, 1),
            count,
            f"{count} {EVIDENCE[x]} with importance {importance}",
        )
        for (x, importance), count in sorted(counts.items())
    )
    return AssumptionsMap(
        quadrants,
        _quadrant("invalidated", "Invalidated", [h for h in found if h.status == "invalidated"]),
        cells,
        width,
        height,
        left,
        top,
        cross_x=round(left + column, 1),
        cross_y=round(top + row * (5 - IMPORTANT + 1), 1),
    )


def _quadrant(key: str, title: str, items: list[Hypothesis], limit: int | None = LISTED) -> Quadrant:
    """Most important first, file order breaking ties; the first `limit` listed."""
    items.sort(key=lambda h: -h.importance)
    return Quadrant(key, title, tuple(items if limit is None else items[:limit]), len(items))

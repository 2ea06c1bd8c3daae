"""The prepared values templates show: every label, number, ranking, cross-reference
and URL as a template reads it, computed once, in Python (templates hold markup only).

These are the types; prepare.py makes them from the model and the fit, cards.py the
lighter ones lists show and the segment page's. The same views feed the HTML pages and
the PDF handouts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class LazyHtml:
    """HTML made from Markdown when a template first outputs it (Jinja calls __html__).

    Truthiness comes from the source text, so `{% if item.note %}` costs nothing."""

    __slots__ = ("_html", "_make", "_present")

    def __init__(self, make: Callable[[], str], present: bool = True) -> None:
        self._make = make
        self._html: str | None = None
        self._present = present

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._make()
        return self._html

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return self._present


#: Reference letters, as printed on handouts ("R2 → P1, P3").
PREFIX = {"jobs": "J", "pains": "P", "gains": "G", "products": "PS", "relievers": "R", "creators": "C"}
SECTION_TITLES = {
    "jobs": "Customer jobs",
    "pains": "Pains",
    "gains": "Gains",
    "products": "Products & services",
    "relievers": "Pain relievers",
    "creators": "Gain creators",
}
BAND_LABELS = {"below": "below target", "within": "within target", "above": "above target", None: "no score"}
#: How an item's links read: "R1 relieves P1, P3"; "P1 relieved by R1".
LINK_LABELS = {
    "products": "helps with",
    "relievers": "relieves",
    "creators": "creates",
    "jobs": "helped by",
    "pains": "relieved by",
    "gains": "created by",
}
CUSTOMER_SECTIONS = ("jobs", "pains", "gains")


# Link and ItemView are not frozen: a large site makes a hundred thousand of them, and
# a frozen dataclass costs a microsecond more per instance. Nothing changes a view.


@dataclass(slots=True)
class Link:
    """A reference to an item on the other side of the canvas."""

    ref: str
    dom_id: str
    text: str

    @property
    def title(self) -> str:
        """The ref and the text ("P1 Lack of time"): the tooltip where only the ref shows."""
        return f"{self.ref} {self.text}"


@dataclass(slots=True)
class ItemView:
    ref: str  # "P1"
    dom_id: str  # "vpc-pains-lack-of-time"
    id: str
    section: str
    text: str
    kind: str
    status: str
    #: Weight 1–5 and its word ("5 · extreme"): the rank of a value-map item.
    weight: int | None
    weight_word: str | None
    scale: str | None
    #: Value map items: what they address. Customer items: what addresses them.
    links: tuple[Link, ...]
    #: Relievers and creators: the products that deliver them.
    by: tuple[Link, ...]
    #: Customer items: addressed by the value map? Value map items: False when orphaned.
    linked: bool
    evidence: tuple[LazyHtml, ...]
    note: LazyHtml | None
    #: A value-map item's rank: "written" (its `importance:`) or "derived" (from what it
    #: addresses); None for customer items, whose rank is always written or 3.
    rank_origin: str | None = None
    #: The latest result of a done experiment testing the item, and that experiment's
    #: title: the small mark on the drawing (render/method.py fills them in).
    result: str | None = None
    result_title: str = ""

    # The properties below are worked out when a template asks, in whichever process
    # renders the page, rather than for every item when the views are prepared.

    @property
    def link_refs(self) -> str:
        """Space-separated DOM ids of linked items, for the highlight script."""
        return " ".join([link.dom_id for link in self.links + self.by])

    @property
    def side(self) -> str:
        """ "profile" for jobs, pains and gains; "map" for the value map's items."""
        return "profile" if self.section in CUSTOMER_SECTIONS else "map"

    @property
    def links_label(self) -> str:
        """The verb before the item's links ("relieves", "relieved by")."""
        return LINK_LABELS[self.section]

    @property
    def flag(self) -> str | None:
        """The text label of an unlinked item: a customer item nothing addresses, or an
        orphan of the value map. None when linked."""
        if self.linked:
            return None
        return "not addressed" if self.side == "profile" else "orphan"

    @property
    def details_id(self) -> str:
        """DOM id of the item's evidence and note, shown below the canvas."""
        return f"{self.dom_id}-details"

    @property
    def details_label(self) -> str | None:
        """What the item's details hold ("evidence", "note", "evidence & note"), or None."""
        if self.evidence:
            return "evidence & note" if self.note else "evidence"
        return "note" if self.note else None

    @property
    def classes(self) -> str:
        """The item's class attribute: "item item--profile item--pains status-verified",
        with "is-unlinked" added when it is flagged."""
        unlinked = "" if self.linked else " is-unlinked"
        return f"item item--{self.side} item--{self.section} status-{self.status}{unlinked}"

    @property
    def weight_text(self) -> str | None:
        """The weight and its word ("5 · extreme")."""
        return f"{self.weight} · {self.weight_word}" if self.weight else None

    @property
    def derived(self) -> bool:
        """Whether the rank shown was derived rather than written (marked as such)."""
        return self.rank_origin == "derived"


@dataclass(frozen=True)
class ScoreView:
    label: str
    text: str  # "83 %" or "—"
    percent: float | None  # 0–100 for bar widths
    addressed: int
    total: int


# Not frozen, for the reason Link is not: five of them per canvas.
@dataclass(slots=True)
class FitRow:
    """A row of the fit table: a score, its kind ("part" for jobs, pains and gains;
    "overall"; "verified") and the tone of its bar."""

    score: ScoreView
    kind: str
    tone: str  # "neutral", "verified", or the overall fit's band ("none" without one)


@dataclass(frozen=True)
class FitView:
    rows: tuple[ScoreView, ...]  # jobs, pains, gains
    overall: ScoreView
    verified: ScoreView
    band: str | None
    band_label: str
    target_low: float  # 0–100
    target_high: float
    target_text: str  # "50 %–70 %"
    #: rows, overall and verified, as the fit table lists them.
    table: tuple[FitRow, ...]

    @property
    def target_width(self) -> float:
        """Width of the target band on a 0–100 axis, for the bars' shading."""
        return round(self.target_high - self.target_low, 1)


@dataclass(frozen=True)
class CanvasView:
    id: str
    title: str
    summary: str
    segment_id: str
    segment_title: str
    products: tuple[ItemView, ...]
    relievers: tuple[ItemView, ...]
    creators: tuple[ItemView, ...]
    jobs: tuple[ItemView, ...]
    pains: tuple[ItemView, ...]
    gains: tuple[ItemView, ...]
    fit: FitView
    notes: LazyHtml
    #: Unaddressed customer items of weight ≥ 4 and orphan value-map items, for summaries.
    unaddressed_pains: tuple[ItemView, ...]
    unaddressed_gains: tuple[ItemView, ...]
    orphans: tuple[ItemView, ...]
    source_path: str

    @property
    def sections(self) -> dict[str, tuple[ItemView, ...]]:
        return {
            "products": self.products,
            "relievers": self.relievers,
            "creators": self.creators,
            "jobs": self.jobs,
            "pains": self.pains,
            "gains": self.gains,
        }


#: Renders Markdown for one document: (text, kind, key path) → HTML. Kind is "block" or
#: "inline"; the key path lets the renderer report the right line.
MarkdownFn = Callable[[str, str, tuple], LazyHtml]


def dom_id(section: str, item_id: str) -> str:
    """An item's id in the page: links, the highlight script and cards point at it."""
    return f"vpc-{section}-{item_id}"

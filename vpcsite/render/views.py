"""Model + fit → the prepared values templates show. Templates hold markup only: every
label, number, ranking, cross-reference and URL is computed here, once, in Python.

Pure functions; the same views feed the HTML pages and the PDF handouts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..fit import Fit, Score, delivered_products, gaps, percent
from ..model import OFFER_SCALE, Creator, Document, Gain, Item, Job, Pain, Reliever, Segment, ValueMap, ranked, scale_word
from ..ranks import OFFER_SECTIONS, Rank, offer_ranks

if TYPE_CHECKING:
    from .cards import CanvasCard


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
_SCALE_OF = {"jobs": "importance", "pains": "severity", "gains": "relevance"}
#: Sections whose items have a `kind` (relievers and creators have none; asking a pydantic
#: model for a missing attribute is slow, so the section decides).
_KINDED = frozenset({"jobs", "pains", "gains", "products"})
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


@dataclass(frozen=True)
class SegmentView:
    id: str
    title: str
    summary: str
    jobs: tuple[ItemView, ...]
    pains: tuple[ItemView, ...]
    gains: tuple[ItemView, ...]
    notes: LazyHtml
    #: The value maps that target this segment, best fit first.
    canvases: tuple[CanvasView | CanvasCard, ...] = field(default=())


#: Renders Markdown for one document: (text, kind, key path) → HTML. Kind is "block" or
#: "inline"; the key path lets the renderer report the right line.
MarkdownFn = Callable[[str, str, tuple], LazyHtml]


def dom_id(section: str, item_id: str) -> str:
    """An item's id in the page: links, the highlight script and cards point at it."""
    return f"vpc-{section}-{item_id}"


def _score_view(label: str, score: Score) -> ScoreView:
    value = score.value
    return ScoreView(label, percent(value), None if value is None else round(value * 100, 1), score.addressed, score.total)


def fit_view(result: Fit | None, target: tuple[float, float]) -> FitView:
    empty = Score(0, 0)
    jobs, pains, gains = (result.jobs, result.pains, result.gains) if result else (empty, empty, empty)
    overall = result.overall if result else empty
    verified = result.verified if result else empty
    band = result.band if result else None
    rows = (_score_view("Jobs", jobs), _score_view("Pains", pains), _score_view("Gains", gains))
    overall_view = _score_view("Fit", overall)
    verified_view = _score_view("Verified fit", verified)
    return FitView(
        rows=rows,
        overall=overall_view,
        verified=verified_view,
        band=band,
        band_label=BAND_LABELS[band],
        target_low=round(target[0] * 100, 1),
        target_high=round(target[1] * 100, 1),
        target_text=f"{percent(target[0])}–{percent(target[1])}",
        table=(
            *[FitRow(row, "part", "neutral") for row in rows],
            FitRow(overall_view, "overall", band or "none"),
            FitRow(verified_view, "verified", "verified"),
        ),
    )


def item_view(
    section: str,
    index: int,
    item: Item,
    ref: str,
    links: tuple[Link, ...],
    by: tuple[Link, ...],
    linked: bool,
    markdown: MarkdownFn,
    position_of: tuple,
    rank: Rank | None = None,
) -> ItemView:
    scale: str | None
    weight: int | None
    word: str | None
    if rank is not None:
        scale, weight, word = "importance", rank.value, scale_word(OFFER_SCALE, rank.value)
    else:
        scale = _SCALE_OF.get(section)
        weight = getattr(item, scale) if scale else None
        word = scale_word(scale, weight) if scale and weight else None
    return ItemView(
        ref=ref,
        dom_id=dom_id(section, item.id),
        id=item.id,
        section=section,
        text=item.text,
        kind=getattr(item, "kind", "") if section in _KINDED else "",  # the sections whose items have a kind
        status=item.status,
        weight=weight,
        weight_word=word,
        scale=scale,
        links=links,
        by=by,
        linked=linked,
        evidence=tuple(markdown(entry, "inline", (*position_of, "evidence", n)) for n, entry in enumerate(item.evidence)),
        note=markdown(item.note, "block", (*position_of, "note")) if item.note else None,
        rank_origin=None if rank is None else rank.origin,
    )


def ranked_customer(segment: Segment) -> dict[str, list[tuple[int, int, Job | Pain | Gain]]]:
    """Jobs, pains and gains in rank order, as (rank, index in the file, item): the
    rank gives the reference number ("P1" is the most severe pain)."""
    ranking: dict[str, list[tuple[int, int, Job | Pain | Gain]]] = {}
    for section in CUSTOMER_SECTIONS:
        items: list[Job | Pain | Gain] = getattr(segment, section)
        order = ranked(list(enumerate(items)), key=lambda pair: pair[1].weight)
        ranking[section] = [(rank, index, item) for rank, (index, item) in enumerate(order, start=1)]
    return ranking


def ranked_offer(segment: Segment, value_map: ValueMap) -> dict[str, list[tuple[int, int, Item, Rank]]]:
    """Products, relievers and creators in rank order, as (place, index in the file,
    item, rank): the place gives the reference number ("R1" ranks highest)."""
    ranks = offer_ranks(segment, value_map)
    ranking: dict[str, list[tuple[int, int, Item, Rank]]] = {}
    for section in OFFER_SECTIONS:
        order = ranked(list(enumerate(getattr(value_map, section))), key=lambda pair: ranks[section, pair[1].id].value)
        ranking[section] = [(place, index, item, ranks[section, item.id]) for place, (index, item) in enumerate(order, start=1)]
    return ranking


def product_links(ranking: dict[str, list[tuple[int, int, Item, Rank]]]) -> dict[str, Link]:
    """A link to every product by its id, numbered by rank."""
    return {item.id: Link(f"PS{place}", dom_id("products", item.id), item.text) for place, _, item, _ in ranking["products"]}


def _customer_refs(ranking: dict[str, list[tuple[int, int, Job | Pain | Gain]]]) -> dict[str, Link]:
    """A link to every customer item by its DOM id."""
    return {
        dom_id(section, item.id): Link(f"{PREFIX[section]}{rank}", dom_id(section, item.id), item.text)
        for section, entries in ranking.items()
        for rank, _, item in entries
    }


def _customer_views(
    segment: Segment,
    markdown: MarkdownFn,
    addressed_by: dict[str, list[Link]] | None = None,
    ranking: dict[str, list[tuple[int, int, Job | Pain | Gain]]] | None = None,
) -> dict[str, tuple[ItemView, ...]]:
    """Ranked jobs, pains and gains with their reference numbers."""
    ranking = ranking if ranking is not None else ranked_customer(segment)
    views: dict[str, tuple[ItemView, ...]] = {}
    for section, entries in ranking.items():
        views[section] = tuple(
            item_view(
                section,
                index,
                item,
                f"{PREFIX[section]}{rank}",
                tuple(addressed_by.get(dom_id(section, item.id), ())) if addressed_by is not None else (),
                (),
                bool(addressed_by.get(dom_id(section, item.id))) if addressed_by is not None else True,
                markdown,
                (section, index),
            )
            for rank, index, item in entries
        )
    return views


def canvas_view(
    document: Document,
    segment_document: Document,
    result: Fit | None,
    target: tuple[float, float],
    markdown: MarkdownFn,
    segment_markdown: MarkdownFn,
    notes: LazyHtml,
) -> CanvasView:
    value_map = document.model
    segment = segment_document.model
    assert isinstance(value_map, ValueMap) and isinstance(segment, Segment)
    # Reference numbers of the customer side come from its ranking.
    ranking = ranked_customer(segment)
    customer_ref = _customer_refs(ranking)
    offer_ranking = ranked_offer(segment, value_map)
    product_refs = product_links(offer_ranking)
    delivered = delivered_products(value_map)
    addressed_by: dict[str, list[Link]] = {}
    offer: dict[str, list[ItemView]] = {"products": [], "relievers": [], "creators": []}
    targets = {"products": ("jobs", "jobs"), "relievers": ("relieves", "pains"), "creators": ("creates", "gains")}
    for section, (key, into) in targets.items():
        for place, index, item, rank in offer_ranking[section]:
            ref = f"{PREFIX[section]}{place}"
            me = Link(ref, dom_id(section, item.id), item.text)
            links = []
            for target_id in getattr(item, key):
                link = customer_ref.get(dom_id(into, target_id))
                if link is not None:
                    links.append(link)
                    addressed_by.setdefault(link.dom_id, []).append(me)
            by = tuple(product_refs[p] for p in item.by if p in product_refs) if isinstance(item, (Reliever, Creator)) else ()
            delivering = section == "products" and item.id in delivered
            offer[section].append(
                item_view(
                    section,
                    index,
                    item,
                    ref,
                    tuple(sorted(links, key=lambda link: _ref_order(link.ref))),
                    by,
                    bool(links) or delivering,
                    markdown,
                    (section, index),
                    rank,
                )
            )
    customer = _customer_views(segment, segment_markdown, addressed_by, ranking)
    # The same gaps data/site.json lists, worked out from the model alone.
    open_ = gaps(segment, value_map)
    by_id = {(v.section, v.id): v for section in (customer["pains"], customer["gains"], *offer.values()) for v in section}
    unaddressed_pains = tuple(by_id["pains", item_id] for item_id in open_.pains)
    unaddressed_gains = tuple(by_id["gains", item_id] for item_id in open_.gains)
    orphans = tuple(by_id[place] for place in open_.orphans)
    return CanvasView(
        id=value_map.id,
        title=value_map.title,
        summary=value_map.summary,
        segment_id=segment.id,
        segment_title=segment.title,
        products=tuple(offer["products"]),
        relievers=tuple(offer["relievers"]),
        creators=tuple(offer["creators"]),
        jobs=customer["jobs"],
        pains=customer["pains"],
        gains=customer["gains"],
        fit=fit_view(result, target),
        notes=notes,
        unaddressed_pains=unaddressed_pains,
        unaddressed_gains=unaddressed_gains,
        orphans=orphans,
        source_path=document.relative,
    )


def _ref_order(ref: str) -> tuple[str, int]:
    letters = ref.rstrip("0123456789")
    return (letters, int(ref[len(letters) :]))


def best_first(canvases: tuple[CanvasView | CanvasCard, ...]) -> tuple[CanvasView | CanvasCard, ...]:
    """The value maps of a segment as its page lists them: best fit first."""
    return tuple(sorted(canvases, key=lambda c: (-(c.fit.overall.percent or -1), c.id)))


def segment_view(document: Document, markdown: MarkdownFn, notes: LazyHtml, canvases: tuple[CanvasView | CanvasCard, ...]) -> SegmentView:
    segment = document.model
    assert isinstance(segment, Segment)
    customer = _customer_views(segment, markdown, None)
    best = best_first(canvases)
    return SegmentView(segment.id, segment.title, segment.summary, customer["jobs"], customer["pains"], customer["gains"], notes, best)

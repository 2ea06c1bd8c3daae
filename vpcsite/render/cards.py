"""Canvases and segments as lists show them: the cards on the index and segment pages
and the rows of the fit summary, prepared from the model in a fraction of the time of
the whole views, and what those lists show of a canvas, as one key (see keys.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..fit import Fit, gaps
from ..model import Document, Item, Segment, ValueMap, ranked
from .prepare import customer_views, fit_view, item_view, product_links, ranked_customer, ranked_offer
from .views import PREFIX, CanvasView, FitView, ItemView, LazyHtml, MarkdownFn


class CanvasCard:
    """A canvas as lists show it (index, fit summary, segment pages): its title, fit
    and gaps, prepared in a fraction of the time of the whole view (the gaps when first
    asked for: a list made of remembered pieces never asks). A template that asks for
    anything else (a theme's own index listing items, say) gets it from the canvas's
    whole view, prepared then. `key` is the hash of what the card shows
    (`card_values`), or None when a template of the site's own may show more."""

    __slots__ = ("_open", "_open_items", "_whole", "fit", "id", "key", "segment_id", "segment_title", "summary", "title")

    def __init__(
        self,
        value_map: ValueMap,
        segment: Segment,
        fit: FitView,
        open_items: Callable[[], tuple[tuple[ItemView, ...], ...]],
        whole: Callable[[], CanvasView],
        key: str | None = None,
    ):
        self.id = value_map.id
        self.title = value_map.title
        self.summary = value_map.summary
        self.segment_id = segment.id
        self.segment_title = segment.title
        self.fit = fit
        self.key = key
        self._open = open_items
        self._open_items: tuple[tuple[ItemView, ...], ...] | None = None
        self._whole = whole

    def _gaps(self) -> tuple[tuple[ItemView, ...], ...]:
        if self._open_items is None:
            self._open_items = self._open()
        return self._open_items

    @property
    def unaddressed_pains(self) -> tuple[ItemView, ...]:
        return self._gaps()[0]

    @property
    def unaddressed_gains(self) -> tuple[ItemView, ...]:
        return self._gaps()[1]

    @property
    def orphans(self) -> tuple[ItemView, ...]:
        return self._gaps()[2]

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._whole(), name)


def canvas_card(
    value_map: ValueMap,
    segment: Segment,
    result: Fit | None,
    target: tuple[float, float],
    markdown: MarkdownFn,
    segment_markdown: MarkdownFn,
    whole: Callable[[], CanvasView],
    key: str | None = None,
) -> CanvasCard:
    """The card of a canvas: its gaps as the same item views its whole view holds."""

    def open_items() -> tuple[tuple[ItemView, ...], ...]:
        open_ = gaps(segment, value_map)
        ranks = {section: {item.id: (rank, index, item) for rank, index, item in entries} for section, entries in ranked_customer(segment).items()}
        customer = tuple(
            tuple(
                item_view(section, index, item, f"{PREFIX[section]}{rank}", (), (), False, segment_markdown, (section, index))
                for rank, index, item in (ranks[section][item_id] for item_id in ids)
            )
            for section, ids in (("pains", open_.pains), ("gains", open_.gains))
        )
        offer = ranked_offer(segment, value_map)
        product_refs = product_links(offer)
        positions = {(section, item.id): (place, index, item, rank) for section, entries in offer.items() for place, index, item, rank in entries}
        orphans = []
        for section, item_id in open_.orphans:
            place, n, item, rank = positions[section, item_id]
            by = () if section == "products" else tuple(product_refs[p] for p in item.by if p in product_refs)  # type: ignore[attr-defined]
            orphans.append(item_view(section, n, item, f"{PREFIX[section]}{place}", (), by, False, markdown, (section, n), rank))
        return (*customer, tuple(orphans))

    return CanvasCard(value_map, segment, fit_view(result, target), open_items, whole, key)


def card_values(value_map: ValueMap, segment: Segment, result: Fit | None) -> tuple:
    """All that a canvas's card, its row of the fit table and its gaps show where
    canvases are listed (index, fit summary, segment pages): the built-in templates of
    those pages depend on this, not on the whole canvas, so an edited note or the text
    of a linked item re-renders the canvas's own page only."""
    open_ = gaps(segment, value_map)
    customer: dict[tuple[str, str], tuple[int, Item]] = {}
    for section in ("pains", "gains"):
        for rank, item in enumerate(ranked(list(getattr(segment, section))), start=1):
            customer[section, item.id] = (rank, item)
    offer = {
        (section, item.id): (place, item.text, rank)
        for section, entries in ranked_offer(segment, value_map).items()
        for place, _, item, rank in entries
    }
    shown: list[tuple] = []
    for section, item_id in [*(("pains", i) for i in open_.pains), *(("gains", i) for i in open_.gains)]:
        rank, item = customer[section, item_id]
        shown.append((section, item_id, rank, item.text, item.weight))  # type: ignore[attr-defined]
    for section, item_id in open_.orphans:
        number, text, weight = offer[section, item_id]
        shown.append((section, item_id, number, text, weight))
    return (value_map.id, value_map.title, value_map.summary, segment.id, segment.title, repr(result), tuple(shown))


class Later(Sequence):
    """A list whose length is known now and whose items are made when first asked for
    (a segment card's jobs: the index counts them, a theme might list them)."""

    def __init__(self, count: int, make: Callable[[], tuple]):
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._make()[index]

    def __iter__(self) -> Iterator:
        return iter(self._make())


class SegmentCard:
    """A segment as lists show it: title, summary, how many jobs, pains and gains, and
    the cards of the canvases that target it. Anything else comes from its whole view.
    `key` names what the index shows of it (its outline and its canvases' card keys),
    or is None when a template of the site's own may show more."""

    __slots__ = ("_whole", "canvases", "gains", "id", "jobs", "key", "pains", "summary", "title")

    def __init__(self, segment: Segment, canvases: tuple[CanvasCard, ...], whole: Callable[[], SegmentView], key: str | None = None):
        self.key = key
        self.id = segment.id
        self.title = segment.title
        self.summary = segment.summary
        self.jobs = Later(len(segment.jobs), lambda: whole().jobs)
        self.pains = Later(len(segment.pains), lambda: whole().pains)
        self.gains = Later(len(segment.gains), lambda: whole().gains)
        self.canvases = best_first(canvases)
        self._whole = whole

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._whole(), name)


# --- The segment page -------------------------------------------------------------


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


def best_first(canvases: tuple[CanvasView | CanvasCard, ...]) -> tuple[CanvasView | CanvasCard, ...]:
    """The value maps of a segment as its page lists them: best fit first."""
    return tuple(sorted(canvases, key=lambda c: (-(c.fit.overall.percent or -1), c.id)))


def segment_view(document: Document, markdown: MarkdownFn, notes: LazyHtml, canvases: tuple[CanvasView | CanvasCard, ...]) -> SegmentView:
    segment = document.model
    assert isinstance(segment, Segment)
    customer = customer_views(segment, markdown, None)
    best = best_first(canvases)
    return SegmentView(segment.id, segment.title, segment.summary, customer["jobs"], customer["pains"], customer["gains"], notes, best)

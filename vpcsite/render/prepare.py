"""Model + fit → the views templates show (views.py): the fit table, every item with
its reference, rank, links and words, the whole canvas. Pure functions.
"""

from __future__ import annotations

from ..fit import Fit, Score, delivered_products, gaps, percent
from ..memo import remembered
from ..model import OFFER_SCALE, Creator, Document, Gain, Item, Job, Pain, Reliever, Segment, ValueMap, ranked, scale_word
from ..ranks import OFFER_SECTIONS, Rank, offer_ranks
from .views import (
    BAND_LABELS,
    CUSTOMER_SECTIONS,
    PREFIX,
    CanvasView,
    FitRow,
    FitView,
    ItemView,
    LazyHtml,
    Link,
    MarkdownFn,
    ScoreView,
    dom_id,
)

_SCALE_OF = {"jobs": "importance", "pains": "severity", "gains": "relevance"}


#: Sections whose items have a `kind` (relievers and creators have none; asking a pydantic
#: model for a missing attribute is slow, so the section decides).
_KINDED = frozenset({"jobs", "pains", "gains", "products"})


def _score_view(label: str, score: Score) -> ScoreView:
    value = score.value
    return ScoreView(label, percent(value), None if value is None else round(value * 100, 1), score.addressed, score.total)


def fit_view(result: Fit | None, target: tuple[float, float]) -> FitView:
    """How pages show a fit, remembered by the fit and the target band (views are
    immutable, so one serves every canvas with it): the lists of a process that builds
    again (the dev server) ask for every canvas's view."""
    return remembered((FIT_VIEWS, result, target), lambda: _fit_view(result, target))


#: The memo's kind (memo.py) of fit views.
FIT_VIEWS = "fit-view"


def _fit_view(result: Fit | None, target: tuple[float, float]) -> FitView:
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


def customer_views(
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
    customer = customer_views(segment, segment_markdown, addressed_by, ranking)
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

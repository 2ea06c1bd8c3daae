"""The method beyond the canvas as templates show it: experiment pages and the board,
the assumptions map, Business Model Canvases. Pure views from the checked site, like
views.py; `method_jobs` adds their pages to the site's page jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..experiments import tested
from ..fit import Fit, percent
from ..model import SINGULAR, Document, Site
from ..urls import ASSUMPTIONS_URL, EXPERIMENTS_URL, business_model_url, canvas_url, experiment_url, segment_url
from .assumptions import assumptions_map
from .views import ItemView, LazyHtml, dom_id

if TYPE_CHECKING:
    from ..check import CheckResult
    from ..config import SiteConfig


class Renderer(Protocol):
    """What the method's pages need of the site renderer (render/site.py, which adds
    them to its page jobs): named here, so this module need not import the renderer."""

    @property
    def checked(self) -> CheckResult: ...

    @property
    def config(self) -> SiteConfig: ...

    def body_of(self, document: Document, page: str) -> LazyHtml: ...


#: A page job, as the renderer's `make_job` makes it.
Job = TypeVar("Job")

STATES = ("planned", "running", "done")
STATE_TITLES = {"planned": "Planned", "running": "Running", "done": "Done"}
RATING_TITLES = (("critical", "Critical"), ("cost", "Cost"), ("reliability", "Reliability"), ("time", "Time"))


@dataclass(frozen=True, slots=True)
class TestedItem:
    """An item an experiment tests, linked where it is drawn."""

    noun: str  # "pain"
    id: str
    text: str
    status: str
    url: str  # site-root-relative, with the item's anchor


@dataclass(frozen=True)
class ExperimentView:
    id: str
    title: str
    kind: str
    state: str
    owner: str
    deadline: str
    concluded: str
    result: str
    decision: str
    hypothesis: str
    test: str
    metric: str
    criteria: str
    ratings: tuple[tuple[str, int], ...]
    observation: str
    learning: str
    target_noun: str  # "canvas" | "segment"
    target_title: str
    target_url: str
    tested: tuple[TestedItem, ...]
    notes: LazyHtml | None = None

    @property
    def url(self) -> str:
        return experiment_url(self.id)

    @property
    def state_title(self) -> str:
        return STATE_TITLES[self.state]


def experiment_view(site: Site, document: Document, notes: LazyHtml | None = None) -> ExperimentView:
    model = document.model
    kind, target_id = model.target
    target = (site.value_maps if kind == "value-map" else site.segments).get(target_id)
    tested_list = []
    for owner, section, index in tested(site, document).values():
        item = getattr(owner.model, section)[index]
        if owner.model.type == "value-map":
            page = canvas_url(owner.model.id)
        elif kind == "value-map":
            page = canvas_url(target_id)  # a customer item, drawn on the canvas tested
        else:
            page = segment_url(owner.model.id)
        tested_list.append(TestedItem(SINGULAR[section], item.id, item.text, item.status, f"{page}#{dom_id(section, item.id)}"))
    return ExperimentView(
        id=model.id,
        title=model.title,
        kind=model.kind,
        state=model.state,
        owner=model.owner,
        deadline=model.deadline.isoformat() if model.deadline else "",
        concluded=model.concluded.isoformat() if model.concluded else "",
        result=model.result or "",
        decision=model.decision or "",
        hypothesis=model.hypothesis,
        test=model.test,
        metric=model.metric,
        criteria=model.criteria,
        ratings=tuple((title, getattr(model.ratings, key)) for key, title in RATING_TITLES if getattr(model.ratings, key) is not None),
        observation=model.observation,
        learning=model.learning,
        target_noun="canvas" if kind == "value-map" else "segment",
        target_title=target.model.title if target is not None else target_id,
        target_url=(canvas_url if kind == "value-map" else segment_url)(target_id),
        tested=tuple(tested_list),
        notes=notes,
    )


def board(views: list[ExperimentView]) -> tuple[tuple[str, str, tuple[ExperimentView, ...]], ...]:
    """Planned, running and done, each by deadline (then id); done by conclusion, latest first."""
    columns = []
    for state in STATES:
        mine = [v for v in views if v.state == state]
        if state == "done":
            mine.sort(key=lambda v: (v.concluded or "", v.id), reverse=True)
        else:
            mine.sort(key=lambda v: (v.deadline or "9999", v.id))
        columns.append((state, STATE_TITLES[state], tuple(mine)))
    return tuple(columns)


def experiments_by_owner(site: Site) -> dict[tuple[str, str], list[Document]]:
    """The experiments that test items of each segment or value map, by (type, id), in
    id order: canvas and segment pages list them."""
    found: dict[tuple[str, str], list[Document]] = {}
    for _, experiment in sorted(site.experiments.items()):
        for key in dict.fromkeys((owner.model.type, owner.model.id) for owner, _, _ in tested(site, experiment).values()):
            found.setdefault(key, []).append(experiment)
    return found


def experiments_on(site: Site, index: dict[tuple[str, str], list[Document]], owners: list[tuple[str, str]]) -> list[ExperimentView]:
    """The experiments on the items of these documents (a canvas: its value map and
    segment), as their pages list them."""
    chosen = {experiment.model.id: experiment for key in owners for experiment in index.get(key, ())}
    return [experiment_view(site, chosen[i]) for i in sorted(chosen)]


def mark_results(
    sections: dict[str, tuple[ItemView, ...]], results: dict[tuple[str, str, str], tuple[str, str]], owners: dict[str, tuple[str, str]]
) -> None:
    """Give each item of a view its latest experiment result (the mark on the drawing).
    `owners` maps a section to the (document type, id) its items belong to."""
    for section, items in sections.items():
        if section not in owners:
            continue
        kind, owner_id = owners[section]
        for item in items:
            found = results.get((kind, owner_id, item.id))
            if found is not None:
                item.result, item.result_title = found


# --- Business Model Canvas ----------------------------------------------------------

BLOCK_TITLES = {
    "key_partners": "Key partners",
    "key_activities": "Key activities",
    "key_resources": "Key resources",
    "value_propositions": "Value propositions",
    "customer_relationships": "Customer relationships",
    "channels": "Channels",
    "segments": "Customer segments",
    "cost_structure": "Cost structure",
    "revenue_streams": "Revenue streams",
}


@dataclass(frozen=True, slots=True)
class BlockEntry:
    text: str
    url: str = ""  # site-root-relative, for value propositions and segments
    detail: str = ""  # "fit 64 %" or a status
    status: str = ""
    dom_id: str = ""  # a written block's item: where search results lead (render/search.py)


@dataclass(frozen=True)
class BusinessModelView:
    id: str
    title: str
    summary: str
    blocks: dict[str, tuple[BlockEntry, ...]]
    notes: LazyHtml | None = None

    @property
    def url(self) -> str:
        return business_model_url(self.id)

    def block(self, name: str) -> tuple[str, str, tuple[BlockEntry, ...]]:
        """(css name, title, entries) of one of the nine blocks."""
        return (name.replace("_", "-"), BLOCK_TITLES[name], self.blocks[name])


def business_model_view(site: Site, document: Document, fits: dict[str, Fit], notes: LazyHtml | None = None) -> BusinessModelView:
    model = document.model
    blocks: dict[str, tuple[BlockEntry, ...]] = {}
    for name in BLOCK_TITLES:
        if name == "value_propositions":
            entries = []
            for map_id in model.value_propositions:
                value_map = site.value_maps.get(map_id)
                if value_map is None:
                    continue
                result = fits.get(map_id)
                entries.append(BlockEntry(value_map.model.title, canvas_url(map_id), f"fit {percent(result.overall.value if result else None)}"))
            blocks[name] = tuple(entries)
        elif name == "segments":
            blocks[name] = tuple(BlockEntry(site.segments[s].model.title, segment_url(s)) for s in model.segments if s in site.segments)
        else:
            blocks[name] = tuple(BlockEntry(item.text, status=item.status, dom_id=dom_id(name, item.id)) for item in getattr(model, name))
    return BusinessModelView(model.id, model.title, model.summary, blocks, notes)


# --- what the site's other pages take from here ----------------------------------------


class MethodViews:
    """What canvas, segment and index pages show of experiments and business models,
    worked out once per build: the latest result of each tested item (the marks on the
    drawings), the experiments on each document's items, the business models' views."""

    def __init__(self, site: Site, fits: dict[str, Fit]) -> None:
        self.site = site
        self.fits = fits
        self.results = latest_results(site) if site.experiments else {}
        self._by_owner: dict[tuple[str, str], list[Document]] | None = None
        self._by_document: dict[tuple[str, str], list] | None = None

    def experiments_on(self, owners: list[tuple[str, str]]) -> list[ExperimentView]:
        """The experiments on the items of these documents, by (type, id)."""
        if not self.site.experiments:
            return []
        if self._by_owner is None:
            self._by_owner = experiments_by_owner(self.site)
        return experiments_on(self.site, self._by_owner, owners)

    def on_canvas(self, map_id: str) -> list[ExperimentView]:
        return self.experiments_on([("value-map", map_id), ("segment", self.site.value_maps[map_id].model.segment)])

    def on_segment(self, segment_id: str) -> list[ExperimentView]:
        return self.experiments_on([("segment", segment_id)])

    def mark(self, sections: dict[str, tuple[ItemView, ...]], map_id: str | None, segment_id: str) -> None:
        """Mark the items of a canvas's or segment's view with their latest results."""
        if not self.results:
            return
        owners = {s: ("segment", segment_id) for s in ("jobs", "pains", "gains")}
        if map_id is not None:
            owners.update({s: ("value-map", map_id) for s in ("products", "relievers", "creators")})
        mark_results(sections, self.results, owners)

    def results_key(self, map_id: str, segment_id: str) -> str:
        """What the marks on a canvas's drawing depend on: its items' latest results."""
        if not self.results:
            return ""
        if self._by_document is None:
            self._by_document = {}
            for (kind, document_id, item_id), result in sorted(self.results.items()):
                self._by_document.setdefault((kind, document_id), []).append((item_id, result))
        return repr((self._by_document.get(("value-map", map_id)), self._by_document.get(("segment", segment_id))))

    def business_models(self) -> list[BusinessModelView]:
        """Every business model as the index and the handout show it."""
        return [business_model_view(self.site, d, self.fits) for _, d in sorted(self.site.business_models.items())]


# --- pages --------------------------------------------------------------------------


def method_nav(site: Site) -> list[tuple[str, str]]:
    """Navigation entries for the pages the site has: (title, url)."""
    nav = []
    if site.experiments:
        nav += [("Experiments", EXPERIMENTS_URL), ("Assumptions", ASSUMPTIONS_URL)]
    if site.business_models:
        nav.append(
            (
                "Business models",
                business_model_url(sorted(site.business_models)[0]) if len(site.business_models) == 1 else "index.html#business-models",
            )
        )
    return nav


def method_jobs(renderer: Renderer, make_job: Callable[..., Job]) -> list[Job]:
    """The experiment pages, the board and the assumptions map (when the site has
    experiments), and a page per business model. Each shows whole documents: the key of
    a page covers every file whose values it shows."""
    site = renderer.checked.site
    jobs = []
    if site.experiments:
        targets = {experiment.model.target for experiment in site.experiments.values()}
        target_digests = tuple(
            (site.value_maps if kind == "value-map" else site.segments)[i].digest
            for kind, i in sorted(targets)
            if i in (site.value_maps if kind == "value-map" else site.segments)
        )
        all_experiments = tuple(site.experiments[i].digest for i in sorted(site.experiments))
        for experiment_id, document in sorted(site.experiments.items()):
            url = experiment_url(experiment_id)
            shows = (document.digest, *_owners(site, document))
            jobs.append(
                make_job(
                    url,
                    "experiment.html",
                    document.model.title,
                    "experiment",
                    lambda d=document, u=url: {"experiment": experiment_view(site, d, renderer.body_of(d, u))},
                    shows,
                    document.model.hypothesis,
                )
            )
        jobs.append(
            make_job(
                EXPERIMENTS_URL,
                "experiments.html",
                "Experiments",
                "experiments",
                lambda: {"board": board([experiment_view(site, d) for _, d in sorted(site.experiments.items())])},
                (*all_experiments, *target_digests),
            )
        )
        everything = tuple(d.digest for d in (*site.segments.values(), *site.value_maps.values()))
        jobs.append(
            make_job(
                ASSUMPTIONS_URL,
                "assumptions.html",
                "Assumptions map",
                "assumptions",
                lambda: {"assumptions": assumptions_map(site)},
                (*all_experiments, *everything),
            )
        )
    for model_id, document in sorted(site.business_models.items()):
        url = business_model_url(model_id)
        shown = [site.value_maps[i] for i in document.model.value_propositions if i in site.value_maps]
        shown += [site.segments[i] for i in document.model.segments if i in site.segments]
        shown += [site.segments[d.model.segment] for d in shown if d.model.type == "value-map" and d.model.segment in site.segments]
        jobs.append(
            make_job(
                url,
                "business-model.html",
                document.model.title,
                "business-model",
                lambda d=document, u=url: {"model": business_model_view(site, d, renderer.checked.fits, renderer.body_of(d, u))},
                (document.digest, *(d.digest for d in shown), repr(renderer.config.fit.target)),
                document.model.summary,
            )
        )
    return jobs


def _owners(site: Site, experiment: Document) -> tuple[str, ...]:
    """Digests of the documents whose items an experiment shows (and of its target)."""
    kind, target_id = experiment.model.target
    found = {owner.digest for owner, _, _ in tested(site, experiment).values()}
    target = (site.value_maps if kind == "value-map" else site.segments).get(target_id)
    if target is not None:
        found.add(target.digest)
    return tuple(sorted(found))


def latest_results(site: Site) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Each tested item's latest result, inconclusive included, as (result, experiment
    title), for the mark on the drawing: (document type, document id, item id) → it."""
    import datetime as dt

    done = sorted(
        (d for d in site.experiments.values() if d.model.state == "done" and d.model.result),
        key=lambda d: (d.model.concluded or dt.date.min, d.path),
    )
    found: dict[tuple[str, str, str], tuple[str, str]] = {}
    for experiment in done:
        for item_id, (owner, _, _) in tested(site, experiment).items():
            found[owner.model.type, owner.model.id, item_id] = (experiment.model.result, experiment.model.title)
    return found

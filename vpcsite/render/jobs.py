"""Every page and drawing a site writes, as jobs: where, with which template, the values
to render it with (made when it is rendered), and what it shows, the parts of its key
(keys.py). The renderer (site.py) prepares the views; this module lists the work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from ..urls import canvas_url, segment_url, svg_url
from .html import NavLink, PageInfo, SiteInfo, fit_chart
from .keys import TemplateKeys
from .method import method_jobs, method_nav

if TYPE_CHECKING:
    from .site import SiteRenderer


@dataclass(frozen=True)
class PageJob:
    """One page to write: where, with which template, from which prepared values, and
    the hashes of the documents it shows (see keys.py)."""

    url: str
    template: str
    info: PageInfo
    #: The template's values, prepared when the page is rendered.
    values: Callable[[], dict]
    shows: tuple[str, ...] = ()
    #: Run once the page is written (canvas.svg lets its canvas go: SiteRenderer.let_go).
    after: Callable[[], None] | None = None


def whole_documents(templates: TemplateKeys | None, name: str) -> bool:
    """Whether a page shows whole documents: a template of the site's own may show anything."""
    return templates is None or not templates[name].builtin


def drawing_job(renderer: SiteRenderer, map_id: str, whole: bool) -> PageJob:
    """canvases/<id>/canvas.svg. It shows the outlines of the value map and its segment
    (items, not notes or evidence), so a note edit leaves it be; `whole`
    (`whole_documents`): a template of the site's own may show anything, so then whole
    documents count."""
    site = renderer.checked.site
    document = site.value_maps[map_id]
    segment = site.segments[document.model.segment]  # type: ignore[union-attr]
    shows = (document.digest, segment.digest) if whole else (document.outline, segment.outline, renderer.method.results_key(map_id, segment.model.id))
    url = svg_url(map_id)
    info = PageInfo(document.model.title, url, "svg")
    return PageJob(url, "canvas.svg", info, partial(renderer.drawn, map_id), shows, partial(renderer.let_go, map_id))


def canvas_job(renderer: SiteRenderer, map_id: str) -> PageJob:
    site = renderer.checked.site
    document = site.value_maps[map_id]
    model = document.model
    url = canvas_url(map_id)
    shows: tuple[str, ...] = (document.digest, site.segments[model.segment].digest, renderer.history_key(map_id))  # type: ignore[union-attr]
    info = PageInfo(model.title, url, "canvas", model.summary, canonical(renderer, url))
    return PageJob(url, "canvas.html", info, partial(renderer.canvas_values, map_id), shows)


def canvas_made_of(renderer: SiteRenderer, map_id: str, whole_drawing: bool) -> tuple[str, ...]:
    """What the keys of a canvas's page and drawing are made of besides their templates
    and the site's setting (`canvas_job`, `drawing_job`: their infos and what they show
    follow from these): a rebuild finds the keys of unchanged canvases by it, without
    making their jobs (write.py)."""
    site = renderer.checked.site
    document = site.value_maps[map_id]
    segment = site.segments[document.model.segment]  # type: ignore[union-attr]
    results = "" if whole_drawing else renderer.method.results_key(map_id, segment.model.id)
    return (map_id, document.path, document.digest, segment.path, segment.digest, renderer.history_key(map_id), results)


def site_info(renderer: SiteRenderer) -> SiteInfo:
    """What every page shows of the site: its title, navigation, stylesheets and scripts."""
    nav = [NavLink("Canvases", "index.html"), NavLink("Fit summary", "fit/index.html")]
    nav += [NavLink(title, url) for title, url in method_nav(renderer.checked.site)]
    nav += [NavLink(document.model.title, url) for document, url, _ in renderer.pages]
    return SiteInfo(
        title=renderer.config.title,
        base_url=renderer.config.base_url,
        pdf=renderer.pdf,
        nav=tuple(nav),
        stylesheets=renderer.theme.stylesheets,
        scripts=renderer.theme.scripts,
    )


def canonical(renderer: SiteRenderer, url: str) -> str | None:
    """A page's address under the site's base URL (pretty: without index.html), when set."""
    base = renderer.config.base_url
    if not base:
        return None
    pretty = url.removesuffix("index.html")
    return base.rstrip("/") + "/" + pretty


def page_jobs(renderer: SiteRenderer, templates: TemplateKeys | None = None) -> list[PageJob]:
    """Every page but the canvases' own (`canvas_job`, which a build asks for one by
    one), with what it shows (see keys.py): pages listing canvases show their outlines
    when their templates are all built in, else whole documents. Views are asked for
    only when a page is rendered."""
    site = renderer.checked.site

    outlines: list[tuple[str, ...]] = []  # what lists show, worked out once for both

    def listed(template: str) -> tuple[str, ...]:
        if templates is None or not templates[template].builtin:
            shown = [*(site.value_maps[i] for i in renderer.canvas_ids), *(site.segments[i] for i in renderer.segment_ids)]
            return tuple(d.digest for d in shown)
        if not outlines:
            outlines.append((*(renderer.card_keys[i] for i in renderer.canvas_ids), *(site.segments[i].outline for i in renderer.segment_ids)))
        return outlines[0]

    def lists() -> dict:
        return {"canvases": [renderer.card(i) for i in renderer.canvas_ids], "segments": [renderer.segment_card(i) for i in renderer.segment_ids]}

    def fit_values() -> dict:
        shown = lists()
        trends = {map_id: renderer.trend(map_id) for map_id in renderer.canvas_ids}
        note = renderer.history.note if renderer.history else None
        return {**shown, "chart": fit_chart(shown["canvases"], renderer.config.fit.target), "trends": trends, "history_note": note}

    history = (renderer.history.note or "", *(renderer.history_key(i) for i in renderer.canvas_ids)) if renderer.history else ()

    home = renderer.home_document.digest if renderer.home_document else ""
    jobs = [
        PageJob(
            "index.html",
            "index.html",
            PageInfo(renderer.home_title, "index.html", "index", canonical=canonical(renderer, "index.html")),
            lambda: {**lists(), "intro": renderer.home, "business_models": renderer.method.business_models()},
            (home, *listed("index.html"), *(d.digest for _, d in sorted(site.business_models.items()))),
        ),
        PageJob(
            "fit/index.html",
            "fit.html",
            PageInfo("Fit summary", "fit/index.html", "fit", canonical=canonical(renderer, "fit/index.html")),
            fit_values,
            (*listed("fit.html"), *history),
        ),
        PageJob("404.html", "404.html", PageInfo("Page not found", "404.html", "404"), dict),
    ]
    segment_whole = whole_documents(templates, "segment.html")
    for segment_id in renderer.segment_ids:
        document = site.segments[segment_id]
        url = segment_url(segment_id)
        mine = [site.value_maps[map_id] for map_id in renderer.targeting.get(segment_id, ())]
        shows = (document.digest, *(d.digest if segment_whole else renderer.card_keys[d.model.id] for d in mine))
        info = PageInfo(document.model.title, url, "segment", document.model.summary, canonical(renderer, url))
        values = lambda segment_id=segment_id: {"segment": renderer.segment(segment_id), "experiments": renderer.method.on_segment(segment_id)}  # noqa: E731
        jobs.append(PageJob(url, "segment.html", info, values, shows))
    for document, url, body in renderer.pages:
        info = PageInfo(document.model.title, url, "page", document.model.summary, canonical(renderer, url))
        jobs.append(PageJob(url, "page.html", info, partial(dict, content=body), (document.digest,)))
    jobs += method_jobs(renderer, partial(make_job, renderer))
    return jobs


def make_job(
    renderer: SiteRenderer, url: str, template: str, title: str, kind: str, values: Callable[[], dict], shows: tuple[str, ...], description: str = ""
) -> PageJob:
    return PageJob(url, template, PageInfo(title, url, kind, description, canonical(renderer, url)), values, shows)

"""The PDF stage of a build: pdf/<canvas>.pdf for every canvas and pdf/handout.pdf,
laid out with the print theme, and the layout record `check` repeats the overflow
warnings from (layouts.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...diagnostics import Diagnostic, diagnostic
from ...layouts import CACHE_FOLDER, layout_sources, overflow_warning, previous_sizes, write_layout
from ...urls import canvas_url
from ...workers import cpu_count
from .cache import HANDOUT_FILE, PdfCache, cache_key, fingerprint
from .fitting import BASE_TYPE, render_pdf
from .handout import assemble_handout, handout_key, page_numbers_html, previous_handout
from .pool import RENDER_TIMEOUT, PdfJob, PdfOutcome, render_canvases
from .sandbox import ORIGIN, make_fetcher_class, refused_warnings

if TYPE_CHECKING:
    from ..site import SiteRenderer


@dataclass
class PdfReport:
    diagnostics: list[Diagnostic]
    rendered: list[str]  # canvas ids laid out by WeasyPrint in this build
    reused: list[str]  # canvas ids taken from the cache
    written: list[str]  # output paths, relative to the output folder


def write_pdfs(
    renderer: SiteRenderer,
    staging: Path,
    previous: Path | None,
    *,
    workers: int,
    progress: Callable[[str, int, int], None] | None = None,
    timeout: float = RENDER_TIMEOUT,
) -> PdfReport:
    """Write pdf/<canvas>.pdf for every canvas and pdf/handout.pdf into `staging`."""
    from ...output import write_file
    from ...theme import find_theme, static_folders, theme_chain
    from ..files import static_files
    from ..html import PageInfo, SiteInfo, fit_chart, make_environment, render_page

    config = renderer.config
    root = renderer.root
    theme = find_theme("print", root)
    env = make_environment(root, theme)
    size, orientation = config.pdf.page_size, config.pdf.orientation
    # The files a PDF may embed: the print theme's and the site's static files, and the
    # files Markdown links to (already checked to lie inside content/).
    files: dict[str, Path] = {}
    for folder in [*static_folders(root, theme), root / "static"]:
        for source, relative in static_files(folder, root)[0]:
            files[f"{ORIGIN}static/{relative}"] = source
    info = SiteInfo(config.title, config.base_url, True, (), theme.stylesheets, ())
    canvases = list(renderer.canvases.values())
    htmls: dict[str, tuple[str, str]] = {}
    for view in canvases:
        url = canvas_url(view.id)
        page = PageInfo(view.title, url, "canvas", view.summary)
        htmls[view.id] = (view.title, render_page(env, "canvas.html", info, page, canvas=view))
    # A canvas can fetch the static files and the files beside its own page; its cache
    # key covers exactly those, so one canvas's new image leaves the others cached.
    shared = fingerprint(files)
    own: dict[str, dict[str, Path]] = {}
    for url, asset in renderer.assets.items():
        files[f"{ORIGIN}{url}"] = asset.source
        # Assets sit below the page that shows them: "canvases/<id>/images/x.png".
        own.setdefault("/".join(url.split("/")[:2]), {})[url] = asset.source
    roots = (root / config.content_dir, root / "static", *(t.folder for t in theme_chain(theme, root)))
    fetcher_class = make_fetcher_class(files, roots)
    cache = PdfCache(previous, staging)
    last_sizes = previous_sizes(previous)
    outcomes: dict[str, PdfOutcome] = {}
    jobs: list[PdfJob] = []
    for canvas_id, (title, html) in htmls.items():
        key = cache_key(html, shared + fingerprint(own.get(f"canvases/{canvas_id}", {})), size, orientation)
        hit = cache.take(key)
        if hit is not None:
            data, meta = hit
            outcomes[canvas_id] = PdfOutcome(
                canvas_id, data, meta["pages"], meta["type_size"], meta["refused"], cached=True, fitted=meta.get("fitted", True)
            )
        else:
            jobs.append(PdfJob(canvas_id, title, html, key, last_sizes.get(canvas_id)))
    done, timed_out = render_canvases(jobs, fetcher_class, size, orientation, workers=workers or cpu_count(), timeout=timeout, progress=progress)
    keys = {job.canvas_id: job.key for job in jobs}
    for outcome in done:
        outcomes[outcome.canvas_id] = outcome
        meta = {"pages": outcome.pages, "type_size": outcome.type_size, "refused": outcome.refused, "fitted": outcome.fitted}
        cache.put(keys[outcome.canvas_id], outcome.data, meta)
    found: list[Diagnostic] = []
    written: list[str] = []
    for view in canvases:
        document = renderer.checked.site.value_maps[view.id]
        title_line = document.position(("title",))
        if view.id in timed_out:
            found.append(
                diagnostic(
                    "VPC603",
                    document.path,
                    *title_line,
                    f"the PDF of canvas '{view.id}' took longer than {timeout:g} s and was not written",
                    "look for a huge table, image or text in its notes",
                )
            )
            continue
        outcome = outcomes[view.id]
        shown = renderer.image_origins.get(canvas_url(view.id), {})
        not_embedded = [url for url in shown if url.split("#", 1)[0] not in files]
        refused = list(dict.fromkeys([*not_embedded, *outcome.refused]))
        found.extend(refused_warnings(refused, shown, (document.path, *title_line)))
        if outcome.pages > 1 or not outcome.fitted:
            found.append(overflow_warning(document, view.id, size, outcome.type_size, outcome.pages))
        write_file(staging, f"pdf/{view.id}.pdf", outcome.data)
        written.append(f"pdf/{view.id}.pdf")
    # How each canvas was laid out, and from which sources: `check` repeats the VPC602
    # warning of a canvas whose sources have not changed since (see layouts.last_layout_warnings).
    layout = {
        canvas_id: {"type_size": o.type_size, "pages": o.pages, "fitted": o.fitted, "sources": _sources(renderer, canvas_id)}
        for canvas_id, o in sorted(outcomes.items())
    }
    write_layout(staging, layout)
    # The handout: a cover, every canvas, the fit summary; numbered and bookmarked.
    cover_html = render_page(env, "cover.html", info, PageInfo(config.title, "pdf/cover.html", "cover"), canvases=canvases)
    summary_html = render_page(
        env,
        "fit.html",
        info,
        PageInfo("Fit summary", "fit/index.html", "fit"),
        canvases=canvases,
        segments=list(renderer.segments.values()),
        chart=fit_chart(canvases, config.fit.target),
    )
    extra: dict[str, tuple[bytes, int]] = {}
    for name, html, base in (("cover", cover_html, f"{ORIGIN}pdf/cover.html"), ("summary", summary_html, f"{ORIGIN}fit/index.html")):
        extra[name] = _fixed_pdf(cache, html, base, shared, fetcher_class, size, orientation)
    parts = [("Cover", *extra["cover"])]
    parts += [(view.title, outcomes[view.id].data, outcomes[view.id].pages) for view in canvases if view.id in outcomes and view.id not in timed_out]
    # A page per Business Model Canvas, after the canvases that feed it.
    for model in renderer.method.business_models():
        html = render_page(env, "business-model.html", info, PageInfo(model.title, model.url, "business-model"), model=model)
        parts.append((f"Business model: {model.title}", *_fixed_pdf(cache, html, f"{ORIGIN}{model.url}", shared, fetcher_class, size, orientation)))
    parts.append(("Fit summary", *extra["summary"]))
    title = f"{config.title} — handout"
    key = handout_key(parts, title, config.title, size, orientation)
    handout = previous_handout(previous, key)
    if handout is None:
        total = sum(pages for _, _, pages in parts)
        numbers, _ = _fixed_pdf(
            cache, page_numbers_html(total, size, orientation), f"{ORIGIN}pdf/numbers.html", shared, fetcher_class, size, orientation
        )
        handout = assemble_handout([(name, data) for name, data, _ in parts], numbers, title, config.title)
    (staging / CACHE_FOLDER / HANDOUT_FILE).write_text(json.dumps({"key": key}) + "\n")
    write_file(staging, "pdf/handout.pdf", handout)
    written.append("pdf/handout.pdf")
    return PdfReport(found, [job.canvas_id for job in jobs if job.canvas_id not in timed_out], [c for c, o in outcomes.items() if o.cached], written)


def _fixed_pdf(cache: PdfCache, html: str, base: str, files: str, fetcher_class: type, size: str, orientation: str) -> tuple[bytes, int]:
    """A page laid out at the base type size (cover, summary, page numbers), from the
    cache when its HTML has not changed; the PDF and its page count."""
    key = cache_key(html, files, size, orientation)
    hit = cache.take(key)
    if hit is not None:
        return hit[0], hit[1]["pages"]
    data, pages, used, _ = render_pdf(html, base, fetcher_class, size, orientation, steps=(BASE_TYPE,))
    cache.put(key, data, {"pages": pages, "type_size": used, "refused": []})
    return data, pages


def _sources(renderer: SiteRenderer, canvas_id: str) -> str:
    site = renderer.checked.site
    value_map = site.value_maps[canvas_id]
    segment = site.segments[value_map.model.segment]
    return layout_sources(value_map, segment)

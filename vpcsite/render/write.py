"""Writing the site into a staging folder: every page whose key changed since the last
build is rendered (in worker processes when there are many), every other output is
taken over from the last build's folder as a hard link, and what the pages found is
settled once all of them are in place."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from ..content import digest_of
from ..diagnostics import diagnostic, display_path
from ..memostore import PIECES, PartWriter, carry_part, keeping, recalled_pieces
from ..output import GaveWay, Later, never
from ..record import BuildRecord, digest
from ..urls import canvas_url, segment_url, svg_url
from .compiled import CompiledTemplates
from .data import site_json_parts
from .files import PageFindings, sitemap
from .fragments import used_pieces, warm
from .html import make_environment
from .jobs import PageJob, canvas_job, canvas_made_of, drawing_job, page_jobs, site_info, whole_documents
from .keys import CardKeys, TemplateKeys
from .search import SEARCH_INDEX, SEARCH_SHAPE, search_script_parts
from .site import Progress, SiteRenderer


def _giving_way_to_nothing(write: Callable[[Path, Callable[[], bool]], None]) -> Callable[[Path], None]:
    """What `later` would write, as a task written with the pages."""
    return lambda folder: write(folder, never)


def _write_data(renderer: SiteRenderer, staging: Path, give_way: Callable[[], bool], keep: bool) -> None:
    from ..output import until, write_file

    # orjson (in site_json) writes the same bytes as json.dumps(indent=2,
    # ensure_ascii=False) plus a newline, ten times faster: the standard library's
    # encoder drops to pure Python whenever it indents (0.35 s at 1,000 canvases).
    # Kept by this process, which builds no more, as it works the entries out
    # (memostore.py); one that builds again holds them, and writes them whole
    # (parallel.render_page says why).
    parts = site_json_parts(renderer.config, renderer.checked, renderer.history)
    with keeping(staging, "data") if keep else nullcontext():
        write_file(staging, "data/site.json", parts if keep else list(until(parts, give_way)))


def _write_search(renderer: SiteRenderer, staging: Path, give_way: Callable[[], bool], keep: bool) -> None:
    from ..output import until, write_file

    with keeping(staging, "search") if keep else nullcontext():
        write_file(staging, SEARCH_INDEX, until(search_script_parts(renderer.checked.site), give_way))


#: The pages that list every canvas, rendered by the building process itself.
LISTS = frozenset({"index.html", "fit.html"})

_ENVIRONMENTS: dict[tuple, Any] = {}


def _environment(renderer: SiteRenderer, stamp: str) -> Any:
    """The Jinja environment, kept while no template changed (`stamp` hashes them all):
    a process that builds again and again (the dev server) compiles its templates once,
    not on every save. Its compiled templates are kept in the output (compiled.py)."""
    if not stamp:
        return make_environment(renderer.root, renderer.theme, CompiledTemplates())
    key = (str(renderer.root.resolve()), renderer.theme, stamp)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        _ENVIRONMENTS.clear()  # one site, one set of templates at a time
        env = _ENVIRONMENTS[key] = make_environment(renderer.root, renderer.theme, CompiledTemplates())
    return env


#: Page keys worked out in this process, by what they are made of: a process that
#: builds again (the dev server) hashes the pages whose inputs changed, not every page.
#: A canvas's page and drawing keys are kept together by the sources of both
#: (jobs.canvas_made_of), so an unchanged canvas needs no job at all.
_PAGE_KEYS: dict[tuple, Any] = {}


def page_key(setting: str, template: str, job: PageJob) -> str:
    """The key of a page (keys.py): its template, what it shows and the site around it."""
    wanted = (setting, template, job.info, job.shows)
    found = _PAGE_KEYS.get(wanted)
    if found is None:
        if len(_PAGE_KEYS) > 200_000:
            _PAGE_KEYS.clear()
        found = _PAGE_KEYS[wanted] = digest(setting, template, repr(job.info), *job.shows)
    return found


def write_site(
    renderer: SiteRenderer,
    staging: Path,
    *,
    jobs: int = 0,
    progress: Progress | None = None,
    previous: BuildRecord | None = None,
    template_stamp: str = "",
    tasks: tuple[Callable[[Path], None], ...] = (),
    memory: Path | None = None,
    later: Later | None = None,
) -> int:
    """Write every output into `staging` whose key differs from the `previous` build's.
    The previous build's outputs are in `staging` already (the build links them in
    ahead), so an output whose key is unchanged is left as it is. `tasks` write other
    files into it, in a worker while the pages render when there are workers.

    `memory`: keep what this build remembered for the next one (memostore.py), and
    take what the last one kept from this folder (its output) when `previous` is set.

    `later`: where site.json and the search index go, each with what writes it, when
    the caller writes them itself once the output is swapped in (the dev server: they
    are no page, and at 5,000 canvases they were a third of a rebuild the author waited
    for), and before them the index and the fit summary when they changed and a
    build went before (`_lists_later`); None: they are written with the pages."""
    from .parallel import render_all

    env = _environment(renderer, template_stamp)
    keep = memory is not None
    last = memory if previous is not None else None
    env.bytecode_cache.aim(last, staging if keep else None)
    env.asked_pieces = set() if keep else None  # what this build asks for, to keep it
    if last is not None and not env.remembered_pieces:
        env.remembered_pieces.update(recalled_pieces(last, template_stamp))
    templates = TemplateKeys(env, template_stamp, previous.templates if previous else None)
    renderer.template_keys = templates
    if previous is not None:
        renderer.card_keys = CardKeys(renderer.checked.site, renderer.checked.fits, renderer.config.fit.target, previous.cards)
    every_page = page_jobs(renderer, templates)
    info = site_info(renderer)
    setting = digest(repr(info), renderer.config.model_dump_json())
    fresh: list[PageJob] = []
    for job in every_page:
        key = page_key(setting, templates[job.template].key, job)
        if not _taken_over(renderer, previous, job.url, key):
            fresh.append(job)
    # The canvases' pages and drawings, each drawing placed right after its page so one
    # worker lays the canvas out once for both (render/drawing.py). Their jobs are made
    # only for what is rendered, their keys found by what they are made of.
    drawn: list[PageJob] = []
    on_page, on_drawing = templates["canvas.html"].key, templates["canvas.svg"].key
    whole = whole_documents(templates, "canvas.svg")
    for map_id in renderer.canvas_ids:
        made_of = ("canvas", setting, on_page, on_drawing, *canvas_made_of(renderer, map_id, whole))
        keys = _PAGE_KEYS.get(made_of)
        page = drawing = None
        if keys is None:
            page, drawing = canvas_job(renderer, map_id), drawing_job(renderer, map_id, whole)
            keys = _PAGE_KEYS[made_of] = (page_key(setting, on_page, page), page_key(setting, on_drawing, drawing))
        if not _taken_over(renderer, previous, canvas_url(map_id), keys[0]):
            fresh.append(page or canvas_job(renderer, map_id))
        url = svg_url(map_id)
        renderer.output_keys[url] = keys[1]
        if previous is None or previous.key_of(url) != keys[1]:
            drawn.append(drawing or drawing_job(renderer, map_id, whole))
    history = tuple(renderer.history_key(map_id) for map_id in renderer.canvas_ids)
    documents = sorted(renderer.documents(), key=lambda d: d.relative)
    # site.json shows every document's front matter, not its body (model_digest).
    data_key = digest(setting, *(f"{d.relative}:{d.model_digest or d.digest}" for d in documents), *history)
    renderer.output_keys["data/site.json"] = data_key
    # What is no page (written with the pages, or handed to the caller as `later`).
    apart: Later = []
    if previous is None or previous.key_of("data/site.json") != data_key:
        apart.append(("data/site.json", partial(_write_data, renderer, keep=keep)))
    elif keep and last is not None:
        carry_part(last, staging, "data")
    # The search index shows the same documents and their bodies (titles, items, notes, evidence).
    search_key = digest(setting, *(f"{d.relative}:{d.digest}" for d in documents), *history, SEARCH_INDEX, repr(SEARCH_SHAPE))
    renderer.output_keys[SEARCH_INDEX] = search_key
    if previous is None or previous.key_of(SEARCH_INDEX) != search_key:
        apart.append((SEARCH_INDEX, partial(_write_search, renderer, keep=keep)))
    elif keep and last is not None:
        carry_part(last, staging, "search")
    if later is None:
        tasks = (*(_giving_way_to_nothing(write) for _, write in reversed(apart)), *tasks)  # the search index first
    else:
        lists = _lists_later(renderer, env, info, fresh) if previous is not None else []
        fresh = [job for job in fresh if job.template not in LISTS] if lists else fresh
        later.extend([*lists, *apart])
    # The index and the fit summary list every canvas: a quarter of a page's work each per
    # canvas, unless this process rendered them before and remembers their cards.
    listing = sum(1 for job in fresh if job.template in LISTS)
    weight = len(fresh) + (0 if warm(env) else listing * len(renderer.canvas_ids) // 4)
    # The lists' pieces are this process's (render_all's `here`). One that builds no
    # more writes them out as they are made, holding none.
    spill = PartWriter(staging, PIECES, template_stamp) if keep and listing and template_stamp else None
    try:
        env.spill_pieces = spill.add if spill is not None else None
        render_all(
            renderer,
            env,
            info,
            _beside(_by_segment(renderer, fresh), drawn),
            staging,
            workers=jobs,
            progress=progress,
            tasks=tasks,
            weight=weight,
            here=LISTS,
            whole=not keep,
        )
        if spill is not None:
            spill.update(used_pieces(env))  # the last build's, asked for again
    finally:
        env.spill_pieces = None
        if spill is not None:
            spill.close()
    renderer.rendered = [job.url for job in fresh] + renderer.deferred
    env.bytecode_cache.carry_rest()
    if keep and not listing and last is not None:
        carry_part(last, staging, PIECES)
    #: What the build record keeps of each page (before the PDF stage renders more).
    renderer.page_records = {url: found.to_data() for url, found in sorted(renderer.findings.items()) if found}
    renderer.settle()
    for source, relative in renderer.static:
        data = _read(renderer, source, (display_path(source, renderer.root), 1, 1), "VPC010")
        if data is not None:
            _put(renderer, staging, f"static/{relative}", data, previous)
    for url, asset in sorted(renderer.assets.items()):
        data = _read(renderer, asset.source, asset.place, "VPC502")
        if data is not None:
            _put(renderer, staging, url, data, previous)
    if renderer.config.base_url:
        _put(
            renderer,
            staging,
            "sitemap.xml",
            sitemap(renderer.config.base_url, [*(j.url for j in every_page if j.url != "404.html"), *map(canvas_url, renderer.canvas_ids)]).encode(
                "utf-8"
            ),
            previous,
        )
    return len(every_page) + len(renderer.canvas_ids)


def _lists_later(renderer: SiteRenderer, env: Any, info: Any, fresh: list[PageJob]) -> Later:
    """The index and the fit summary, when they changed, as what writes each after the
    other pages (the dev server: a title edit at 5,000 canvases re-renders 34 MB of
    them, which the author's own page, served first, need not wait for). What they find
    is noted here, in the build: of all their texts only the home page's intro is shown
    as the index's own (cards note theirs as their canvases' pages, rendered in this
    build whenever a card changed), so it is rendered now. After them the renderer is
    let go (`SiteRenderer.deferred`): an entry with no path, which is no output, and
    does not give way."""
    lists = [job for job in fresh if job.template in LISTS]
    if not lists:
        return []
    if any(job.url == "index.html" for job in lists):
        renderer.home.__html__()
    renderer.deferred = [job.url for job in lists]

    def writer(job: PageJob) -> Callable[[Path, Callable[[], bool]], None]:
        def write(folder: Path, give_way: Callable[[], bool]) -> None:
            from .parallel import render_page

            if give_way():  # before its cards are made
                raise GaveWay
            render_page(env, info, job, folder, renderer.root, whole=True, give_way=give_way)

        return write

    return [*((job.url, writer(job)) for job in lists), ("", lambda folder, give_way: renderer.release())]


def _read(renderer: SiteRenderer, source: Path, place: tuple[str, int, int], code: str) -> bytes | None:
    """A file to copy, or None and a finding when it went away (or became unreadable)
    while the site was being built."""
    try:
        return source.read_bytes()
    except OSError as exc:
        path, line, column = place
        renderer.report(
            diagnostic(
                code,
                path,
                line,
                column,
                f"{display_path(source, renderer.root)} cannot be read: {exc.strerror or exc}",
                "it changed while the site was built; build again",
            )
        )
        return None


def _by_segment(renderer: SiteRenderer, pages: list[PageJob]) -> list[PageJob]:
    """Pages in the order they are best rendered in: each segment's canvases one after
    the other, then its own page, so the worker that renders them draws the segment's
    profile and renders its notes once (render/drawing.py and the Markdown memo keep
    them per process). Other pages keep their place, first."""
    group: dict[str, tuple[str, int, str]] = {}
    for segment_id, maps in renderer.targeting.items():
        for map_id in maps:
            group[canvas_url(map_id)] = (segment_id, 0, map_id)
    for segment_id in renderer.segment_ids:
        group[segment_url(segment_id)] = (segment_id, 1, "")
    return [job for job in pages if job.url not in group] + sorted((job for job in pages if job.url in group), key=lambda job: group[job.url])


def _beside(pages: list[PageJob], drawings: list[PageJob]) -> list[PageJob]:
    """Pages and drawings in one list, each drawing right after its canvas's page."""
    by_folder = {job.url.rsplit("/", 1)[0]: job for job in drawings}
    ordered: list[PageJob] = []
    for job in pages:
        ordered.append(job)
        mine = by_folder.pop(job.url.rsplit("/", 1)[0], None) if job.template == "canvas.html" else None
        if mine is not None:
            ordered.append(mine)
    return ordered + list(by_folder.values())


def _taken_over(renderer: SiteRenderer, previous: BuildRecord | None, url: str, key: str) -> bool:
    """Note a page's key; whether the previous build's page stands for it (its key is
    the same, and so are the pages its links lead to)."""
    renderer.output_keys[url] = key
    if previous is None or previous.key_of(url) != key:
        return False
    found = previous.pages.get(url)
    if found is None:  # most pages: their Markdown found nothing
        renderer.reused.append(url)
        return True
    kept = PageFindings.from_data(found)
    if not _links_hold(renderer, kept):
        return False
    renderer.findings[url] = kept
    renderer.reused.append(url)
    return True


def _links_hold(renderer: SiteRenderer, kept: PageFindings) -> bool:
    """Whether every link the page resolved still leads where it led."""
    return all(renderer.site_url(path) == url for path, url in kept.links.items())


def _put(renderer: SiteRenderer, staging: Path, url: str, data: bytes, previous: BuildRecord | None) -> None:
    """A file compared by its bytes: the previous build's (linked in ahead) stays when
    they are equal."""
    from ..output import write_file

    key = digest_of(data)
    renderer.output_keys[url] = key
    if previous is None or previous.key_of(url) != key:
        write_file(staging, url, data)

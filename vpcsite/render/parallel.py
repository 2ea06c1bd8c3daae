"""Render pages serially or across cores. Pages are independent, so a forked worker
renders its share from the views the parent already prepared (nothing is pickled on
the way in), writes its files itself, and sends back only what it found: diagnostics
from the Markdown it rendered and the files that Markdown links to.

Other files made from the prepared model (data/site.json) are tasks handed to the same
workers, first, so they are written while the other worker renders pages.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..memo import forget
from ..output import until, write_file
from ..workers import can_fork, cpu_count, fork_pool
from .drawing import LAID_OUT
from .html import stream_parts
from .prepare import FIT_VIEWS
from .problems import TemplateProblem, locate

if TYPE_CHECKING:
    from .jobs import PageJob
    from .site import SiteRenderer

#: Below this many pages a pool costs more than it saves (fork + warm-up ≈ 60 ms).
PARALLEL_THRESHOLD = 64

#: Writes one or more files into the staging folder.
Task = Callable[[Path], None]

_shared: tuple[SiteRenderer, Any, Any, list[PageJob], Path, tuple[Task, ...]] | None = None


#: What the memo holds for pages only: forgotten by a worker after each share.
_PAGE_KINDS = LAID_OUT | {FIT_VIEWS}

#: Lists of cards a page's values are made with afresh (site.py's `lists`).
_LISTS = ("canvases", "segments")


def render_page(
    env: Any, info: Any, job: PageJob, staging: Path, root: Path, whole: bool = False, give_way: Callable[[], bool] | None = None
) -> None:
    """`whole`: the page's parts are made before they are written, not written (or
    compared with the file there) as they come. A process that builds again holds the
    lists' pieces anyway, and a file of another size is then replaced unread: at 5,000
    canvases, the fit summary's 24 MB compared as they came cost it twice the time.
    `give_way`: while the parts are made, asked whether to give up (output.until)."""
    values = job.values()
    try:
        parts = stream_parts(env, job.template, info, job.info, **values)
        if give_way is not None:
            parts = until(parts, give_way)
        write_file(staging, job.url, list(parts) if whole else parts)
    except Exception as exc:
        # Located here, where the traceback names the template's line: a worker's
        # exception reaches the parent without it.
        found = locate(exc, root)
        if found is None:
            raise
        raise TemplateProblem(found) from None
    finally:
        # A template's context is a cycle that only the cycle collector frees, and
        # builds pause it: emptied, the lists leave no card (and no view it made)
        # behind in a process that builds again (the index and fit summary are
        # rendered by the building process itself).
        for name in _LISTS:
            if isinstance(values.get(name), list):
                values[name].clear()
    if job.after is not None:
        job.after()


def _render_slice(bounds: tuple[int, int]) -> tuple[int, Any]:
    """Pages `start` to `end`, or, for a negative start, task number `end`."""
    assert _shared is not None
    renderer, env, info, jobs, staging, tasks = _shared
    if bounds[0] < 0:
        tasks[bounds[1]](staging)
        return 0, renderer.drain()
    for job in jobs[bounds[0] : bounds[1]]:
        render_page(env, info, job, staging, renderer.root)
    # A worker builds nothing again: what it made for its pages' segments goes (a
    # segment cut between two shares is drawn once more, the same).
    renderer.forget_views()
    forget(_PAGE_KINDS)
    # Builds pause the cycle collector (memory.py), and a page's template contexts are
    # cycles holding what it showed: a template and the macros it imports, an included
    # template and its copy of the values. Collected here, young objects only, a worker
    # peaks some 35 MB lower at 1,000 canvases for 3% more of its time.
    gc.collect(0)
    return bounds[1] - bounds[0], renderer.drain()


def render_all(
    renderer: SiteRenderer,
    env: Any,
    info: Any,
    jobs: list[PageJob],
    staging: Path,
    *,
    workers: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
    tasks: tuple[Task, ...] = (),
    weight: int = 0,
    here: frozenset[str] = frozenset(),
    whole: bool = False,
) -> None:
    """Render every page job and run every task into `staging`; what workers find is
    merged into `renderer`. `weight` is the work in pages when a few pages are big (the
    index and the fit summary list every canvas): a rebuild of those two and one canvas
    shares them out too. Pages whose template is in `here` are rendered by this process
    while the workers render the rest: what their templates remember (render/fragments.py)
    stays with the process that builds again. `whole`: as `render_page`'s, for the pages
    this process renders."""
    workers = workers or cpu_count()
    total = len(jobs)
    if workers <= 1 or max(total, weight) < PARALLEL_THRESHOLD or not can_fork():
        for done, job in enumerate(jobs, start=1):
            render_page(env, info, job, staging, renderer.root, whole)
            if progress:
                progress("pages", done, total)
        for task in tasks:
            task(staging)
        return
    mine = [job for job in jobs if job.template in here]
    theirs = [job for job in jobs if job.template not in here]
    global _shared
    _shared = (renderer, env, info, theirs, staging, tasks)
    count = len(theirs)
    chunk = max(4, count // (workers * 16)) if count >= PARALLEL_THRESHOLD else 1
    slices = [(-1, index) for index in range(len(tasks))]
    slices += [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    try:
        with fork_pool(max(1, min(workers, len(slices)))) as pool:
            results = pool.imap_unordered(_render_slice, slices)
            done = 0
            for job in mine:
                render_page(env, info, job, staging, renderer.root, whole)
                done += 1
                if progress:
                    progress("pages", done, total)
            for count, found in results:
                renderer.absorb(found)
                done += count
                if progress:
                    progress("pages", done, total)
    finally:
        _shared = None

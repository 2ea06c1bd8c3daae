"""Canvas PDFs laid out in worker processes, each under a timeout: one runaway
document is abandoned with a warning, the others carry on.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...urls import canvas_url
from ...workers import fork_pool
from .fitting import render_pdf
from .sandbox import ORIGIN

#: Seconds one canvas may take to render before it is abandoned with a warning.
RENDER_TIMEOUT = 60


@dataclass(frozen=True)
class PdfJob:
    canvas_id: str
    title: str
    html: str
    key: str
    #: The type size this canvas ended at in the last build, if it had one.
    start: float | None = None


@dataclass
class PdfOutcome:
    canvas_id: str
    data: bytes
    pages: int
    type_size: float
    refused: list[str] = field(default_factory=list)
    cached: bool = False
    #: Whether every block holds its items (False: even at the smallest size a block
    #: grew past its drawn size, and the drawing is out of shape).
    fitted: bool = True


#: The fetcher class (make_fetcher_class: its `sandbox` is set on it), page size and
#: orientation, set once per worker.
_shared: tuple[Any, str, str] | None = None


def _work(job: PdfJob) -> PdfOutcome:
    assert _shared is not None
    fetcher_class, size, orientation = _shared
    fetcher_class.sandbox.refused.clear()
    fitted: list[bool] = []
    data, pages, used, refused = render_pdf(job.html, _base(job.canvas_id), fetcher_class, size, orientation, start=job.start, fitted=fitted)
    return PdfOutcome(job.canvas_id, data, pages, used, refused, fitted=all(fitted))


def _base(canvas_id: str) -> str:
    """The URL a canvas's HTML was rendered for, so its relative links resolve."""
    return ORIGIN + canvas_url(canvas_id)


def render_canvases(
    jobs: list[PdfJob],
    fetcher_class: type,
    size: str,
    orientation: str,
    *,
    workers: int,
    timeout: float = RENDER_TIMEOUT,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[PdfOutcome], list[str]]:
    """Render every job, in worker processes when there is more than one; returns the
    outcomes and the ids of canvases abandoned after `timeout` seconds."""
    global _shared
    _shared = (fetcher_class, size, orientation)
    outcomes: list[PdfOutcome] = []
    timed_out: list[str] = []
    try:
        pending = list(jobs)
        while pending:
            pool = fork_pool(max(1, min(workers, len(pending))))
            try:
                handles = [(job, pool.apply_async(_work, (job,))) for job in pending]
                pending = []
                for index, (job, handle) in enumerate(handles):
                    try:
                        outcomes.append(handle.get(timeout))
                    except multiprocessing.TimeoutError:
                        # One runaway document: stop the pool, start again with the rest.
                        timed_out.append(job.canvas_id)
                        pending = [j for j, h in handles[index + 1 :] if not h.ready()]
                        outcomes.extend(h.get() for j, h in handles[index + 1 :] if h.ready())
                        pool.terminate()
                        break
                    if progress:
                        progress("pdf", len(outcomes), len(jobs))
            finally:
                pool.terminate()
                pool.join()
    finally:
        _shared = None
    return outcomes, timed_out

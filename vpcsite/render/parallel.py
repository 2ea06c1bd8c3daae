"""Render pages serially or across cores. Pages are independent, so a forked worker
renders its share from the views the parent already prepared (nothing is pickled on
the way in) and writes its files itself (nothing big is pickled on the way out).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from jinja2 import Environment

from ..output import write_file
from .html import SiteInfo, render_page

if TYPE_CHECKING:
    from .site import PageJob

#: Below this many pages a pool costs more than it saves (measured: fork + import ≈ 60 ms).
PARALLEL_THRESHOLD = 64

_shared: tuple[Environment, SiteInfo, list["PageJob"], Path] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _render_one(env: Environment, info: SiteInfo, job: "PageJob", staging: Path) -> None:
    html = render_page(env, job.template, info, job.info, **job.values)
    write_file(staging, job.url, html.encode("utf-8"))


def _render_slice(bounds: tuple[int, int]) -> int:
    assert _shared is not None
    env, info, jobs, staging = _shared
    for job in jobs[bounds[0] : bounds[1]]:
        _render_one(env, info, job, staging)
    return bounds[1] - bounds[0]


def render_all(
    env: Environment,
    info: SiteInfo,
    jobs: list["PageJob"],
    staging: Path,
    *,
    workers: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    workers = workers or cpu_count()
    total = len(jobs)
    if workers <= 1 or total < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        for done, job in enumerate(jobs, start=1):
            _render_one(env, info, job, staging)
            if progress:
                progress("pages", done, total)
        return
    global _shared
    _shared = (env, info, jobs, staging)
    chunk = max(8, total // (workers * 8))
    slices = [(start, min(start + chunk, total)) for start in range(0, total, chunk)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = 0
            for count in pool.imap_unordered(_render_slice, slices):
                done += count
                if progress:
                    progress("pages", done, total)
    finally:
        _shared = None

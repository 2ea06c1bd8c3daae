"""How many worker processes a stage may use, and the pools they run in.

Stages that fan out (loading documents, rendering pages, laying out PDFs) fork: a
forked worker starts with everything its parent already prepared, so nothing is
pickled on the way in.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from multiprocessing.pool import Pool


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's process group. The parent alone
    # answers it (it stops the pool and says "interrupted"); a worker that took it too
    # would print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A pool stops its workers with SIGTERM. The dev server answers SIGTERM by raising
    # KeyboardInterrupt (serve/run.py), and a worker that inherited that handler could
    # swallow it and wait for a task forever, with the server waiting for it: the
    # server's first build of 5,000 canvases once hung so.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def fork_pool(workers: int) -> Pool:
    """A pool of forked workers that leave Ctrl-C to their parent.

    Ctrl-C is held back while the workers are forked: one that lands during a fork runs
    its handler inside CPython's after-fork hooks, which swallow the KeyboardInterrupt
    ("Exception ignored in ..."), and the build would carry on as if never interrupted."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pool = None
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts)
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held Ctrl-C is raised here
        except BaseException:
            if pool is not None:
                pool.terminate()
            raise
    return pool

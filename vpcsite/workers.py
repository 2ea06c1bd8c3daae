"""How many worker processes a stage may use, and whether it can have them.

Stages that fan out (loading documents, rendering pages, laying out PDFs) fork: a
forked worker starts with everything its parent already prepared, so nothing is
pickled on the way in.
"""

from __future__ import annotations

import multiprocessing
import os


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()

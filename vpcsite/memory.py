"""How a build keeps its memory and its time in check while it makes hundreds of
thousands of short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Loading makes hundreds of thousands of short-lived acyclic objects (YAML nodes);
    the cycle collector would re-scan every live document on each pass for nothing.
    Pausing it while loading halves the time of `check` on large sites."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Move what survived into the oldest generation without a scan (freeze, then
        # unfreeze); otherwise the first young collection after this would walk it all.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


#: glibc's malloc_trim, looked up on first use (ctypes is not imported by a build with
#: nothing to do); False where there is none.
_trim: Callable[[int], int] | bool | None = None


def give_back() -> None:
    """Hand the memory a stage freed back to the system. Loading a large site leaves
    tens of megabytes free but resident in the C heap (the pickles the loading workers
    sent, the YAML parser's nodes); forked workers would start with them in their size,
    and a build's peak is its largest process. glibc's `malloc_trim` releases them in a
    millisecond or two; elsewhere (macOS, musl) this does nothing."""
    global _trim
    if _trim is None:
        _trim = _malloc_trim()
    if callable(_trim):
        _trim(0)


def _malloc_trim() -> Callable[[int], int] | bool:
    import ctypes

    try:
        # The symbols the interpreter is linked with: the C library's among them.
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError, TypeError):  # no such library or function (Windows: no CDLL(None))
        return False

"""Results worked out from content files, remembered by the files' paths and content
hashes (or by the content itself, as a segment's profile laid out for the drawing): a
process that builds again and again (the dev server) works them out only for files that
changed, and a build works out what many pages share once. Every remembered value is a
pure function of what its key names, so the memo is only ever cleared, never stale."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # a build with nothing changed imports no model
    from .model import Document

T = TypeVar("T")

_MEMO: dict[tuple, object] = {}
#: Keys asked for since `track` (None: not tracked), so what a build kept for the next
#: one holds what this build used, not every edit's leftovers.
_used: set[tuple] | None = None
#: While set (`spilling`): kinds whose new entries are handed to a writer, and not
#: remembered when it takes them.
_spill: tuple[frozenset[str], Callable[[tuple, object], bool]] | None = None
#: Past this many entries the memo starts again (a long session of many renames). A
#: site of 5,000 canvases keeps some 60,000 (its site.json and search index in pieces).
LIMIT = 250_000


def source(document: Document) -> tuple[str, str]:
    """A document's part of a key: the path it is shown by, and its content hash."""
    return (document.path, document.digest)


def remembered(key: tuple, make: Callable[[], T]) -> T:
    """`make()`, or what it gave for the same key before. Keys name a kind of result
    first, then the sources it depends on."""
    # Looked up first: a rebuild of 5,000 canvases asks some 80,000 times, nearly always
    # for something remembered (and a key with an empty part is never stored).
    found = _MEMO.get(key)
    if found is None:
        if not all(key[1:]):  # a document made without a content hash (tests): not shared
            return make()
        found = make()
        if _spill is None or key[0] not in _spill[0] or not _spill[1](key, found):
            if len(_MEMO) > LIMIT:
                _MEMO.clear()
            _MEMO[key] = found
    if _used is not None:
        _used.add(key)
    return found  # type: ignore[return-value]


@contextmanager
def spilling(kinds: frozenset[str], take: Callable[[tuple, object], bool]) -> Iterator[None]:
    """While the body runs, new entries of these kinds go to `take` (which says whether
    it took them) instead of the memo: a process that builds no more writes them out for
    the next build's process (memostore.py) and need not hold them."""
    global _spill
    _spill = (kinds, take)
    try:
        yield
    finally:
        _spill = None


def track(on: bool = True) -> None:
    """Start noting which keys are asked for (a build that keeps its memo for the next),
    or stop: a process that builds again keeps its memo itself, and noting the keys of
    a rebuild of 5,000 canvases cost it 20 ms."""
    global _used
    _used = set() if on else None


def kept(kinds: frozenset[str]) -> dict[tuple, object]:
    """What was remembered and asked for since `track`, of these kinds (a key's first
    part): what the next build's process may recall."""
    if _used is None:
        return {}
    return {key: _MEMO[key] for key in _used if key[0] in kinds and key in _MEMO}


def forget(kinds: frozenset[str]) -> None:
    """Drop what was remembered of these kinds (kept for the next build's process, and
    needed by this one no more)."""
    for key in [key for key in _MEMO if key[0] in kinds]:
        del _MEMO[key]


def recall(entries: dict[tuple, object]) -> None:
    """Results an earlier process remembered, for keys this one has not worked out."""
    for key, value in entries.items():
        _MEMO.setdefault(key, value)

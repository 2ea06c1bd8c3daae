"""Results worked out from content files, remembered by the files' paths and content
hashes (or by the content itself, as a segment's profile laid out for the drawing): a
process that builds again and again (the dev server) works them out only for files that
changed, and a build works out what many pages share once. Every remembered value is a
pure function of what its key names, so the memo is only ever cleared, never stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .model import Document

T = TypeVar("T")

_MEMO: dict[tuple, object] = {}
#: Past this many entries the memo starts again (a long session of many renames). A
#: site of 5,000 canvases keeps some 60,000 (its site.json and search index in pieces).
LIMIT = 250_000


def source(document: Document) -> tuple[str, str]:
    """A document's part of a key: the path it is shown by, and its content hash."""
    return (document.path, document.digest)


def remembered(key: tuple, make: Callable[[], T]) -> T:
    """`make()`, or what it gave for the same key before. Keys name a kind of result
    first, then the sources it depends on."""
    if not all(key[1:]):  # a document made without a content hash (tests): not shared
        return make()
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) > LIMIT:
            _MEMO.clear()
        found = _MEMO[key] = make()
    return found  # type: ignore[return-value]

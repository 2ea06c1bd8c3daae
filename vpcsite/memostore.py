"""What a build's process remembered (memo.py) and the pieces its templates remembered
(render/fragments.py), kept in the output's cache for the next build.

A command-line build is a new process each time: without this, an edit to one value
map would work out again, for a thousand canvases, the checks of their links, the
search index, site.json and the cards of the index and the fit summary. The dev server
keeps all of it in its own memory and needs none of this.

Each part is written by the process that made its entries, into staging: the search
index's by the worker that wrote the index, the lists' pieces by the process that
rendered the lists. A part holds only what the build asked for (memo.track), so it
never grows with old edits. It is read back only by a build that trusts the last
build's record (same vpcsite, same settings, output as it was written): every entry is
a pure function of its key, so the entry of a file changed since is simply never asked
for. Like the parsed documents, these files are trusted as Python's __pycache__ is.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .memo import forget, kept, recall, spilling
from .memory import give_back
from .record import CACHE_FOLDER

MEMORY_FOLDER = f"{CACHE_FOLDER}/memory"

#: The memo's kinds (a key's first part) each part keeps, by the stage that makes them.
PARTS = {
    "checks": frozenset({"by", "refs", "orphans", "open", "fit", "markdown"}),
    "data": frozenset({"json-bytes"}),
    "search": frozenset({"search", "search-json"}),
}
PIECES = "pieces"


def keep_part(staging: Path, part: str) -> None:
    """Write what this process remembered of one part's kinds."""
    with PartWriter(staging, part, "") as writer:
        writer.update(kept(PARTS[part]))


@contextlib.contextmanager
def keeping(staging: Path, part: str) -> Iterator[None]:
    """Write one part's entries as the body makes them, then those it recalled and used,
    and let them all go, memory included: for a process that will not build again. The
    render worker that wrote site.json held its 19 MB of entries at 1,000 canvases, the
    build's largest process."""
    kinds = PARTS[part]
    with PartWriter(staging, part, "") as writer:
        with spilling(kinds, writer.add):
            yield
        writer.update(kept(kinds))
    forget(kinds)
    give_back()


def carry_part(target: Path, staging: Path, part: str) -> None:
    """Take a part over from the last build as it is (its stage had nothing to do)."""
    folder = staging / MEMORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # None kept, or already there: the next build works it out if it must.
    with contextlib.suppress(OSError):
        os.link(target / MEMORY_FOLDER / f"{part}.pickle", folder / f"{part}.pickle")


def recall_parts(target: Path) -> None:
    """Put what the last build kept into this process's memo; a part that cannot be
    read is left out (its entries are worked out again)."""
    for part in PARTS:
        found = _read(target, part)
        if found is not None:
            recall(found[1])


def recalled_pieces(target: Path, stamp: str) -> dict:
    """The last build's remembered pieces, if its templates were these."""
    found = _read(target, PIECES)
    if found is not None and found[0] == stamp:
        return found[1]
    return {}


#: Entries per pickle of a part. A part is a run of pickles, not one: a pickler keeps
#: every object it wrote until it is done, and pickling a piece of markup (a str
#: subclass) makes a plain copy of it, so one pickle of the lists' 20 MB of pieces
#: held a second copy of them all.
_CHUNK = 1000
#: ... or fewer, when the entries are this many characters (or bytes) already.
_CHUNK_CHARS = 1 << 18


class PartWriter:
    """A part written as its entries come (`stamp`, then pickles of up to `_CHUNK`
    entries), so that a process that builds no more need not hold them all: the lists'
    pieces are a third of what rendering the fit summary adds to the building process.

    Each pickle is written whole, unbuffered, so that nothing of the part is pending when
    render workers are forked; entries offered in another process than the writer's are
    refused (`add` says so) and stay with whoever made them."""

    def __init__(self, staging: Path, part: str, stamp: str) -> None:
        folder = staging / MEMORY_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        self._file = open(folder / f"{part}.pickle", "wb", buffering=0)  # noqa: SIM115 - closed by close()
        self._pid = os.getpid()
        self._chunk: list[tuple[Any, Any]] = []
        self._chars = 0
        self._dump(stamp)

    def add(self, key: Any, value: Any) -> bool:
        """Write an entry (soon); False, and nothing written, in a forked process."""
        if os.getpid() != self._pid:
            return False
        self._chunk.append((key, value))
        if isinstance(value, (str, bytes)):
            self._chars += len(value)
        if len(self._chunk) >= _CHUNK or self._chars >= _CHUNK_CHARS:
            self._flush()
        return True

    def update(self, entries: dict) -> None:
        for key, value in entries.items():
            self.add(key, value)

    def close(self) -> None:
        if os.getpid() == self._pid and not self._file.closed:
            self._flush()
            self._file.close()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _flush(self) -> None:
        if self._chunk:
            self._dump(self._chunk)
            self._chunk, self._chars = [], 0

    def _dump(self, value: Any) -> None:
        data = memoryview(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[self._file.write(data) :]


def _read(target: Path, part: str) -> tuple[str, dict] | None:
    """A part's stamp and entries; None if it is missing or damaged (only a slower build)."""
    entries: dict = {}
    try:
        with open(target / MEMORY_FOLDER / f"{part}.pickle", "rb") as file:
            stamp = pickle.load(file)
            while file.peek(1):
                entries.update(pickle.load(file))
    except Exception:
        return None
    return (stamp, entries) if isinstance(stamp, str) else None

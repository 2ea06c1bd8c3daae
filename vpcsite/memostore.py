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
from pathlib import Path

from .memo import forget, kept, recall
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


def keep_part(staging: Path, part: str, *, then_forget: bool = False) -> None:
    """Write what this process remembered of one part's kinds. `then_forget`: and let it
    go, memory included (a process that will not build again: the render worker that
    wrote site.json held its 19 MB of entries at 1,000 canvases while it rendered its
    share of the pages, the build's largest process)."""
    _write(staging, part, "", kept(PARTS[part]))
    if then_forget:
        forget(PARTS[part])
        give_back()


def keep_pieces(staging: Path, stamp: str, pieces: dict) -> None:
    """Write the templates' remembered pieces, with the stamp of the templates that
    made them."""
    if stamp:
        _write(staging, PIECES, stamp, pieces)


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


def _write(staging: Path, part: str, stamp: str, entries: dict) -> None:
    """`stamp`, then the entries in chunks, streamed to the part's file."""
    folder = staging / MEMORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    items = list(entries.items())
    with open(folder / f"{part}.pickle", "wb") as file:
        pickle.dump(stamp, file, protocol=pickle.HIGHEST_PROTOCOL)
        for start in range(0, len(items), _CHUNK):
            pickle.dump(items[start : start + _CHUNK], file, protocol=pickle.HIGHEST_PROTOCOL)


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

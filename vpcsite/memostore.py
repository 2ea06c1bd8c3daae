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
from typing import Any

from .memo import kept, recall
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
    _write(staging, part, kept(PARTS[part]))


def keep_pieces(staging: Path, stamp: str, pieces: dict) -> None:
    """Write the templates' remembered pieces, with the stamp of the templates that
    made them."""
    if stamp:
        _write(staging, PIECES, (stamp, pieces))


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
        entries = _read(target, part)
        if isinstance(entries, dict):
            recall(entries)


def recalled_pieces(target: Path, stamp: str) -> dict:
    """The last build's remembered pieces, if its templates were these."""
    found = _read(target, PIECES)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == stamp and isinstance(found[1], dict):
        return found[1]
    return {}


def _write(staging: Path, part: str, value: Any) -> None:
    folder = staging / MEMORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # Streamed to the file: the lists' pieces alone are some 20 MB at 1,000 canvases,
    # and a pickle made whole in memory first would be the process's peak.
    with open(folder / f"{part}.pickle", "wb") as file:
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)


def _read(target: Path, part: str) -> Any:
    try:
        return pickle.loads((target / MEMORY_FOLDER / f"{part}.pickle").read_bytes())
    except Exception:  # a missing or damaged part is only a slower build
        return None

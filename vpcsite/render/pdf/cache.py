"""The PDF cache: canvas PDFs by a key on everything that shapes them, read from the
previous output and written into the new one (the layout record beside them: layouts.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import __version__
from ...layouts import CACHE_FOLDER
from .fitting import FIT_ALLOWANCE_REM, FIT_ATTRIBUTE, FIT_TOLERANCE, TYPE_STEPS

#: The key of the handout in the output beside it: an unchanged handout is reused whole.
HANDOUT_FILE = "handout.json"


def fingerprint(files: dict[str, Path]) -> str:
    """One digest of a set of embeddable files: their URLs and bytes."""
    digest = hashlib.sha256()
    for url in sorted(files):
        digest.update(url.encode("utf-8"))
        digest.update(_file_digest(files[url]).encode("ascii"))
    return digest.hexdigest()


def cache_key(html: str, files: str, size: str, orientation: str) -> str:
    """Everything that shapes a PDF: its HTML (model, templates, theme markup), the
    fingerprint of the files it can fetch (stylesheets, its images), page settings and
    versions."""
    import weasyprint

    digest = hashlib.sha256()
    # The search's allowance too: with a print theme beyond its assumptions, it could
    # end one size smaller than an exhaustive search would.
    for part in (
        __version__,
        weasyprint.__version__,
        size,
        orientation,
        repr(TYPE_STEPS),
        repr(FIT_ALLOWANCE_REM),
        repr((FIT_ATTRIBUTE, FIT_TOLERANCE)),
        html,
        files,
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def _file_digest(path: Path) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    key = (str(path), info.st_mtime_ns, info.st_size)
    found = _FILE_DIGESTS.get(key)
    if found is None:
        found = _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class PdfCache:
    """Canvas PDFs by key, read from the previous output and written into the new one,
    so nothing is ever written outside the output folder."""

    previous: Path | None
    current: Path

    def get(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        if self.previous is None:
            return None
        folder = self.previous / CACHE_FOLDER
        entry_file, meta_file = folder / f"{key}.pdf", folder / f"{key}.json"
        if entry_file.is_file() and meta_file.is_file():
            try:
                return entry_file.read_bytes(), json.loads(meta_file.read_text())
            except (OSError, ValueError):
                return None
        return None

    def take(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """A cached entry, carried over into the new output's cache when found."""
        hit = self.get(key)
        if hit is not None:
            self.put(key, *hit)
        return hit

    def put(self, key: str, data: bytes, meta: dict[str, Any]) -> None:
        folder = self.current / CACHE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.pdf").write_bytes(data)
        (folder / f"{key}.json").write_text(json.dumps(meta, sort_keys=True))

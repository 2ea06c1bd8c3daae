"""The content folder → documents. The only reader of content files.

Each file is read, parsed and validated on its own, keyed by its content hash, so a
caller that keeps a `DocumentCache` (the dev server) re-does only the files that changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, diagnostic, display_path
from .model import Document
from .schema import default_type, parse_document
from .source import read_source


def load_document(display: str, relative: str, data: bytes, digest: str = "") -> tuple[Document | None, list[Diagnostic]]:
    """One file's bytes → its validated document. Pure, so its result can be cached."""
    source, problems = read_source(display, data)
    if source is None:
        return None, problems
    stem = relative.rsplit("/", 1)[-1].removesuffix(".md")
    document, found = parse_document(source, relative, stem, digest)
    return document, problems + found


@dataclass
class DocumentCache:
    """Results of `load_document` by (path, content hash); stale entries are dropped on use."""

    entries: dict[str, tuple[str, Document | None, list[Diagnostic]]] = field(default_factory=dict)

    def load(self, display: str, relative: str, data: bytes) -> tuple[Document | None, list[Diagnostic]]:
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        cached = self.entries.get(display)
        if cached is not None and cached[0] == digest:
            return cached[1], cached[2]
        document, found = load_document(display, relative, data, digest)
        self.entries[display] = (digest, document, found)
        return document, found


def content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under content/, in a stable order; hidden files and folders skipped."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        found.extend(Path(folder, name) for name in sorted(files) if name.endswith(".md") and not name.startswith("."))
    return found


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies below it (both already absolute and resolved)."""
    return path == folder or folder in path.parents


def outside_link(link: Path, root: Path) -> Diagnostic:
    """Symlinks may organise a site, but never pull in files from outside it."""
    return diagnostic(
        "VPC504",
        display_path(link, root),
        1,
        1,
        f"symbolic link to {os.path.realpath(link)} leads outside the site and is not followed",
        "copy the file into the site instead of linking to it",
    )


@dataclass(frozen=True)
class LoadedContent:
    documents: list[Document]
    diagnostics: list[Diagnostic]
    #: Ids of segments and value maps left out because they are drafts.
    drafts: frozenset[str]
    #: (type, id by file name) of documents that failed validation: references to them
    #: are not reported again, since the file's own errors explain them.
    failed: frozenset[tuple[str, str]] = frozenset()


def load_content(root: Path, content_dir: str, *, drafts: bool = False, cache: DocumentCache | None = None) -> LoadedContent:
    cache = cache if cache is not None else DocumentCache()
    base = root / content_dir
    documents: list[Document] = []
    found: list[Diagnostic] = []
    left_out: set[str] = set()
    failed: set[tuple[str, str]] = set()
    site_root = root.resolve()
    for path in content_files(base):
        relative = path.relative_to(base).as_posix()
        display = display_path(path, root)
        if path.is_symlink() and not inside(Path(os.path.realpath(path)), site_root):
            found.append(outside_link(path, root))
            continue
        document, problems = cache.load(display, relative, path.read_bytes())
        found.extend(problems)
        if document is None:
            failed.add((default_type(relative), path.stem))
            continue
        if document.model.draft and not drafts:
            left_out.add(document.model.id)
            continue
        documents.append(document)
    return LoadedContent(documents, found, frozenset(left_out), frozenset(failed))

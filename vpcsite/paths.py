"""Finding a site's files and telling them apart: the Markdown files of the content
folder, whether a path lies inside a folder, a file's content hash. Nothing here parses,
so a build with nothing changed uses it without loading the parsers and the models."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest_of(data: bytes) -> str:
    """The content hash of a file's bytes, as caches and the build record key them."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def content_files(content_dir: Path, unreadable: list[Path] | None = None) -> list[Path]:
    """Every Markdown file under content/, in a stable order; hidden files and folders
    skipped. Folders that cannot be listed are added to `unreadable` (when given): a
    site whose canvases sit in a folder nobody may read must not build without them."""
    return [Path(path) for path in content_paths(content_dir, unreadable)]


def content_paths(content_dir: Path, unreadable: list[Path] | None = None, links: set[str] | None = None) -> list[str]:
    """`content_files` as strings, each `str(content_dir)` joined with its path below
    it: a scan of thousands of files makes no Path objects it does not need. Files that
    are symbolic links are added to `links` (when given), told by the folder listing
    itself, with no call per file. A linked folder is not entered."""
    found: list[str] = []

    def refused(error: OSError) -> None:
        if unreadable is not None and error.filename is not None and os.path.lexists(error.filename):
            unreadable.append(Path(error.filename))

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            refused(error)
            return
        below: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                folder_entry = entry.is_dir()
            except OSError:
                folder_entry = False
            if folder_entry:
                if not entry.is_symlink():
                    below.append(entry.path)
            elif name.endswith(".md"):
                found.append(entry.path)
                if links is not None and entry.is_symlink():
                    links.add(entry.path)
        for path in below:
            walk(path)

    walk(str(content_dir))
    return found


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies below it (both already absolute and resolved)."""
    return path == folder or folder in path.parents

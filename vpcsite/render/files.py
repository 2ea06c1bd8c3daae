"""What a page brings along besides its HTML: what rendering its Markdown found (kept
by the build record, so a page taken over from the last build reports the same), the
local files it links to, the static files every page shares, and the sitemap.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..content import inside
from ..diagnostics import Diagnostic, diagnostic, diagnostic_from
from ..urls import FILE_FOLDERS
from .images import image_problem


@dataclass
class PageFindings:
    """What rendering one page's Markdown found. The build record keeps it, so a page
    taken over from the last build still reports, copies and embeds the same."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Local files its Markdown links to: (document's path under content/, target, line, column).
    assets: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: Images it shows: (absolute URL, file, line, column).
    images: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: Links between files it resolved: path from the site root → URL (None: no page).
    links: dict[str, str | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.diagnostics or self.assets or self.images or self.links)

    def extend(self, other: PageFindings) -> None:
        self.diagnostics.extend(other.diagnostics)
        self.assets.extend(other.assets)
        self.images.extend(other.images)
        self.links.update(other.links)

    def to_data(self) -> dict:
        return {
            "diagnostics": [d.as_dict() for d in self.diagnostics],
            "assets": [list(a) for a in dict.fromkeys(self.assets)],
            "images": [list(i) for i in dict.fromkeys(self.images)],
            "links": self.links,
        }

    @classmethod
    def from_data(cls, data: dict) -> PageFindings:
        return cls(
            [diagnostic_from(d) for d in data["diagnostics"]],
            [tuple(a) for a in data["assets"]],  # type: ignore[misc]
            [tuple(i) for i in data["images"]],  # type: ignore[misc]
            dict(data["links"]),
        )


@dataclass(frozen=True)
class Asset:
    """A local file a Markdown text links to, copied next to the page that uses it."""

    source: Path
    url: str
    #: Where the link was written (document path, line, column), to say so should the
    #: file be gone by the time it is copied.
    place: tuple[str, int, int] = ("", 1, 1)


def linked_file(
    path: str, source_dir: Path, content_dir: Path, page_dir: str, target: str, place: tuple[int, int], written: set[str]
) -> tuple[Asset | None, Diagnostic | None]:
    """A local file that a Markdown text of the document at `path` links to (`target`,
    relative to `source_dir`, written at line and column `place`), to be copied next to
    its page in `page_dir`: the asset to copy, and the finding to report (an image that
    cannot be shown is copied and reported). `written`: the URLs the site writes itself."""
    line, column = place
    if "\x00" in target:  # "%00" in a link: no file system names one
        return None, diagnostic(
            "VPC502", path, line, column, f"linked file {target!r} does not exist", "a file name cannot hold '%00' (a NUL character)"
        )
    source = Path(os.path.normpath(source_dir / target))
    real = Path(os.path.realpath(source))
    if not inside(real, content_dir) or not inside(source, content_dir):
        return None, diagnostic(
            "VPC503",
            path,
            line,
            column,
            f"'{target}' lies outside the content folder and is not copied",
            "put linked files beside the page under content/, or in static/",
        )
    if not real.is_file():
        if not source.exists():
            return None, diagnostic("VPC502", path, line, column, f"linked file '{target}' does not exist", "check the path, relative to this file")
        return None, None
    url = posixpath.normpath(posixpath.join(page_dir, target))
    if url.startswith("../") or url == "..":
        return None, diagnostic("VPC503", path, line, column, f"'{target}' would be copied outside the site and is not copied", None)
    if url in written or url.split("/", 1)[0] in FILE_FOLDERS:
        return None, diagnostic(
            "VPC505",
            path,
            line,
            column,
            f"'{target}' would be copied to {url}, which the site writes itself, and is not copied",
            "rename the linked file, or keep it in a folder of its own",
        )
    asset = Asset(real, url, (path, line, column))
    problem = image_problem(real)
    if problem is None:
        return asset, None
    return asset, diagnostic(
        "VPC507",
        path,
        line,
        column,
        f"image '{target}' cannot be shown: {problem}; it is copied, but browsers show it broken and PDFs leave it out",
        "save the image again from an image editor, or replace the file",
    )


def static_files(source: Path, site_root: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Files of a static folder as (real source, relative path), and the symlinks skipped
    because they lead outside the site (or the built-in themes)."""
    files: list[tuple[Path, str]] = []
    skipped: list[Path] = []
    if not source.is_dir():
        return files, skipped
    allowed = (site_root.resolve(), Path(__file__).resolve().parent.parent)
    for folder, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(folder)
        for name in [*dirs]:
            if (here / name).is_symlink():
                skipped.append(here / name)  # os.walk would not enter it; say so
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                continue
            real = Path(os.path.realpath(path))
            if path.is_symlink() and not any(inside(real, base) for base in allowed):
                skipped.append(path)
                continue
            if real.is_file():
                files.append((real, path.relative_to(source).as_posix()))
    return files, skipped


def sitemap(base_url: str, urls: list[str]) -> str:
    from xml.sax.saxutils import escape

    base = base_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in sorted(urls):
        lines.append(f"  <url><loc>{escape(base + url.removesuffix('index.html'))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"

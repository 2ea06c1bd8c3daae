"""The PDF sandbox: a URL fetcher that serves only files the build itself mapped
(theme and site static files, files linked from Markdown under content/), each checked
again with realpath; no network, no file URLs, no redirects. A refused fetch becomes a
warning naming the Markdown file and line.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from pathlib import Path
from typing import Any

from ...content import inside
from ...diagnostics import Diagnostic, diagnostic

#: Relative URLs in the HTML resolve against this origin; `.invalid` can never be a real
#: host, and the fetcher answers for it from the build's own file map, never the network.
ORIGIN = "https://vpcsite.invalid/"


class Refused(ValueError):
    """A fetch the sandbox does not allow (WeasyPrint logs it and carries on without it)."""


class SandboxFetcher:
    """Serves `files` (virtual URL → file) and nothing else."""

    def __init__(self, files: dict[str, Path], roots: tuple[Path, ...]):
        self.files = files
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        self.refused: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.fetch(url)

    def fetch(self, url: str, headers: Any = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        clean = url.split("#", 1)[0].split("?", 1)[0]
        source = self.files.get(clean)
        if source is None:
            self.refused.append(url)
            raise Refused(f"not a file of this site: {url}")
        real = Path(os.path.realpath(source))
        try:
            mode = os.stat(real).st_mode
        except OSError:
            mode = 0
        if not any(inside(real, root) for root in self.roots) or not stat.S_ISREG(mode):
            self.refused.append(url)
            raise Refused(f"outside the site or not a regular file: {url}")
        kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        return URLFetcherResponse(clean, body=real.read_bytes(), headers={"Content-Type": kind})


def make_fetcher_class(files: dict[str, Path], roots: tuple[Path, ...]) -> type:
    """A weasyprint.URLFetcher subclass bound to this build's file map (WeasyPrint ≥ 70
    takes a URLFetcher for the document and every stylesheet)."""
    from weasyprint.urls import URLFetcher

    sandbox = SandboxFetcher(files, roots)

    class BuildFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)
            self.sandbox = sandbox

        def fetch(self, url: str, headers: Any = None) -> Any:
            return sandbox.fetch(url, headers)

    BuildFetcher.sandbox = sandbox  # type: ignore[attr-defined]
    return BuildFetcher


def refused_warnings(refused: list[str], origins: dict[str, tuple[str, int, int]], fallback: tuple[str, int, int]) -> list[Diagnostic]:
    """One warning per refused fetch, at the Markdown line that asked for it."""
    found = []
    for url in refused:
        path, line, column = origins.get(url.split("#", 1)[0], fallback)
        shown = url[len(ORIGIN) :] if url.startswith(ORIGIN) else url
        found.append(
            diagnostic(
                "VPC601",
                path,
                line,
                column,
                f"the PDF does not embed '{shown}': only files of this site can be embedded",
                "put the file beside the Markdown under content/, or in static/, and link it with a relative path",
            )
        )
    return found

"""Which file of the built site a request names, if any: only files inside it, whatever
the encoding of `..`, backslashes or links out."""

from __future__ import annotations

import mimetypes
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Paths under this prefix belong to the dev server itself (events, the reload script).
OWN = "/__vpcsite/"


def site_path(raw: str) -> str | None:
    """The request target as a path inside the site ("canvases/x/index.html" for
    "/canvases/x/"), or None when it could name anything outside it."""
    path = urlsplit(raw).path
    if not path.startswith("/") or path.startswith("//"):
        return None
    decoded = unquote(path, errors="strict")
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = decoded.split("/")[1:]
    if any(part in (".", "..") for part in parts):
        return None
    relative = "/".join(parts)
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    if posixpath.normpath("/" + relative) != "/" + relative:
        return None
    return relative


def locate(folder: Path, relative: str) -> Path | None:
    """The file for a site path, or None: missing, a folder, or (through a link) outside
    the built site."""
    base = os.path.realpath(folder)
    candidate = os.path.join(base, *relative.split("/"))
    real = os.path.realpath(candidate)
    if real != base and not real.startswith(base + os.sep):
        return None
    return Path(real) if os.path.isfile(real) else None


def is_folder(folder: Path, relative: str) -> bool:
    """Whether a path without a trailing slash names a folder of the site (a redirect)."""
    base = os.path.realpath(folder)
    real = os.path.realpath(os.path.join(base, *relative.split("/")))
    return (real == base or real.startswith(base + os.sep)) and os.path.isdir(real)


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml") else kind

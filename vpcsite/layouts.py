"""The layout record: how each canvas's PDF was laid out in the last build (type size,
pages, whether its drawing fitted) and from which sources.

The PDF stage writes it into the output (render/pdf/stage.py); `check` reads it to
repeat the VPC602 overflow warning of a canvas whose value map and segment have not
changed since, without laying anything out. It lives below both, so checking does not
depend on rendering.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .model import Document, Site

#: The PDF cache's folder in the output, and the layout record in it.
CACHE_FOLDER = ".cache/pdf"
LAYOUT_FILE = "layout.json"


def layout_sources(value_map: Document, segment: Document) -> str:
    """What a canvas's layout depends on: its value map and its segment, by digest."""
    return f"{value_map.digest}:{segment.digest}"


def write_layout(output: Path, layout: dict[str, dict[str, Any]]) -> None:
    """Record each canvas's layout ({canvas: {type_size, pages, fitted, sources}})."""
    folder = output / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LAYOUT_FILE).write_text(json.dumps(layout, indent=1, sort_keys=True) + "\n")


def read_layout(output: Path | None) -> dict[str, dict[str, Any]]:
    """The layout recorded in `output`; empty when there is none or it is unreadable
    (an old or hand-edited output is no reason to fail a build or a check)."""
    if output is None:
        return {}
    try:
        layout = json.loads((output / CACHE_FOLDER / LAYOUT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(layout, dict):
        return {}
    return {str(canvas): entry for canvas, entry in layout.items() if isinstance(entry, dict)}


def previous_sizes(previous: Path | None) -> dict[str, float]:
    """Type size of each canvas in the last build (a good first guess for this one)."""
    sizes = {}
    for canvas, entry in read_layout(previous).items():
        try:
            sizes[canvas] = float(entry["type_size"])
        except (KeyError, TypeError, ValueError):
            continue
    return sizes


def overflow_warning(document: Document, canvas_id: str, size: str, type_size: float, pages: int) -> Diagnostic:
    """VPC602: a canvas that does not fit one page even at the smallest type size."""
    if pages > 1:
        message = f"canvas '{canvas_id}' does not fit on one {size} page even at {type_size:g} pt; it continues on {pages} pages"
    else:
        message = f"canvas '{canvas_id}' does not fit its drawing on one {size} page even at {type_size:g} pt; its blocks grow out of shape"
    return diagnostic(
        "VPC602",
        document.path,
        *document.position(("title",)),
        message,
        "shorten item texts, move detail into notes, or choose a larger page_size in site.toml",
    )


def last_layout_warnings(output: Path, site: Site, page_size: str) -> list[Diagnostic]:
    """VPC602 for canvases that did not fit one page in the last build and whose value
    map and segment are unchanged since: `check` knows without laying anything out."""
    found = []
    for canvas_id, entry in sorted(read_layout(output).items()):
        document = site.value_maps.get(canvas_id)
        if document is None or (entry.get("pages", 1) <= 1 and entry.get("fitted", True)):
            continue
        segment = site.segments.get(getattr(document.model, "segment", ""))
        if segment is None or entry.get("sources") != layout_sources(document, segment):
            continue
        type_size = entry.get("type_size")
        pages = entry.get("pages", 1)
        if not isinstance(type_size, (int, float)) or not isinstance(pages, int):
            continue
        found.append(overflow_warning(document, canvas_id, page_size, float(type_size), pages))
    return found

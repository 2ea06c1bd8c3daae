"""The workshop handout: cover, canvases and fit summary assembled from their PDFs
(pypdf) with bookmarks and page numbers stamped on, not laid out again; an unchanged
handout is taken over from the last build whole.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from ... import __version__
from ...layouts import CACHE_FOLDER
from .cache import HANDOUT_FILE


def assemble_handout(
    parts: list[tuple[str, bytes]],
    numbers: bytes,
    title: str,
    site_title: str,
) -> bytes:
    """Cover, canvases and summary into one PDF: a bookmark per part, and the page
    numbers of `numbers` (one page per handout page) stamped onto every page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    starts: list[tuple[str, int]] = []
    for name, data in parts:
        starts.append((name, len(writer.pages)))
        writer.append(PdfReader(io.BytesIO(data)))
    stamps = PdfReader(io.BytesIO(numbers))
    for page, stamp in zip(writer.pages, stamps.pages):
        page.merge_page(stamp)
        # Merging leaves the page's content uncompressed: five times the parts' size.
        page.compress_content_streams()
    # Bookmarks from the canvases' own PDFs are dropped; the handout has one per part.
    writer._root_object.pop("/Outlines", None)  # pypdf has no public reset
    for name, start in starts:
        writer.add_outline_item(title=name, page_number=start)
    writer.add_metadata({"/Title": title, "/Subject": site_title, "/Creator": f"vpcsite {__version__}", "/Producer": "vpcsite"})
    writer.page_mode = "/UseOutlines"
    # One copy of what the parts share (the stamps' font, repeated resources).
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer._ID = None  # no random file identifier: same input, same bytes
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_numbers_html(count: int, size: str, orientation: str) -> str:
    """`count` empty pages whose only content is their number, to stamp onto the handout."""
    pages = "".join('<div class="p"></div>' for _ in range(count))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>'
        f"@page {{ size: {size} {orientation}; margin: 0 0 6mm 0;"
        " @bottom-center { content: counter(page) ' / ' counter(pages); font: 8pt sans-serif; color: #444; } }"
        " .p { break-after: page; height: 1px; } .p:last-child { break-after: auto; }"
        f"</style></head><body>{pages}</body></html>"
    )


def handout_key(parts: list[tuple[str, bytes, int]], title: str, site_title: str, size: str, orientation: str) -> str:
    """Everything the handout is made of: its parts' names and bytes, titles, page
    settings and versions."""
    import pypdf

    digest = hashlib.sha256()
    for value in (__version__, pypdf.__version__, title, site_title, size, orientation):
        digest.update(value.encode("utf-8") + b"\0")
    for name, data, _ in parts:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def previous_handout(previous: Path | None, key: str) -> bytes | None:
    """The last build's handout when it was made of exactly the same parts: assembling
    one reads every canvas PDF again, seconds for a few hundred canvases."""
    if previous is None:
        return None
    try:
        if json.loads((previous / CACHE_FOLDER / HANDOUT_FILE).read_text()).get("key") != key:
            return None
        return (previous / "pdf" / "handout.pdf").read_bytes()
    except (OSError, ValueError, AttributeError):
        return None

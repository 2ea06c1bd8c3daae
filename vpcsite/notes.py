"""The Markdown texts of every document (bodies, item notes, evidence entries) as checking
sees them: what the link and HTML policies drop is a finding of `check` as well as of
`build`, at its own line and column.

Rendering reports the same findings with the same words and places (the same policy
code runs), so a build that checks and then renders reports each one once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

from .diagnostics import Diagnostic
from .memo import remembered, source
from .model import SECTIONS, Document
from .places import TextPlace, body_place


def texts_of(document: Document) -> Iterator[tuple[str, bool, tuple[str | int, ...] | None]]:
    """Every Markdown text of a document: (text, inline, its key path; None for the body)."""
    if document.body.strip():
        yield document.body, False, None
    model = document.model
    for section in SECTIONS[model.type]:
        for index, item in enumerate(getattr(model, section)):
            if item.note:
                yield item.note, False, (section, index, "note")
            for number, entry in enumerate(item.evidence):
                yield entry, True, (section, index, "evidence", number)


def markdown_findings(documents: Iterable[Document], unsafe_html: bool) -> list[Diagnostic]:
    """VPC501 and VPC506 of every text of every document, remembered per file."""
    found: list[Diagnostic] = []
    for document in documents:
        found.extend(remembered(("markdown", *source(document), str(unsafe_html)), partial(_scan, document, unsafe_html)))
    return found


def _scan(document: Document, unsafe_html: bool) -> list[Diagnostic]:
    from .markdown import MarkdownRenderer, might_drop

    candidates = [(text, inline, path) for text, inline, path in texts_of(document) if might_drop(text, inline)]
    if not candidates:
        return []  # most documents: nothing the policies could drop, and no parser loaded
    renderer = MarkdownRenderer(unsafe_html)
    found: list[Diagnostic] = []
    for text, inline, path in candidates:
        place = _place_of(document, path)
        found.extend(renderer.findings(text, document.path, place, inline))
    return found


def _place_of(document: Document, path: tuple[str | int, ...] | None) -> Callable[[], TextPlace]:
    if path is None:
        body = body_place(document.body_line)
        return lambda: body

    def place() -> TextPlace:
        return document.text_place(path)

    return place

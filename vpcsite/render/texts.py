"""A document's Markdown text as a page shows it: rendered when a template first outputs
it, by the renderer of the page's build (site.py), which notes what it found there."""

from __future__ import annotations

from typing import Protocol

from ..markdown import LocalLinks, MarkdownRenderer, Rendered
from ..model import Document
from ..places import TextPlace, body_place
from .views import LazyHtml


class TextOwner(Protocol):
    """What a text needs of the renderer it belongs to."""

    markdown: MarkdownRenderer

    def collect(self, document: Document, page: str, result: Rendered) -> None: ...


class MarkdownText(LazyHtml):
    """A document's Markdown text as one page shows it, rendered when a template first
    outputs it. One object holding its sources: closures took nine (a function, its
    cells, a lambda for the place), and a canvas page has some sixty texts, so at 1,000
    canvases they were tens of megabytes and the allocations of a tenth of its views."""

    __slots__ = ("_document", "_inline", "_links", "_page", "_renderer", "_text", "_where")

    def __init__(self, renderer: TextOwner, document: Document, page: str, text: str, where: tuple | None, inline: bool, links: LocalLinks) -> None:
        self._html = None
        self._present = bool(text.strip())
        self._renderer = renderer
        self._document = document
        self._page = page
        self._text = text
        #: The key path of a front matter value; None for the body.
        self._where = where
        self._inline = inline
        self._links = links

    def __html__(self) -> str:
        if self._html is None:
            renderer, document = self._renderer, self._document
            result = renderer.markdown.render_at(self._text, document.path, self._place, self._inline, self._links)
            renderer.collect(document, self._page, result)
            self._html = result.html
        return self._html

    def _place(self) -> TextPlace:
        """Where the text stands in its file: asked only when a finding needs it."""
        if self._where is None:
            return body_place(self._document.body_line)
        return self._document.text_place(self._where)

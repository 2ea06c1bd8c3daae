"""The search index: every canvas, segment, page and item as a short document, written as
a script (data/search-index.js) that the search box loads on first use.

A script, not JSON fetched with XHR, so search works from files opened directly
(file:// forbids XHR) as well as from a server. The browser builds the MiniSearch index
from these documents: the documents are a third of the size of a serialized index
(docs/performance.md) and index in a fraction of a second.

Experiments and business models are found too: an experiment is one document, its page,
holding the words of both cards; a business model is its page and the items of its seven
written blocks (its segments and value propositions are found on their own pages).

Format (`SEARCH_FORMAT`): `{"v": 1, "pages": [[url, title, kind], ...],
"docs": [[page, section, item id, title, text], ...]}`. A document with no section
is the page itself; otherwise it is an item, found at `#vpc-<section>-<item id>` on
its page (views.dom_id). The item id is left empty when it is the slug of an ASCII
title, which the browser derives the same way: a third less to load. Text is plain: Markdown links keep their words, not their
URLs, and marks are dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..memo import remembered, source
from ..model import items_of, slug
from ..urls import business_model_url, canvas_url, experiment_url, page_url, segment_url

if TYPE_CHECKING:
    from ..model import Document, Site

SEARCH_FORMAT = 1
#: Where the index is written, under data/ (a folder the site writes itself).
SEARCH_INDEX = "data/search-index.js"
#: The global the script assigns; themes/default/static/search.js reads it.
SEARCH_GLOBAL = "vpcsiteSearch"
#: Longest text kept of a document's notes and evidence: the words that matter for
#: finding a canvas are at the start; a long note would swell the index.
TEXT_CHARS = 240


#: A page of the index: (url from the site root, title, kind).
PageEntry = tuple[str, str, str]
#: A document: (page, section, item id, title, text) with page the url of its page.
Entry = tuple[str, str, str, str, str]
#: What a kind of document yields per page: the memo key of its entries (the content
#: file's path and hash, the page and the kind), its page and its documents.
Indexed = tuple[tuple[str, ...], PageEntry, list[Entry]]


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>]*>")
_MARKS = re.compile(r"[*_`#>|~]+|<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain(markdown: str) -> str:
    """Markdown as the words a reader searches for: link texts without their URLs, no
    emphasis marks or tags, whitespace collapsed."""
    text = _LINK.sub(r"\1", markdown)
    text = _AUTOLINK.sub(" ", text)
    text = _MARKS.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


#: Longest text kept of an experiment: its cards are a few sentences, each of which a
#: reader may search for (a word of the learning as well as of the hypothesis); each
#: step is cut to TEXT_CHARS, the whole to this.
EXPERIMENT_CHARS = 4 * TEXT_CHARS

#: What decides the index's bytes besides the documents (its key covers it).
SEARCH_SHAPE = (SEARCH_FORMAT, TEXT_CHARS, EXPERIMENT_CHARS, SEARCH_GLOBAL, "experiments", "business-models")


def _short(*parts: str, limit: int = TEXT_CHARS) -> str:
    text = " ".join(p for p in (plain(part) for part in parts) if p)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def _stored_id(item_id: str, text: str) -> str:
    """The id as the index keeps it: empty when search.js derives it from the text
    (lower case, runs of other characters than ASCII letters and digits to one '-')."""
    return "" if text.isascii() and slug(text) == item_id else item_id


def _document_entries(document: Document, url: str, kind: str) -> Indexed:
    """A canvas's or segment's page and its items (a segment page shows its own items;
    a canvas page shows its value map's, and links to the segment for the profile).
    Remembered by content hash: a rebuild while serving works out the changed file's."""
    key = (*source(document), url, kind)

    def make() -> tuple[PageEntry, list[Entry]]:
        model = document.model
        entries: list[Entry] = [(url, "", "", model.title, _short(getattr(model, "summary", "") or "", document.body))]
        for section, _, item in items_of(model):
            entries.append((url, section, _stored_id(item.id, item.text), item.text, _short(item.note, *item.evidence)))
        return (url, model.title, kind), entries

    return (key, *remembered(("search", *key), make))


def canvas_documents(site: Site) -> Iterator[Indexed]:
    for map_id, document in sorted(site.value_maps.items()):
        if document.model.segment in site.segments:  # type: ignore[union-attr]
            yield _document_entries(document, canvas_url(map_id), "canvas")


def segment_documents(site: Site) -> Iterator[Indexed]:
    for segment_id, document in sorted(site.segments.items()):
        yield _document_entries(document, segment_url(segment_id), "segment")


def _page_entries(document: Document, url: str) -> Indexed:
    key = (*source(document), url, "page")
    entries: list[Entry] = remembered(("search", *key), lambda: [(url, "", "", document.model.title, _short(document.body))])
    return key, (url, document.model.title, "page"), entries


def page_documents(site: Site) -> Iterator[Indexed]:
    for document in sorted(site.pages, key=lambda d: d.relative):
        yield _page_entries(document, page_url(document.relative))


def _experiment_entries(document: Document, url: str) -> Indexed:
    """An experiment's page as one document: the test card, the learning card and the
    notes, in the order the page shows them."""
    key = (*source(document), url, "experiment")

    def make() -> list[Entry]:
        model = document.model
        steps = (model.hypothesis, model.test, model.metric, model.criteria, model.observation, model.learning, model.decision or "", document.body)
        return [(url, "", "", model.title, _short(*(_short(step) for step in steps), limit=EXPERIMENT_CHARS))]

    return key, (url, document.model.title, "experiment"), remembered(("search", *key), make)


def experiment_documents(site: Site) -> Iterator[Indexed]:
    """One document per experiment, leading to its page."""
    for experiment_id, document in sorted(site.experiments.items()):
        yield _experiment_entries(document, experiment_url(experiment_id))


def business_model_documents(site: Site) -> Iterator[Indexed]:
    """A business model's page and the items of its written blocks, each found at its
    place in the block (render/method.py gives them their ids)."""
    for model_id, document in sorted(site.business_models.items()):
        yield _document_entries(document, business_model_url(model_id), "business-model")


#: Every kind of document the search covers, in the order results list them when they
#: match equally well. A new kind is one line here.
DOCUMENT_KINDS: tuple[Callable[[Site], Iterator[Indexed]], ...] = (
    canvas_documents,
    segment_documents,
    experiment_documents,
    business_model_documents,
    page_documents,
)


def search_index(site: Site) -> dict:
    """The index as plain data: pages, and documents pointing at them by number."""
    pages: list[list[str]] = []
    docs: list[list[object]] = []
    for kind in DOCUMENT_KINDS:
        for _, page, entries in kind(site):
            number = len(pages)
            pages.append(list(page))
            docs.extend([number, section, item_id, title, text] for _, section, item_id, title, text in entries)
    return {"v": SEARCH_FORMAT, "pages": pages, "docs": docs}


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _safe(data: str) -> str:
    """JSON that no text can end a script with, nor a line in it (pieces begin with
    "[" and end with "]", so escaping each piece escapes the whole)."""
    return data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _fragments(key: tuple[str, ...], number: int, page: PageEntry, entries: list[Entry]) -> tuple[bytes, bytes]:
    """One page's part of the script's JSON: its page entry, and its documents pointing
    at it by `number`. JSON is written piece by piece the same as whole, so the pieces
    of unchanged files are remembered and joined: a rebuild while serving encodes the
    changed file's documents, not forty thousand."""

    def make() -> tuple[bytes, bytes]:
        docs = ",".join(_dumps([number, section, item_id, title, text]) for _, section, item_id, title, text in entries)
        return _safe(_dumps(list(page))).encode(), _safe(docs).encode()

    return remembered(("search-json", *key, str(number)), make)


def search_script(site: Site) -> bytes:
    """data/search-index.js: the index assigned to a global, the same bytes for the same
    site (the JSON of `search_index`, made from remembered pieces). `</` is escaped so
    no text can close the script (it is loaded with src, but a theme may inline it)."""
    return b"".join(search_script_parts(site))


def search_script_parts(site: Site) -> list[bytes]:
    """`search_script` in parts, to be written without joining them."""
    pages: list[bytes] = []
    docs: list[bytes] = []
    number = 0
    for kind in DOCUMENT_KINDS:
        for key, page, entries in kind(site):
            page_json, docs_json = _fragments(key, number, page, entries)
            number += 1
            pages += (page_json, b",")
            if docs_json:
                docs += (docs_json, b",")
    head = f'/* vpcsite search index, format {SEARCH_FORMAT} */\nwindow.{SEARCH_GLOBAL}={{"v":{SEARCH_FORMAT},"pages":['.encode()
    return [head, *pages[:-1], b'],"docs":[', *docs[:-1], b"]};\n"]


__all__ = ["DOCUMENT_KINDS", "SEARCH_INDEX", "plain", "search_index", "search_script", "search_script_parts"]

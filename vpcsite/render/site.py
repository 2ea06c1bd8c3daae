"""The checked site → every output file: pages, static files, linked assets, site.json,
sitemap.xml. Views are prepared once; pages are rendered from them in any order (or in
parallel worker processes), each independent of the others.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from ..content import outside_link
from ..diagnostics import Diagnostic
from ..markdown import MarkdownRenderer, Rendered
from ..model import Document
from ..theme import Theme, static_folders
from ..urls import business_model_url, canvas_url, experiment_url, page_url, segment_url
from .cards import CanvasCard, SegmentCard, SegmentView, canvas_card, segment_view
from .drawing import Drawing, layout
from .files import Asset, PageFindings, linked_file, static_files
from .keys import CardKeys, TemplateKeys
from .method import MethodViews
from .pdf.sandbox import ORIGIN
from .prepare import canvas_view
from .texts import MarkdownText
from .trend import Trend, trend
from .views import CanvasView, LazyHtml

if TYPE_CHECKING:
    from ..check import CheckResult
    from ..config import SiteConfig
    from ..history import SiteHistory

Progress = Callable[[str, int, int], None]


class SiteRenderer:
    def __init__(self, root: Path, config: SiteConfig, theme: Theme, checked: CheckResult, *, pdf: bool = False, history: SiteHistory | None = None):
        self.root = root
        #: Fit history from git (history.py), when the site is in a repository.
        self.history = history
        #: Whether this build writes PDFs: pages link to them only then.
        self.pdf = pdf
        self.config = config
        self.theme = theme
        self.checked = checked
        self.content_dir = (root / config.content_dir).resolve()
        self.markdown = MarkdownRenderer(config.markdown.unsafe_html)
        self._found: list[Diagnostic] = []
        self.assets: dict[str, Asset] = {}
        #: What rendering each page's Markdown found, by page URL.
        self.findings: dict[str, PageFindings] = {}
        #: Per page, every image URL it shows and where it was written (the PDF stage
        #: reports each one it may not embed, whether or not the layout reaches it).
        self.image_origins: dict[str, dict[str, tuple[str, int, int]]] = {}
        #: The key of every output written or taken over (the build record keeps them).
        self.output_keys: dict[str, str] = {}
        #: What lists show of each canvas, as keys (write.py gives it the last build's).
        self.card_keys = CardKeys(checked.site, checked.fits, config.fit.target)
        #: Page URLs rendered and taken over by the last write (render/write.py), what
        #: the record keeps of each page, and the template keys it used.
        self.rendered: list[str] = []
        self.reused: list[str] = []
        self.page_records: dict[str, dict] = {}
        self.template_keys: TemplateKeys | None = None
        #: Pages the last write left for its caller to write once the others are
        #: served (write._lists_later): the renderer is let go after the last of them.
        self.deferred: list[str] = []
        self._canvases: dict[str, CanvasView] = {}
        self._drawings: dict[str, Drawing] = {}
        self._cards: dict[str, CanvasCard] = {}
        self._segment_cards: dict[str, SegmentCard] = {}
        self._segments: dict[str, SegmentView] = {}
        self.pages: list[tuple[Document, str, LazyHtml]] = []
        self.home: LazyHtml = LazyHtml(str, False)
        self.home_title = config.title
        self.home_document: Document | None = None
        self.static = self._static()
        self._prepare()

    def release(self) -> None:
        """Drop the views once the build is done with them. Their Markdown texts refer
        back to this renderer, a cycle only the cycle collector frees, and builds pause
        it: a process that builds again (the benchmark, a dev server) would keep every
        build's views."""
        self.forget_views()
        self.pages = []
        self.home = LazyHtml(str, False)

    def forget_views(self) -> None:
        """Drop every canvas's and segment's view, drawing and card: asked for again, they
        are made again. A render worker does so after each share of pages, which it
        renders segment by segment (write._by_segment): what it made for one segment is
        seldom asked for again, and kept, it added up to a quarter of the worker's
        memory at 1,000 canvases."""
        self._canvases = {}
        self._drawings = {}
        self._cards = {}
        self._segment_cards = {}
        self._segments = {}

    def _static(self) -> list[tuple[Path, str]]:
        """Theme static files, then the site's static/ over them (later wins, as in Hugo)."""
        chosen: dict[str, Path] = {}
        for folder in [*static_folders(self.root, self.theme), self.root / "static"]:
            files, skipped = static_files(folder, self.root)
            chosen.update((relative, source) for source, relative in files)
            for link in skipped:
                self._found.append(outside_link(link, self.root))
        return sorted((source, relative) for relative, source in chosen.items())

    # --- preparation: every view and every Markdown text, once ----------------------

    def _markdown_for(self, document: Document, page: str) -> Callable[[str, str, tuple], LazyHtml]:
        """Markdown of one document as shown on one page, rendered when a template first
        outputs it: the index and fit pages never pay for notes they do not show, and
        canvas pages render theirs in whichever worker process renders the page."""
        links = self._page_links(document, page)

        def render(text: str, kind: str, where: tuple) -> LazyHtml:
            return MarkdownText(self, document, page, text, where, kind == "inline", links)

        return render

    def _body(self, document: Document, page: str) -> LazyHtml:
        return MarkdownText(self, document, page, document.body, None, False, self._page_links(document, page))

    def drain(self) -> tuple[list[Diagnostic], dict[str, PageFindings]]:
        """What rendering found since the last drain (a worker sends it to the parent)."""
        found, findings = self._found, self.findings
        self._found, self.findings = [], {}
        return found, findings

    def absorb(self, drained: tuple[list[Diagnostic], dict[str, PageFindings]]) -> None:
        found, findings = drained
        self._found.extend(found)
        for page, more in findings.items():
            self._findings(page).extend(more)

    def _findings(self, page: str) -> PageFindings:
        found = self.findings.get(page)
        if found is None:
            found = self.findings[page] = PageFindings()
        return found

    def _page_links(self, document: Document, page: str) -> Callable[[str], str | None]:
        """Links between content files ("../segments/x.md") become links between pages,
        and links into the site's static/ folder point at its copy in the output. The
        folders are worked out at the first link: lists make one of these for every
        canvas they show, and most texts link nowhere."""

        def resolve(target: str) -> str | None:
            source_dir = posixpath.join(self.config.content_dir, posixpath.dirname(document.relative))
            from_root = posixpath.normpath(posixpath.join(source_dir, target))
            url = self.site_url(from_root)
            self._findings(page).links[from_root] = url
            return None if url is None else posixpath.relpath(url, posixpath.dirname(page) or ".")

        return resolve

    def site_url(self, from_root: str) -> str | None:
        """The output URL of a file named from the site root, if the site has one."""
        content_prefix = self.config.content_dir.rstrip("/") + "/"
        if from_root.startswith(content_prefix):
            return self.urls.get(from_root[len(content_prefix) :])
        if from_root.startswith("static/") and (self.root / from_root).is_file():
            return from_root
        return None

    def collect(self, document: Document, page: str, result: Rendered) -> None:
        """Note what rendering one text of `document` on `page` found (texts.py)."""
        if not (result.diagnostics or result.images or result.assets):
            return  # most texts: nothing to report, show or copy
        findings = self._findings(page)
        findings.diagnostics.extend(result.diagnostics)
        for src, line, column in result.images:
            findings.images.append((urljoin(ORIGIN + page, src), document.path, line, column))
        for target, line, column in result.assets:
            findings.assets.append((document.relative, target, line, column))

    def settle(self) -> None:
        """Report, show and copy what every page's Markdown found, rendered now or taken
        over from the last build, page by page in order (the first page to link a file
        decides where it comes from)."""
        by_relative = {d.relative: d for d in self.documents()}
        for page, findings in sorted(self.findings.items()):
            self._found.extend(findings.diagnostics)
            shown = self.image_origins.setdefault(page, {})
            for url, path, line, column in findings.images:
                shown.setdefault(url, (path, line, column))
            page_dir = posixpath.dirname(page)
            for relative, target, line, column in dict.fromkeys(findings.assets):
                document = by_relative.get(relative)
                if document is not None:
                    self._asset(document, (self.content_dir / relative).parent, page_dir, target, line, column)

    def documents(self) -> list[Document]:
        site = self.checked.site
        return [*site.segments.values(), *site.value_maps.values(), *site.pages, *site.experiments.values(), *site.business_models.values()]

    def body_of(self, document: Document, page: str) -> LazyHtml:
        """A document's Markdown body as shown on `page` (experiment and business model pages)."""
        return self._body(document, page)

    def _asset(self, document: Document, source_dir: Path, page_dir: str, target: str, line: int, column: int) -> None:
        """Copy a linked local file next to the page, or say why it is not copied."""
        asset, problem = linked_file(document.path, source_dir, self.content_dir, page_dir, target, (line, column), self.written_urls)
        if problem is not None:
            self._found.append(problem)
        if asset is not None:
            self.assets.setdefault(asset.url, asset)

    def _prepare(self) -> None:
        site = self.checked.site
        #: Output URL of every content file, for links between pages.
        self.urls = {
            **{d.relative: canvas_url(i) for i, d in site.value_maps.items()},
            **{d.relative: segment_url(i) for i, d in site.segments.items()},
            **{d.relative: page_url(d.relative) for d in site.pages},
            **{d.relative: experiment_url(i) for i, d in site.experiments.items()},
            **{d.relative: business_model_url(i) for i, d in site.business_models.items()},
        }
        #: Experiments and business models as other pages show them (render/method.py).
        self.method = MethodViews(site, self.checked.fits)
        #: Every file the site writes outside data/, pdf/ and static/: a linked file
        #: copied next to its page may not take one's place.
        self.written_urls = {
            *self.urls.values(),
            "index.html",
            "fit/index.html",
            "404.html",
            "sitemap.xml",
            "experiments/index.html",
            "assumptions/index.html",
        }
        #: The canvases (value maps whose segment exists) and segments, in page order;
        #: their views are prepared when a page first needs them (see `canvas`).
        self.canvas_ids = [i for i, d in sorted(site.value_maps.items()) if d.model.segment in site.segments]  # type: ignore[union-attr]
        self.segment_ids = sorted(site.segments)
        self.targeting: dict[str, list[str]] = {}
        for map_id in self.canvas_ids:
            self.targeting.setdefault(site.value_maps[map_id].model.segment, []).append(map_id)  # type: ignore[union-attr]
        for document in site.pages:
            url = page_url(document.relative)
            body = self._body(document, url)
            if url == "index.html":
                self.home = body
                self.home_document = document
                self.home_title = document.model.title
            else:
                self.pages.append((document, url, body))
        self.pages.sort(key=lambda entry: entry[1])

    def canvas(self, map_id: str) -> CanvasView:
        """A canvas's view, prepared on first use: a build that re-renders one canvas
        prepares that one (in whichever process renders it), not a thousand."""
        view = self._canvases.get(map_id)
        if view is None:
            document, segment_document, url = self._canvas_sources(map_id)
            view = self._canvases[map_id] = canvas_view(
                document,
                segment_document,
                self.checked.fits.get(map_id),
                self.config.fit.target,
                self._markdown_for(document, url),
                self._markdown_for(segment_document, url),
                self._body(document, url),
            )
            self.method.mark(view.sections, map_id, view.segment_id)
        return view

    def drawing(self, map_id: str) -> Drawing:
        """A canvas's drawing, laid out once per process: its page and its SVG (rendered
        one after the other, see `write._beside`) share it."""
        found = self._drawings.get(map_id)
        if found is None:
            found = self._drawings[map_id] = layout(self.canvas(map_id))
        return found

    def let_go(self, map_id: str) -> None:
        """Forget a canvas's view and drawing once its canvas.svg is written: it comes
        right after the canvas's page (write._beside), and nothing needs them after it;
        asked for again, they are made again. The contexts of the two templates that
        showed them are cycles that the paused collector (memory.py) leaves be, so the
        drawing's markup and placed items are dropped from it too: at 1,000 canvases, a
        render worker kept some 40 MB of them."""
        self._canvases.pop(map_id, None)
        drawing = self._drawings.pop(map_id, None)
        if drawing is not None:
            drawing.drawn.clear()
            for block in drawing.blocks.values():
                block.items = []

    def _canvas_sources(self, map_id: str) -> tuple[Document, Document, str]:
        """A canvas's value map, its segment, and its page."""
        site = self.checked.site
        document = site.value_maps[map_id]
        return document, site.segments[document.model.segment], canvas_url(map_id)  # type: ignore[union-attr]

    def card(self, map_id: str) -> CanvasCard:
        """What lists show of a canvas; the whole view only if a template asks more."""
        card = self._cards.get(map_id)
        if card is None:
            document, segment_document, url = self._canvas_sources(map_id)
            card = self._cards[map_id] = canvas_card(
                document.model,  # type: ignore[arg-type]
                segment_document.model,  # type: ignore[arg-type]
                self.checked.fits.get(map_id),
                self.config.fit.target,
                self._markdown_for(document, url),
                self._markdown_for(segment_document, url),
                lambda: self.canvas(map_id),
                self.card_keys[map_id] if self._listed_by_builtins() else None,
            )
        return card

    def _listed_by_builtins(self) -> bool:
        """Whether every page that lists canvases is rendered by vpcsite's own templates,
        which show of a card only what its key covers (cards.card_values)."""
        templates = self.template_keys
        return templates is not None and all(templates[name].builtin for name in ("index.html", "fit.html", "segment.html"))

    def segment(self, segment_id: str) -> SegmentView:
        view = self._segments.get(segment_id)
        if view is None:
            document = self.checked.site.segments[segment_id]
            url = segment_url(segment_id)
            mine = tuple(self.card(map_id) for map_id in self.targeting.get(segment_id, ()))
            view = self._segments[segment_id] = segment_view(document, self._markdown_for(document, url), self._body(document, url), mine)
            self.method.mark({"jobs": view.jobs, "pains": view.pains, "gains": view.gains}, None, segment_id)
        return view

    def segment_card(self, segment_id: str) -> SegmentCard:
        """What lists show of a segment (the index and the fit summary both list them)."""
        card = self._segment_cards.get(segment_id)
        if card is None:
            card = self._segment_cards[segment_id] = self._segment_card(segment_id)
        return card

    def _segment_card(self, segment_id: str) -> SegmentCard:
        document = self.checked.site.segments[segment_id]
        mine = tuple(self.card(map_id) for map_id in self.targeting.get(segment_id, ()))
        keys = [card.key for card in mine]
        # The parts themselves, not a hash of them: worked out for every segment on every rebuild.
        key = ":".join((document.outline, *keys)) if document.outline and all(keys) and self._listed_by_builtins() else None  # type: ignore[arg-type]
        return SegmentCard(document.model, mine, lambda: self.segment(segment_id), key)  # type: ignore[arg-type]

    def trend(self, map_id: str) -> Trend | None:
        """A canvas's fit history as pages draw it, if git has one."""
        return trend(self.history.canvases.get(map_id), self.config.fit.target) if self.history else None

    def history_key(self, map_id: str) -> str:
        return self.history.key(map_id) if self.history else ""

    @property
    def canvases(self) -> dict[str, CanvasView]:
        """Every canvas's view, in page order."""
        return {map_id: self.canvas(map_id) for map_id in self.canvas_ids}

    @property
    def segments(self) -> dict[str, SegmentView]:
        return {segment_id: self.segment(segment_id) for segment_id in self.segment_ids}

    def report(self, found: Diagnostic) -> None:
        """A finding of the writing stage (a linked file gone since it was checked)."""
        self._found.append(found)

    def drawn(self, map_id: str) -> dict:
        """What canvas.svg shows: the canvas and its drawing."""
        return {"canvas": self.canvas(map_id), "drawing": self.drawing(map_id)}

    def canvas_values(self, map_id: str) -> dict:
        """What the canvas page shows: the drawing, the experiments on its items and its
        fit history."""
        return {**self.drawn(map_id), "history": self.trend(map_id), "experiments": self.method.on_canvas(map_id)}

    def diagnostics(self) -> list[Diagnostic]:
        """Findings so far; complete once `write` has rendered every page."""
        return list(self._found)

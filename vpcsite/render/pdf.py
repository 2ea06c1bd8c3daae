"""PDF handouts with WeasyPrint: one PDF per canvas and a workshop handout.

- Sandboxed: a URL fetcher that serves only files the build itself mapped (theme and
  site static files, files linked from Markdown under content/), each checked again
  with realpath; no network, no file URLs, no redirects. A refused fetch becomes a
  warning naming the Markdown file and line.
- Reproducible: fixed metadata, no dates; the same input gives the same bytes.
- Fast: canvases render in worker processes, each under a timeout; a cache keyed on
  everything that shapes a canvas PDF skips unchanged canvases; the handout is
  assembled from the canvas PDFs (pypdf) with bookmarks and page numbers stamped on,
  not laid out again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import mimetypes
import multiprocessing
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import __version__
from ..content import inside
from ..diagnostics import Diagnostic, diagnostic
from ..urls import canvas_url
from ..workers import cpu_count, fork_pool

if TYPE_CHECKING:
    from .site import SiteRenderer

#: Relative URLs in the HTML resolve against this origin; `.invalid` can never be a real
#: host, and the fetcher answers for it from the build's own file map, never the network.
ORIGIN = "https://vpcsite.invalid/"
#: Type sizes (pt) tried in turn until a canvas fits one page; the last is the smallest
#: that stays legible at arm's length on A4.
TYPE_STEPS = (9.5, 8.5, 7.5, 6.5)
#: Seconds one canvas may take to render before it is abandoned with a warning.
RENDER_TIMEOUT = 60
CACHE_FOLDER = ".cache/pdf"
LAYOUT_FILE = "layout.json"
#: The key of the handout in the output beside it: an unchanged handout is reused whole.
HANDOUT_FILE = "handout.json"


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

        def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: D401
            return sandbox.fetch(url, headers)

    BuildFetcher.sandbox = sandbox  # type: ignore[attr-defined]
    return BuildFetcher


@dataclass(frozen=True)
class PdfJob:
    canvas_id: str
    title: str
    html: str
    key: str
    #: The type size this canvas ended at in the last build, if it had one.
    start: float | None = None


@dataclass
class PdfOutcome:
    canvas_id: str
    data: bytes
    pages: int
    type_size: float
    refused: list[str] = field(default_factory=list)
    cached: bool = False


def page_css(size: str, orientation: str, type_size: float) -> str:
    return f"@page {{ size: {size} {orientation}; }}\n:root {{ font-size: {type_size}pt; }}\n"


def render_pdf(
    html: str,
    base_url: str,
    fetcher_class: type,
    size: str,
    orientation: str,
    steps: tuple[float, ...] = TYPE_STEPS,
    start: float | None = None,
    layouts: list[float] | None = None,
) -> tuple[bytes, int, float, list[str]]:
    """Lay out `html` at the largest type size of `steps` that fits one page (or the
    smallest step, on more pages); returns the PDF, its page count, the size used and
    the URLs the sandbox refused.

    The result is the one an exhaustive search over `steps` gives; the search only
    saves layouts (each costs about as much as writing the PDF):
    - it begins at `start`, the size this canvas had in the last build, or else at the
      size its volume of text predicts (`predict_step`), so the first layout is
      usually the last;
    - from a layout that fits, it tries the next larger size only when
      `cannot_fit_larger` cannot rule it out;
    - from one that does not fit, it goes down, skipping sizes `_next_step` rules out;
      at the smallest size, more pages are the answer.
    `layouts`, when given, receives the size of every layout made (tests count them)."""
    from weasyprint import CSS, HTML

    # WeasyPrint logs each refused fetch; the build reports them as diagnostics instead.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = fetcher_class()
    parsed = HTML(string=html, base_url=base_url, url_fetcher=fetcher)

    def layout(index: int) -> Any:
        css = CSS(string=page_css(size, orientation, steps[index]), url_fetcher=fetcher)
        if layouts is not None:
            layouts.append(steps[index])
        return parsed.render(stylesheets=[css])

    if start in steps:
        index = steps.index(start)  # type: ignore[arg-type]
    elif len(steps) > 1:
        index = predict_step(html, steps)
    else:
        index = 0
    document = layout(index)
    if len(document.pages) <= 1:
        # It fits: a larger size might too (the canvas may have shrunk since, or the
        # prediction was low), unless this layout shows it cannot.
        while index > 0 and not cannot_fit_larger(document, steps[index - 1] / steps[index]):
            larger = layout(index - 1)
            if len(larger.pages) > 1:
                break
            index, document = index - 1, larger
    else:
        while len(document.pages) > 1 and index < len(steps) - 1:
            index = _next_step(steps, index, len(document.pages))
            document = layout(index)
    data = document.write_pdf(pdf_identifier=b"vpcsite", custom_metadata=False)
    refused = list(dict.fromkeys(fetcher.sandbox.refused))
    return data, len(document.pages), steps[index], refused


def _next_step(steps: tuple[float, ...], index: int, pages: int) -> int:
    """The next size worth trying after `steps[index]` gave `pages` pages.

    Content shrinks at most with the square of the type size (wrapped text: fewer,
    shorter lines), so it fills at least (pages - 1) · (step / current)² pages at a smaller
    step; steps where that exceeds one page cannot fit and are skipped."""
    current = steps[index]
    for candidate in range(index + 1, len(steps)):
        if (pages - 1) * (steps[candidate] / current) ** 2 <= 1 or candidate == len(steps) - 1:
            return candidate
    return len(steps) - 1  # pragma: no cover - the loop always returns


# --- where the search starts and when it stops ---------------------------------------

#: Allowance, in rem of the type-size change, for space a layout can gain as the type
#: grows: a height in page units less rem shrinks (the print theme's drawing is
#: 100vh - 5.4rem). The bound below takes such heights as fixed, so it needs this
#: much more growth before it rules a size out. A print theme that subtracts more
#: rem from page-unit heights needs a larger allowance.
FIT_ALLOWANCE_REM = 8.0


def cannot_fit_larger(document: Any, ratio: float) -> bool:
    """True when a one-page layout shows that the same HTML at `ratio` times the type
    size (ratio > 1) cannot fit one page, so that layout need not be made.

    A lower bound on how much the page would grow: every line of text grows at least
    by the ratio (the line height scales with the type; a line never wraps into fewer
    lines when the text is wider and the column not), and that growth pushes down what
    follows it, up to the free space inside the boxes around it (a min-height, a table
    row taller than this cell, the page's own free space). Paddings, margins, floats
    and heights given in page units are taken as fixed, not as growing; floats and
    boxes whose height is set count as free space, which only makes the bound lower.
    If even this lower bound overflows the page by more than `FIT_ALLOWANCE_REM` rem of
    the change in type size, the larger size cannot fit."""
    if len(document.pages) != 1:
        return False
    page = document.pages[0]._page_box  # noqa: SLF001 - WeasyPrint has no public box tree
    grow = ratio - 1
    overflow = 0.0
    root_size = 0.0
    for root in page.children:
        if getattr(root, "is_for_root_element", False):
            root_size = root.style["font_size"]
            # The page's own free space below the root box absorbs growth too.
            below = page.content_box_y() + page.height - (root.position_y + root.margin_height())
            overflow = max(overflow, _used_growth(root, grow, True) - max(0.0, below))
    return overflow > FIT_ALLOWANCE_REM * root_size * grow


def _in_flow(box: Any) -> bool:
    """Whether `box` takes room in its parent's flow: not a float, not positioned out of
    it, not a running element (a tuple such as ("running()", name))."""
    position = box.style["position"]
    return box.style["float"] == "none" and not isinstance(position, tuple) and position not in ("absolute", "fixed")


def _sized_by_content(box: Any) -> bool:
    """Whether the widths of `box`'s children may follow their content, so that wider
    text may widen its box instead of wrapping: an auto-layout table, or a grid with a
    track sized by content."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TableBox):
        return box.style["table_layout"] != "fixed"
    if isinstance(box, boxes.GridContainerBox):
        tracks = repr(box.style["grid_template_columns"])
        return any(word in tracks for word in ("auto", "min-content", "max-content", "fit-content"))
    return False


def _content_growth(box: Any, grow: float, fixed: bool) -> tuple[float, float, float]:
    """(growth, top, bottom): a lower bound on how far the bottom of `box`'s in-flow
    content moves down at the larger size, and where that content is now."""
    from weasyprint.formatting_structure import boxes

    children = [c for c in getattr(box, "children", ()) if _in_flow(c)]
    lines = [c for c in children if isinstance(c, boxes.LineBox)]
    if lines:
        growth = _text_growth(box, lines, grow) if fixed else grow * sum(line.height for line in lines)
        return growth, min(line.position_y for line in lines), max(line.position_y + line.height for line in lines)
    blocks = [c for c in children if isinstance(c, boxes.Box) and not isinstance(c, (boxes.TextBox, boxes.InlineBox))]
    if not blocks:
        return 0.0, box.position_y, box.position_y
    # Boxes below another box move down as far as it grows; side by side, they do not.
    placed: list[tuple[float, float, float]] = []  # (top, bottom, shift of bottom)
    fixed = fixed and not _sized_by_content(box)
    # Border boxes, not margin boxes: collapsed margins overlap, and a margin left out
    # of the content counts as free space, which only lowers the bound.
    for child in sorted(blocks, key=lambda c: c.border_box_y()):
        top = child.border_box_y()
        bottom = top + child.border_height()
        pushed = max((moved for above_top, above_bottom, moved in placed if above_bottom <= top + 0.01), default=0.0)
        placed.append((top, bottom, pushed + _used_growth(child, grow, fixed)))
    now = max(bottom for _, bottom, _ in placed)
    later = max(bottom + moved for _, bottom, moved in placed)
    return later - now, placed[0][0], now


#: A space is narrower than this share of its font size in the fonts the print theme
#: uses (Liberation Sans, Arial, DejaVu Sans: 0.28-0.32 em).
SPACE_EM = 0.35


def _text_growth(box: Any, lines: list[Any], grow: float) -> float:
    """A lower bound on how much the lines of a block grow at (1 + grow) times the type.

    Each line grows with the type; and the text, (1 + grow) times as wide, needs at
    least as many lines as its width over the block's width: floats only take width
    away, and at the larger size the block is no wider (its width comes from page
    units less paddings in rem; the caller checks no box around it is sized by its
    content). A line break drops a space: each break is credited one."""
    ratio = 1 + grow
    heights = [line.height for line in lines]
    height = sum(heights)
    linear = grow * height
    width = box.width or 0
    if width <= 0:
        return linear
    space = SPACE_EM * box.style["font_size"] * ratio
    text = sum(line.width for line in lines)
    needed = math.ceil((ratio * text + space) / (width + space) - 1e-9)
    wrapped = needed * ratio * min(heights) - height
    return max(linear, wrapped)


def _used_growth(box: Any, grow: float, fixed: bool) -> float:
    """A lower bound on how much `box` itself grows: its content's growth less the free
    space below that content inside it. `fixed`: no box around it takes its width from
    its content (see `_sized_by_content`), so wider text has to wrap."""
    growth, top, bottom = _content_growth(box, grow, fixed)
    if growth <= 0:
        return 0.0
    if not hasattr(box, "content_box_y") or box.height is None:
        return growth
    from weasyprint.formatting_structure import boxes

    # Free space above the content counts too: a cell may centre its content, and
    # taking a top margin for free space only lowers the bound. WeasyPrint stretches a
    # table cell to its row by adding padding, so a cell's padding counts as free.
    if isinstance(box, boxes.TableCellBox):
        inner_top, inner_bottom = box.padding_box_y(), box.padding_box_y() + box.padding_height()
    else:
        inner_top, inner_bottom = box.content_box_y(), box.content_box_y() + box.height
    free = max(0.0, inner_bottom - bottom) + max(0.0, top - inner_top)
    return max(0.0, growth - free)


#: The columns of the print layout that fill up first, the blocks whose items stack
#: in each, and how much text each holds: a column fits while the sum of its items'
#: characters (plus `ITEM_CHARS` each, for the ref, marks and links) times the type
#: size squared (pt²) stays within its capacity. Fitted to exhaustive layouts of 60
#: generated canvases (10 to 70 items) with the print theme: the fit picks the final
#: size of 9 in 10. Only where the search starts depends on it, never its result.
COLUMNS = (
    (("products",), 31400.0),
    (("creators", "relievers"), 65900.0),
    (("gains", "pains"), 70600.0),
    (("jobs",), 82900.0),
)
ITEM_CHARS = 20


_SECTION = re.compile(r'<section class="vpc-section vpc-section--(\w+)">(.*?)</section>', re.S)
_ITEM_TEXT = re.compile(r'<span class="item__text">(.*?)</span>', re.S)


def column_loads(html: str) -> list[float]:
    """Characters per column of `COLUMNS` in a canvas page: item texts plus
    `ITEM_CHARS` an item."""
    chars: dict[str, float] = {}
    for name, body in _SECTION.findall(html):
        texts = _ITEM_TEXT.findall(body)
        chars[name] = chars.get(name, 0.0) + sum(len(text) + ITEM_CHARS for text in texts)
    return [sum(chars.get(block, 0.0) for block in blocks) for blocks, _ in COLUMNS]


def predict_step(html: str, steps: tuple[float, ...]) -> int:
    """The index in `steps` (largest first) of the type size a canvas most likely ends
    at: the largest at which every column's load fits its capacity. The search starts
    there and moves up or down from it."""
    loads = column_loads(html)
    for index, step in enumerate(steps):
        if all(load * step * step <= capacity for load, (_, capacity) in zip(loads, COLUMNS)):
            return index
    return len(steps) - 1


# --- worker pool ------------------------------------------------------------------

_shared: tuple[type, str, str] | None = None


def _work(job: PdfJob) -> PdfOutcome:
    assert _shared is not None
    fetcher_class, size, orientation = _shared
    fetcher_class.sandbox.refused.clear()
    data, pages, used, refused = render_pdf(job.html, _base(job.canvas_id), fetcher_class, size, orientation, start=job.start)
    return PdfOutcome(job.canvas_id, data, pages, used, refused)


def _base(canvas_id: str) -> str:
    """The URL a canvas's HTML was rendered for, so its relative links resolve."""
    return ORIGIN + canvas_url(canvas_id)


def render_canvases(
    jobs: list[PdfJob],
    fetcher_class: type,
    size: str,
    orientation: str,
    *,
    workers: int,
    timeout: float = RENDER_TIMEOUT,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[PdfOutcome], list[str]]:
    """Render every job, in worker processes when there is more than one; returns the
    outcomes and the ids of canvases abandoned after `timeout` seconds."""
    global _shared
    _shared = (fetcher_class, size, orientation)
    outcomes: list[PdfOutcome] = []
    timed_out: list[str] = []
    try:
        pending = list(jobs)
        while pending:
            pool = fork_pool(max(1, min(workers, len(pending))))
            try:
                handles = [(job, pool.apply_async(_work, (job,))) for job in pending]
                pending = []
                for index, (job, handle) in enumerate(handles):
                    try:
                        outcomes.append(handle.get(timeout))
                    except multiprocessing.TimeoutError:
                        # One runaway document: stop the pool, start again with the rest.
                        timed_out.append(job.canvas_id)
                        pending = [j for j, h in handles[index + 1 :] if not h.ready()]
                        outcomes.extend(h.get() for j, h in handles[index + 1 :] if h.ready())
                        pool.terminate()
                        break
                    if progress:
                        progress("pdf", len(outcomes), len(jobs))
            finally:
                pool.terminate()
                pool.join()
    finally:
        _shared = None
    return outcomes, timed_out


# --- cache ------------------------------------------------------------------------


def fingerprint(files: dict[str, Path]) -> str:
    """One digest of a set of embeddable files: their URLs and bytes."""
    digest = hashlib.sha256()
    for url in sorted(files):
        digest.update(url.encode("utf-8"))
        digest.update(_file_digest(files[url]).encode("ascii"))
    return digest.hexdigest()


def cache_key(html: str, files: str, size: str, orientation: str) -> str:
    """Everything that shapes a PDF: its HTML (model, templates, theme markup), the
    fingerprint of the files it can fetch (stylesheets, its images), page settings and
    versions."""
    import weasyprint

    digest = hashlib.sha256()
    # The search's allowance too: with a print theme beyond its assumptions, it could
    # end one size smaller than an exhaustive search would.
    for part in (__version__, weasyprint.__version__, size, orientation, repr(TYPE_STEPS), repr(FIT_ALLOWANCE_REM), html, files):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def _file_digest(path: Path) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    key = (str(path), info.st_mtime_ns, info.st_size)
    found = _FILE_DIGESTS.get(key)
    if found is None:
        found = _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class PdfCache:
    """Canvas PDFs by key, read from the previous output and written into the new one,
    so nothing is ever written outside the output folder."""

    previous: Path | None
    current: Path

    def get(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        if self.previous is None:
            return None
        folder = self.previous / CACHE_FOLDER
        entry_file, meta_file = folder / f"{key}.pdf", folder / f"{key}.json"
        if entry_file.is_file() and meta_file.is_file():
            try:
                return entry_file.read_bytes(), json.loads(meta_file.read_text())
            except (OSError, ValueError):
                return None
        return None

    def take(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """A cached entry, carried over into the new output's cache when found."""
        hit = self.get(key)
        if hit is not None:
            self.put(key, *hit)
        return hit

    def put(self, key: str, data: bytes, meta: dict[str, Any]) -> None:
        folder = self.current / CACHE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.pdf").write_bytes(data)
        (folder / f"{key}.json").write_text(json.dumps(meta, sort_keys=True))


# --- handout ----------------------------------------------------------------------


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
    writer._root_object.pop("/Outlines", None)  # noqa: SLF001 - pypdf has no public reset
    for name, start in starts:
        writer.add_outline_item(title=name, page_number=start)
    writer.add_metadata({"/Title": title, "/Subject": site_title, "/Creator": f"vpcsite {__version__}", "/Producer": "vpcsite"})
    writer.page_mode = "/UseOutlines"
    # One copy of what the parts share (the stamps' font, repeated resources).
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer._ID = None  # noqa: SLF001 - no random file identifier: same input, same bytes
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_numbers_html(count: int, size: str, orientation: str) -> str:
    """`count` empty pages whose only content is their number, to stamp onto the handout."""
    pages = "".join('<div class="p"></div>' for _ in range(count))
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><style>"
        f"@page {{ size: {size} {orientation}; margin: 0 0 6mm 0;"
        " @bottom-center { content: counter(page) ' / ' counter(pages); font: 8pt sans-serif; color: #444; } }"
        " .p { break-after: page; height: 1px; } .p:last-child { break-after: auto; }"
        f"</style></head><body>{pages}</body></html>"
    )


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


__all__ = [
    "ORIGIN",
    "PdfCache",
    "PdfJob",
    "PdfOutcome",
    "SandboxFetcher",
    "assemble_handout",
    "cache_key",
    "make_fetcher_class",
    "page_numbers_html",
    "refused_warnings",
    "render_canvases",
    "render_pdf",
]


# --- the PDF stage of a build -----------------------------------------------------


@dataclass
class PdfReport:
    diagnostics: list[Diagnostic]
    rendered: list[str]  # canvas ids laid out by WeasyPrint in this build
    reused: list[str]  # canvas ids taken from the cache
    written: list[str]  # output paths, relative to the output folder


def write_pdfs(
    renderer: "SiteRenderer",
    staging: Path,
    previous: Path | None,
    *,
    workers: int,
    progress: Callable[[str, int, int], None] | None = None,
    timeout: float = RENDER_TIMEOUT,
) -> PdfReport:
    """Write pdf/<canvas>.pdf for every canvas and pdf/handout.pdf into `staging`."""
    from ..output import write_file
    from ..theme import find_theme, static_folders, theme_chain
    from .html import PageInfo, SiteInfo, fit_chart, make_environment, render_page
    from .files import static_files

    config = renderer.config
    root = renderer.root
    theme = find_theme("print", root)
    env = make_environment(root, theme)
    size, orientation = config.pdf.page_size, config.pdf.orientation
    # The files a PDF may embed: the print theme's and the site's static files, and the
    # files Markdown links to (already checked to lie inside content/).
    files: dict[str, Path] = {}
    for folder in [*static_folders(root, theme), root / "static"]:
        for source, relative in static_files(folder, root)[0]:
            files[f"{ORIGIN}static/{relative}"] = source
    info = SiteInfo(config.title, config.base_url, True, (), theme.stylesheets, ())
    canvases = list(renderer.canvases.values())
    htmls: dict[str, tuple[str, str]] = {}
    for view in canvases:
        url = canvas_url(view.id)
        page = PageInfo(view.title, url, "canvas", view.summary)
        htmls[view.id] = (view.title, render_page(env, "canvas.html", info, page, canvas=view))
    # A canvas can fetch the static files and the files beside its own page; its cache
    # key covers exactly those, so one canvas's new image leaves the others cached.
    shared = fingerprint(files)
    own: dict[str, dict[str, Path]] = {}
    for url, asset in renderer.assets.items():
        files[f"{ORIGIN}{url}"] = asset.source
        # Assets sit below the page that shows them: "canvases/<id>/images/x.png".
        own.setdefault("/".join(url.split("/")[:2]), {})[url] = asset.source
    roots = (root / config.content_dir, root / "static", *(t.folder for t in theme_chain(theme, root)))
    fetcher_class = make_fetcher_class(files, roots)
    cache = PdfCache(previous, staging)
    last_sizes = previous_sizes(previous)
    outcomes: dict[str, PdfOutcome] = {}
    jobs: list[PdfJob] = []
    for canvas_id, (title, html) in htmls.items():
        key = cache_key(html, shared + fingerprint(own.get(f"canvases/{canvas_id}", {})), size, orientation)
        hit = cache.take(key)
        if hit is not None:
            data, meta = hit
            outcomes[canvas_id] = PdfOutcome(canvas_id, data, meta["pages"], meta["type_size"], meta["refused"], cached=True)
        else:
            jobs.append(PdfJob(canvas_id, title, html, key, last_sizes.get(canvas_id)))
    done, timed_out = render_canvases(
        jobs, fetcher_class, size, orientation, workers=workers or cpu_count(), timeout=timeout, progress=progress
    )
    keys = {job.canvas_id: job.key for job in jobs}
    for outcome in done:
        outcomes[outcome.canvas_id] = outcome
        cache.put(keys[outcome.canvas_id], outcome.data, {"pages": outcome.pages, "type_size": outcome.type_size, "refused": outcome.refused})
    found: list[Diagnostic] = []
    written: list[str] = []
    for view in canvases:
        document = renderer.checked.site.value_maps[view.id]
        title_line = document.position(("title",))
        if view.id in timed_out:
            found.append(
                diagnostic(
                    "VPC603",
                    document.path,
                    *title_line,
                    f"the PDF of canvas '{view.id}' took longer than {timeout:g} s and was not written",
                    "look for a huge table, image or text in its notes",
                )
            )
            continue
        outcome = outcomes[view.id]
        shown = renderer.image_origins.get(canvas_url(view.id), {})
        not_embedded = [url for url in shown if url.split("#", 1)[0] not in files]
        refused = list(dict.fromkeys([*not_embedded, *outcome.refused]))
        found.extend(refused_warnings(refused, shown, (document.path, *title_line)))
        if outcome.pages > 1:
            found.append(_overflow(document, view.id, size, outcome.type_size, outcome.pages))
        write_file(staging, f"pdf/{view.id}.pdf", outcome.data)
        written.append(f"pdf/{view.id}.pdf")
    # How each canvas was laid out, and from which sources: `check` repeats the VPC602
    # warning of a canvas whose sources have not changed since (see last_layout_warnings).
    layout = {
        canvas_id: {"type_size": o.type_size, "pages": o.pages, "sources": _sources(renderer, canvas_id)}
        for canvas_id, o in sorted(outcomes.items())
    }
    (staging / CACHE_FOLDER).mkdir(parents=True, exist_ok=True)
    (staging / CACHE_FOLDER / LAYOUT_FILE).write_text(json.dumps(layout, indent=1, sort_keys=True) + "\n")
    # The handout: a cover, every canvas, the fit summary; numbered and bookmarked.
    cover_html = render_page(env, "cover.html", info, PageInfo(config.title, "pdf/cover.html", "cover"), canvases=canvases)
    summary_html = render_page(
        env,
        "fit.html",
        info,
        PageInfo("Fit summary", "fit/index.html", "fit"),
        canvases=canvases,
        segments=list(renderer.segments.values()),
        chart=fit_chart(canvases, config.fit.target),
    )
    extra: dict[str, tuple[bytes, int]] = {}
    for name, html, base in (("cover", cover_html, f"{ORIGIN}pdf/cover.html"), ("summary", summary_html, f"{ORIGIN}fit/index.html")):
        extra[name] = _fixed_pdf(cache, html, base, shared, fetcher_class, size, orientation)
    parts = [("Cover", *extra["cover"])]
    parts += [(view.title, outcomes[view.id].data, outcomes[view.id].pages) for view in canvases if view.id in outcomes and view.id not in timed_out]
    # A page per Business Model Canvas, after the canvases that feed it.
    for model in renderer.method.business_models():
        html = render_page(env, "business-model.html", info, PageInfo(model.title, model.url, "business-model"), model=model)
        parts.append((f"Business model: {model.title}", *_fixed_pdf(cache, html, f"{ORIGIN}{model.url}", shared, fetcher_class, size, orientation)))
    parts.append(("Fit summary", *extra["summary"]))
    title = f"{config.title} — handout"
    key = handout_key(parts, title, config.title, size, orientation)
    handout = _previous_handout(previous, key)
    if handout is None:
        total = sum(pages for _, _, pages in parts)
        numbers, _ = _fixed_pdf(cache, page_numbers_html(total, size, orientation), f"{ORIGIN}pdf/numbers.html", shared, fetcher_class, size, orientation)
        handout = assemble_handout([(name, data) for name, data, _ in parts], numbers, title, config.title)
    (staging / CACHE_FOLDER / HANDOUT_FILE).write_text(json.dumps({"key": key}) + "\n")
    write_file(staging, "pdf/handout.pdf", handout)
    written.append("pdf/handout.pdf")
    return PdfReport(found, [job.canvas_id for job in jobs if job.canvas_id not in timed_out], [c for c, o in outcomes.items() if o.cached], written)


def _fixed_pdf(
    cache: PdfCache, html: str, base: str, files: str, fetcher_class: type, size: str, orientation: str
) -> tuple[bytes, int]:
    """A page laid out at the base type size (cover, summary, page numbers), from the
    cache when its HTML has not changed; the PDF and its page count."""
    key = cache_key(html, files, size, orientation)
    hit = cache.take(key)
    if hit is not None:
        return hit[0], hit[1]["pages"]
    data, pages, used, _ = render_pdf(html, base, fetcher_class, size, orientation, steps=(TYPE_STEPS[0],))
    cache.put(key, data, {"pages": pages, "type_size": used, "refused": []})
    return data, pages


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


def _previous_handout(previous: Path | None, key: str) -> bytes | None:
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


def _sources(renderer: "SiteRenderer", canvas_id: str) -> str:
    site = renderer.checked.site
    value_map = site.value_maps[canvas_id]
    segment = site.segments[value_map.model.segment]  # type: ignore[union-attr]
    return f"{value_map.digest}:{segment.digest}"


def previous_sizes(previous: Path | None) -> dict[str, float]:
    """Type size of each canvas in the last build (a good first guess for this one)."""
    if previous is None:
        return {}
    try:
        layout = json.loads((previous / CACHE_FOLDER / LAYOUT_FILE).read_text(encoding="utf-8"))
        return {canvas: float(entry["type_size"]) for canvas, entry in layout.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def last_layout_warnings(output: Path, site: Any, page_size: str) -> list[Diagnostic]:
    """VPC602 for canvases that did not fit one page in the last build and whose value
    map and segment are unchanged since: `check` knows without laying anything out."""
    record = output / CACHE_FOLDER / LAYOUT_FILE
    try:
        layout = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for canvas_id, entry in sorted(layout.items()) if isinstance(layout, dict) else []:
        document = site.value_maps.get(canvas_id)
        if document is None or not isinstance(entry, dict) or entry.get("pages", 1) <= 1:
            continue
        segment = site.segments.get(document.model.segment)
        if segment is None or entry.get("sources") != f"{document.digest}:{segment.digest}":
            continue
        found.append(_overflow(document, canvas_id, page_size, entry.get("type_size", TYPE_STEPS[-1]), entry["pages"]))
    return found


def _overflow(document: Any, canvas_id: str, size: str, type_size: float, pages: int) -> Diagnostic:
    return diagnostic(
        "VPC602",
        document.path,
        *document.position(("title",)),
        f"canvas '{canvas_id}' does not fit on one {size} page even at {type_size:g} pt; it continues on {pages} pages",
        "shorten item texts, move detail into notes, or choose a larger page_size in site.toml",
    )


"""The Jinja environment and the page contexts every template receives.

Autoescaping is on for every template and undefined names are errors, so a typo in a
template fails the build instead of printing nothing. Templates get prepared values
(`views.py`) and hold markup only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..fit import percent
from ..record import digest
from ..theme import Theme, template_folders
from ..urls import canvas_url, pdf_url, segment_url, svg_url
from .entries import entry_list, result_mark
from .escaping import EscapingTemplate
from .fragments import RememberExtension
from .metrics import FONT_FAMILY
from .profile import profile_drawing
from .svg import drawing_markup, profile_markup
from .views import BAND_LABELS, PREFIX, SECTION_TITLES, CanvasView


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str  # relative to the site root, e.g. "fit/index.html"


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str
    pdf: bool
    nav: tuple[NavLink, ...]
    stylesheets: tuple[str, ...]
    scripts: tuple[str, ...]

    @property
    def base_href(self) -> str:
        """base_url with one trailing slash ("" when unset): the 404 page's <base>, so its
        links work at whatever missing address the server shows it."""
        return self.base_url.rstrip("/") + "/" if self.base_url else ""


@dataclass(frozen=True)
class PageInfo:
    title: str
    #: Where the page is written, relative to the site root ("canvases/fitnow/index.html").
    url: str
    kind: str  # index | canvas | segment | fit | page | 404
    description: str = ""
    canonical: str | None = None

    @property
    def root(self) -> str:
        """The way back to the site root from this page ("../../"), so every link is
        relative and works from a web server and from files opened directly."""
        depth = self.url.count("/")
        return "../" * depth


@dataclass(frozen=True)
class ChartRow:
    label: str
    url: str
    percent: float | None  # 0–100
    text: str
    band: str | None

    #: Longest label the chart's label column holds; longer titles are cut with "…".
    LABEL_CHARS = 30

    @property
    def key(self) -> str:
        """What the row is made of (the chart's geometry is fixed): a saved title
        re-renders its row of the fit summary's chart, not a thousand. Its text, not a
        hash of it: five thousand rows are keyed on every rebuild of a large site."""
        return repr(self)

    @property
    def short_label(self) -> str:
        if len(self.label) <= self.LABEL_CHARS:
            return self.label
        return self.label[: self.LABEL_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class FitChart:
    rows: tuple[ChartRow, ...]
    target_low: float
    target_high: float
    #: Geometry in SVG user units, computed here so the template only places it.
    width: int
    row_height: int
    label_width: int
    height: int

    #: Space above the first row, for the axis labels.
    top: int = 24

    @property
    def key(self) -> str:
        """The hash of everything the chart's markup is made of (its fields: the methods
        below are functions of them), for the fit summary to remember it by."""
        return digest(repr(self))

    def x(self, percent: float) -> float:
        """Horizontal position of a percentage on the chart's axis."""
        return round(self.label_width + (self.width - self.label_width - 10) * percent / 100, 2)

    def y(self, index: int) -> int:
        """Top of row `index`."""
        return self.top + index * self.row_height

    def value_x(self, percent: float | None) -> float:
        """Where a row's value text starts: just past the end of its bar."""
        return round(self.x(percent or 0) + 6, 2)

    @property
    def view_width(self) -> int:
        """The drawing's width: the axis plus room for a value past a full bar."""
        return self.width + 40

    def bar_width(self, percent: float) -> float:
        """Length of a bar reaching `percent`."""
        return round(self.x(percent) - self.x(0), 2)

    @property
    def band_x(self) -> float:
        return self.x(self.target_low)

    @property
    def band_width(self) -> float:
        return round(self.bar_width(self.target_high) - self.bar_width(self.target_low), 2)

    @property
    def plot_height(self) -> int:
        """Height of the area the rows take (the band's shading spans it)."""
        return self.row_height * len(self.rows)

    @property
    def target_text(self) -> str:
        """The target band as it reads everywhere ("50 %–70 %")."""
        return f"{percent(self.target_low / 100)}–{percent(self.target_high / 100)}"

    @property
    def label_x(self) -> int:
        """Right edge of the row labels."""
        return self.label_width - 10

    @property
    def tick_top(self) -> int:
        return self.top - 4

    @property
    def tick_label_y(self) -> int:
        return self.top - 8

    @property
    def plot_bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def ticks(self) -> tuple[tuple[float, str], ...]:
        """Axis marks: (x, label) at every quarter."""
        return tuple((self.x(p), f"{p} %") for p in (0, 25, 50, 75, 100))


def fit_chart(canvases: list[CanvasView], target: tuple[float, float]) -> FitChart:
    rows = tuple(ChartRow(c.title, canvas_url(c.id), c.fit.overall.percent, c.fit.overall.text, c.fit.band) for c in canvases)
    row_height = 28
    return FitChart(rows, round(target[0] * 100, 1), round(target[1] * 100, 1), 720, row_height, 220, row_height * len(rows) + 40)


def make_environment(site_root: Path, theme: Theme, compiled: BytecodeCache | None = None) -> Environment:
    loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders(site_root, theme)])
    env = Environment(
        bytecode_cache=compiled,
        loader=loader,
        extensions=[RememberExtension],
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # Templates do not change while an environment lives (write.py makes a new one
        # when any does): no stat of every template on every page.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        canvas_url=canvas_url,
        segment_url=segment_url,
        pdf_url=pdf_url,
        svg_url=svg_url,
        drawing_font=FONT_FAMILY,
        draw_canvas=drawing_markup,
        entry_list=entry_list,
        result_mark_markup=result_mark,
        profile_drawing=profile_drawing,
        draw_profile=profile_markup,
        section_titles=SECTION_TITLES,
        prefixes=PREFIX,
        band_labels=BAND_LABELS,
    )
    env.filters["relative"] = _relative
    env.template_class = EscapingTemplate
    return env


def _relative(url: str, page: PageInfo) -> str:
    """A site-root-relative URL as seen from `page` (templates: `{{ url|relative(page) }}`).
    A first segment holding ':' gets './' before it, so it can never read as a scheme."""
    relative = page.root + url
    if ":" in relative.split("/", 1)[0]:
        return "./" + relative
    return relative


def render_page(env: Environment, template: str, site: SiteInfo, page: PageInfo, **values: Any) -> str:
    return env.get_template(template).render(site=site, page=page, **values)


#: How many of a template's output strings are joined and encoded at a time (a list's
#: remembered pieces come one by one, a few kilobytes each).
_BATCH = 256

#: A batch longer than this many characters is encoded piece by piece: the fit
#: summary's rows are remembered pieces of some 8,000 characters, and 256 of them joined
#: (then encoded) were its process's peak.
_LONG = 1 << 16


def stream_parts(env: Environment, name: str, site: SiteInfo, page: PageInfo, **values: Any) -> Iterator[bytes]:
    """A page as UTF-8 in parts, made as they are taken: written as they come
    (output.write_file), no page is ever whole in memory. The fit summary of 1,000
    canvases is 4.8 MB of text: joined whole, then encoded, it was a third of its
    process's peak memory.

    The template's context is emptied afterwards: its macros refer back to it, a cycle
    that holds every view the page was given until the cycle collector runs, and
    builds pause it (memory.py)."""
    template = env.get_template(name)
    context = template.new_context({"site": site, "page": page, **values})
    try:
        generated = template.root_render_func(context)
        while batch := list(islice(generated, _BATCH)):
            if sum(map(len, batch)) > _LONG:
                for piece in batch:
                    yield piece.encode("utf-8")
            else:
                yield "".join(batch).encode("utf-8")
    except Exception:
        env.handle_exception()
    finally:
        context.vars.clear()

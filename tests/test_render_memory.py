"""What rendering keeps in memory. Builds pause the cycle collector (memory.py), so what
a page leaves in a cycle stays until its process exits: at 1,000 canvases a render
worker kept a view, a drawing and an SVG of every canvas it drew. These tests pin down
what is let go, and that the output is the same for it."""

from __future__ import annotations

import gc
import types
import weakref
from pathlib import Path

from jinja2 import DictLoader, Environment

from vpcsite import memo
from vpcsite.build import check_site
from vpcsite.config import load_config
from vpcsite.memory import give_back
from vpcsite.render.data import site_json, site_json_parts
from vpcsite.render.html import PageInfo, SiteInfo, render_page, stream_parts
from vpcsite.render.jobs import canvas_job, drawing_job, page_jobs, site_info
from vpcsite.render.parallel import render_all
from vpcsite.render.site import SiteRenderer
from vpcsite.render.texts import MarkdownText
from vpcsite.render.write import _beside, _environment
from vpcsite.theme import find_theme

from .conftest import gen_site


def renderer_of(site: Path) -> SiteRenderer:
    config, _ = load_config(site)
    assert config is not None
    return SiteRenderer(site, config, find_theme(config.theme, site), check_site(site))


def small_site(tmp_path: Path, canvases: int = 6) -> Path:
    site = tmp_path / "site"
    gen_site().generate(canvases, site, seed=2)
    return site


def test_a_canvas_view_holds_its_markdown_texts_as_objects_not_closures(tmp_path: Path):
    """Some sixty texts a canvas, each a function, its cells and a lambda before: at
    1,000 canvases, tens of megabytes and a tenth of the views' allocations."""
    renderer = renderer_of(small_site(tmp_path))
    map_id = renderer.canvas_ids[0]
    gc.collect()
    before = sum(isinstance(o, types.FunctionType) for o in gc.get_objects())
    view = renderer.canvas(map_id)
    made = sum(isinstance(o, types.FunctionType) for o in gc.get_objects()) - before
    notes = [item.note for section in view.sections.values() for item in section if item.note]
    assert notes and all(isinstance(note, MarkdownText) for note in notes)
    assert made < len(notes)
    # Rendered when shown, as before.
    assert "<p>" in str(notes[0])


def test_a_process_lets_a_canvas_go_once_its_drawing_is_written(tmp_path: Path):
    """canvas.svg comes right after its canvas's page (render/write.py): after it, the
    canvas's view and layout are forgotten and the drawing's markup dropped."""
    site = small_site(tmp_path)
    renderer = renderer_of(site)
    pages = [canvas_job(renderer, map_id) for map_id in renderer.canvas_ids]
    drawn = [renderer.drawing(map_id) for map_id in renderer.canvas_ids]
    jobs = _beside(pages, [drawing_job(renderer, map_id, True) for map_id in renderer.canvas_ids])
    staging = tmp_path / "out"
    staging.mkdir()
    render_all(renderer, _environment(renderer, ""), site_info(renderer), jobs, staging, workers=1)
    assert len(list(staging.rglob("canvas.svg"))) == len(renderer.canvas_ids) == len(pages)
    assert renderer._canvases == {} and renderer._drawings == {}
    assert all(not d.drawn and not any(block.items for block in d.blocks.values()) for d in drawn)
    # Asked for again, a canvas is made again, whole.
    again = renderer.drawing(renderer.canvas_ids[0])
    assert again.items and again is not drawn[0]


class Shown:
    """A value a page shows (weakref-able, unlike the views' slotted classes)."""

    title = "Busy"


def test_a_page_in_parts_is_the_page_and_lets_its_values_go_without_the_collector():
    """A template that defines macros makes a cycle of its context; rendering in parts
    empties the context, so what the page showed is freed as soon as it is written."""
    env = Environment(
        loader=DictLoader(
            {"page.html": "{% macro cell(x) %}<td>{{ x }}</td>{% endmacro %}{% for n in range(5000) %}{{ cell(shown.title) }}{% endfor %}"}
        ),
        autoescape=True,
    )
    site = SiteInfo(title="t", base_url="", pdf=False, nav=(), stylesheets=(), scripts=())
    page = PageInfo("T", "index.html", "page")
    shown = Shown()
    whole = render_page(env, "page.html", site, page, shown=shown)
    gc.disable()
    try:
        parts = list(stream_parts(env, "page.html", site, page, shown=Shown()))
        assert len(parts) > 1 and b"".join(parts) == whole.encode()
        left = weakref.ref(shown)
        del shown
        gc.collect()  # the plain render's context, for the comparison below
        kept = Shown()
        gone = weakref.ref(kept)
        list(stream_parts(env, "page.html", site, page, shown=kept))
        del kept
        assert gone() is None  # freed by its count alone, the collector paused
        assert left() is None
    finally:
        gc.enable()


def test_site_json_remembers_its_entries_as_bytes_only(tmp_path: Path):
    """What a process keeps between builds is each entry's JSON; the dicts it was made
    from were a second copy of site.json."""
    site = small_site(tmp_path)
    config, _ = load_config(site)
    assert config is not None
    checked = check_site(site)
    memo._MEMO.clear()
    joined = b"".join(site_json_parts(config, checked))
    kinds = {key[0] for key in memo._MEMO}
    assert "json-bytes" in kinds and not kinds & {"json", "ranks", "gaps"}
    assert joined == site_json(config, checked)


def resident_mb() -> float | None:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))
    except OSError:  # not Linux
        return None


def test_memory_a_stage_freed_is_given_back_to_the_system():
    """Freed memory in the middle of the C heap stays resident (forked workers would
    start with it); give_back returns it where the C library can (glibc), and does
    nothing elsewhere."""
    held = [bytes(4096) for _ in range(15_000)]  # 60 MB through malloc
    last = bytes(4096)  # keeps the heap's top where it is
    del held
    before = resident_mb()
    give_back()
    after = resident_mb()
    assert last == bytes(4096)
    if before is not None and after is not None:
        assert before - after > 30


def test_a_render_worker_keeps_no_view_of_the_pages_it_rendered(tmp_path: Path):
    """Each slice of pages a forked worker renders ends with a young collection (the
    template contexts are cycles that hold every view a page showed), and the worker,
    which builds nothing again, forgets the segments' views, cards and profiles it made
    (a quarter of its memory at 1,000 canvases)."""
    from vpcsite.render import parallel
    from vpcsite.render.cards import CanvasCard, SegmentView
    from vpcsite.render.geometry import Drawing
    from vpcsite.render.views import CanvasView

    site = small_site(tmp_path)
    renderer = renderer_of(site)
    pages = [canvas_job(renderer, map_id) for map_id in renderer.canvas_ids]
    pages += [job for job in page_jobs(renderer) if job.template == "segment.html"]
    jobs = _beside(pages, [drawing_job(renderer, map_id, True) for map_id in renderer.canvas_ids])
    staging = tmp_path / "out"
    staging.mkdir()
    parallel._shared = (renderer, _environment(renderer, ""), site_info(renderer), jobs, staging, ())
    gc.collect()
    gc.disable()
    try:
        parallel._render_slice((0, len(jobs)))
        alive = [type(o).__name__ for o in gc.get_objects() if isinstance(o, (CanvasView, SegmentView, CanvasCard, Drawing))]
    finally:
        gc.enable()
        parallel._shared = None
    assert len(list(staging.rglob("index.html"))) == len(pages)
    assert alive == []
    # nor the profiles it laid out and the fits it showed: only a segment's own pages share them
    assert not [key for key in memo._MEMO if key[0] in ("profile-block", "profile-placed", "fit-view")]


def test_giving_memory_back_does_nothing_where_the_c_library_cannot(monkeypatch):
    """macOS and musl have no malloc_trim, Windows no CDLL(None): nothing happens."""
    import ctypes

    from vpcsite import memory

    def missing(name: object) -> object:
        raise TypeError("expected str, bytes or os.PathLike object, not NoneType")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    monkeypatch.setattr(memory, "_trim", None)
    give_back()
    give_back()
    assert memory._trim is False


def test_a_page_is_encoded_piece_by_piece_where_its_output_is_long():
    """256 remembered pieces of the fit summary, joined then encoded, were its process's
    peak; a batch that long is encoded one piece at a time, to the same bytes."""
    from vpcsite.render import html

    env = Environment(loader=DictLoader({"page.html": "{% for piece in pieces %}{{ piece }}{% endfor %}<p>{{ page.title }}</p>"}), autoescape=True)
    site = SiteInfo(title="t", base_url="", pdf=False, nav=(), stylesheets=(), scripts=())
    page = PageInfo("T & U", "index.html", "page")
    long = [f"<li>{n}:{'x' * 2000}</li>" for n in range(100)]
    parts = list(html.stream_parts(env, "page.html", site, page, pieces=long))
    assert b"".join(parts) == render_page(env, "page.html", site, page, pieces=long).encode()
    assert max(map(len, parts)) < 2100  # never two pieces joined
    short = ["<li>x</li>"] * 100
    assert len(list(html.stream_parts(env, "page.html", site, page, pieces=short))) == 1


def test_a_worker_that_writes_site_json_for_a_one_off_build_holds_none_of_it(tmp_path: Path):
    """site.json is made, written and kept for the next build's process entry by entry:
    the worker that writes it for a build run from the command line remembers none."""
    from vpcsite.memostore import MEMORY_FOLDER
    from vpcsite.render.write import _write_data

    site = small_site(tmp_path)
    renderer = renderer_of(site)
    memo._MEMO.clear()
    memo.track()
    try:
        staging = tmp_path / "out"
        _write_data(renderer, staging, lambda: False, True)
        assert not [key for key in memo._MEMO if key[0] == "json-bytes"]
    finally:
        memo._used = None
    assert (staging / "data" / "site.json").read_bytes() == site_json(renderer.config, renderer.checked)
    assert (staging / MEMORY_FOLDER / "data.pickle").stat().st_size > 0

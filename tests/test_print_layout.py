"""The printed canvas, checked from WeasyPrint's laid-out boxes: a square and a circle
that fill the page, type that grows as well as shrinks, nothing across the circle's
outline or a block's edge, an A3 poster, and the canvas's attribution on every page."""

from __future__ import annotations

import json
import math

import pytest
from pypdf import PdfReader

from .conftest import SEGMENT, VALUE_MAP, copy_example, write_site
from .test_pdf import _canvas_jobs, _crowded_profile, _generated, squash

ATTRIBUTION = "The Value Proposition Canvas, Strategyzer AG (strategyzer.com)"
#: The type size every example canvas had before the print layout filled the page
#: (measured: the largest size the fitting then tried, 9.5 pt on A4).
TYPE_BEFORE = 9.5
A3_LANDSCAPE = (1190.55, 841.89)


def layout(job, fetcher, size: str, type_size: float):
    from weasyprint import CSS, HTML

    from vpcsite.render.pdf import ORIGIN, page_css

    html = HTML(string=job.html, base_url=f"{ORIGIN}canvases/{job.canvas_id}/index.html", url_fetcher=fetcher())
    return html.render(stylesheets=[CSS(string=page_css(size, "landscape", type_size))])


def boxes(document):
    """Every box of every page, with the elements of its ancestors' boxes."""
    found = []
    for page in document.pages:
        pending = [(page._page_box, ())]
        while pending:
            box, above = pending.pop()
            element = getattr(box, "element", None)
            here = above + ((box,) if element is not None and getattr(box, "element_tag", None) else ())
            found.append((box, above))
            pending.extend((child, here) for child in getattr(box, "children", ()))
    return found


def marked(box, attribute: str) -> str | None:
    element = getattr(box, "element", None)
    if element is None or not getattr(box, "element_tag", None) or type(box).__name__ == "AbsolutePlaceholder":
        return None
    return element.get(attribute)


def ink(document):
    """Text and inline boxes (text, refs, marks, flags) and the shape and block boxes
    around each."""
    from weasyprint.formatting_structure import boxes as kinds

    for box, above in boxes(document):
        if isinstance(box, (kinds.TextBox, kinds.InlineBox)) and (box.width or 0) > 0:
            shape = next((b for b in reversed(above) if marked(b, "data-vpc-shape")), None)
            block = next((b for b in reversed(above) if marked(b, "data-vpc-fit") is not None), None)
            yield box, shape, block


def shapes(document) -> dict[str, object]:
    return {marked(box, "data-vpc-shape"): box for box, _ in boxes(document) if marked(box, "data-vpc-shape")}


def outside_circle(box, circle) -> float:
    """How far (px) the farthest corner of `box` lies outside the circle's inner edge."""
    radius = circle.border_width() / 2 - circle.border_left_width
    cx = circle.border_box_x() + circle.border_width() / 2
    cy = circle.border_box_y() + circle.border_height() / 2
    x0, y0 = box.position_x, box.position_y
    x1, y1 = x0 + box.margin_width(), y0 + box.margin_height()
    return max(math.hypot(x - cx, y - cy) for x in (x0, x1) for y in (y0, y1)) - radius


def outside_block(box, block) -> float:
    left, top = block.border_box_x(), block.border_box_y()
    right, bottom = left + block.border_width(), top + block.border_height()
    x0, y0 = box.position_x, box.position_y
    x1, y1 = x0 + box.margin_width(), y0 + box.margin_height()
    return max(left - x0, top - y0, x1 - right, y1 - bottom)


def check_drawing(document, name: str) -> None:
    """The square square, the circle round, every text inside its block and circle."""
    found = shapes(document)
    for kind in ("square", "circle"):
        shape = found[kind]
        assert shape.border_height() == pytest.approx(shape.border_width(), rel=0.005), (name, kind)
    crossing = []
    for box, shape, block in ink(document):
        text = getattr(box, "text", "") or type(box).__name__
        if shape is not None and marked(shape, "data-vpc-shape") == "circle" and outside_circle(box, shape) > 0.5:
            crossing.append((text, "circle", round(outside_circle(box, shape), 1)))
        if block is not None and outside_block(box, block) > 0.5:
            crossing.append((text, "block", round(outside_block(box, block), 1)))
    assert not crossing, (name, crossing[:10])


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    site = copy_example(tmp_path_factory.mktemp("print") / "site")
    monkeypatch = pytest.MonkeyPatch()
    try:
        jobs, fetcher = _canvas_jobs(site, monkeypatch)
    finally:
        monkeypatch.undo()
    sizes = json.loads((site / "public" / ".cache" / "pdf" / "layout.json").read_text())
    return site, jobs, fetcher, sizes


def test_example_canvases_are_set_in_larger_type_than_before(example):
    _, jobs, _, sizes = example
    assert len(jobs) == 3
    for job in jobs:
        assert sizes[job.canvas_id]["pages"] == 1
        assert sizes[job.canvas_id]["type_size"] > TYPE_BEFORE, (job.canvas_id, sizes[job.canvas_id])


def test_example_canvases_draw_a_square_and_a_circle_with_nothing_across_their_edges(example):
    _, jobs, fetcher, sizes = example
    for job in jobs:
        document = layout(job, fetcher, "A4", sizes[job.canvas_id]["type_size"])
        assert len(document.pages) == 1
        check_drawing(document, job.canvas_id)


def test_the_square_and_the_circle_fill_the_page(example):
    _, jobs, fetcher, sizes = example
    job = jobs[0]
    document = layout(job, fetcher, "A4", sizes[job.canvas_id]["type_size"])
    page = document.pages[0]._page_box
    found = shapes(document)
    drawn = found["square"].border_width() + found["circle"].border_width()
    # Side by side they take nine tenths of the page's width, and the circle two
    # thirds of its height.
    assert drawn > 0.9 * page.width and found["circle"].border_height() > 0.66 * page.height


def test_type_grows_on_a_sparse_canvas_and_one_size_more_does_not_fit(example):
    from vpcsite.render.pdf import TYPE_STEPS
    from vpcsite.render.pdf.fitting import fits

    _, jobs, fetcher, sizes = example
    for job in jobs:
        used = sizes[job.canvas_id]["type_size"]
        index = TYPE_STEPS.index(used)
        assert index > 0, "the largest size is for sparse canvases"
        assert not fits(layout(job, fetcher, "A4", TYPE_STEPS[index - 1])), job.canvas_id


def test_every_canvas_page_carries_the_attribution(example, tmp_path):
    site, _, _, _ = example
    for pdf in sorted((site / "public" / "pdf").glob("*.pdf")):
        reader = PdfReader(pdf)
        # The handout's cover and two pages of fit summary carry none; its Business
        # Model Canvas pages carry the Business Model Canvas's own.
        pages = reader.pages if pdf.name != "handout.pdf" else reader.pages[1:-2]
        for page in pages:
            text = squash(page.extract_text())
            if text.startswith("BUSINESSMODELCANVAS"):
                assert squash("Business Model Canvas, Strategyzer AG, CC BY-SA 3.0") in text
                continue
            assert squash(ATTRIBUTION) in text, pdf.name


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    """Generated canvases (about 48 items each) and a small one."""
    site = _generated(tmp_path_factory.mktemp("dense") / "site", 3, 5)
    write_site(site, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/tiny.md": VALUE_MAP})
    monkeypatch = pytest.MonkeyPatch()
    try:
        jobs, fetcher = _canvas_jobs(site, monkeypatch)
    finally:
        monkeypatch.undo()
    sizes = json.loads((site / "public" / ".cache" / "pdf" / "layout.json").read_text())
    return site, jobs, fetcher, sizes


def test_dense_and_sparse_canvases_keep_their_text_inside_the_drawing(dense):
    _, jobs, fetcher, sizes = dense
    for job in jobs:
        entry = sizes[job.canvas_id]
        assert entry["pages"] == 1, (job.canvas_id, entry)
        check_drawing(layout(job, fetcher, "A4", entry["type_size"]), job.canvas_id)
    assert sizes["tiny"]["type_size"] >= 14.5, sizes["tiny"]


def test_a_canvas_too_crowded_for_the_page_continues_with_the_attribution_on_every_page(tmp_path):
    site = write_site(tmp_path / "s", {"site.toml": "", **_crowded_profile(40)})
    from vpcsite.build import BuildOptions, build_site

    result = build_site(site, BuildOptions())
    assert any(d.code == "VPC602" for d in result.diagnostics)
    reader = PdfReader(site / "public" / "pdf" / "crowded-map.pdf")
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert squash(ATTRIBUTION) in squash(page.extract_text())


def test_an_a3_poster_sets_the_same_canvas_in_larger_type(example, tmp_path):
    from vpcsite.build import BuildOptions, build_site

    site = copy_example(tmp_path / "a3")
    config = site / "site.toml"
    text = config.read_text()
    text = text.replace('page_size = "A4"', 'page_size = "A3"') if 'page_size = "A4"' in text else text + '\n[pdf]\npage_size = "A3"\n'
    config.write_text(text)
    result = build_site(site, BuildOptions())
    assert [d for d in result.diagnostics if d.code.startswith("VPC6")] == []
    a3 = json.loads((site / "public" / ".cache" / "pdf" / "layout.json").read_text())
    _, jobs, fetcher, a4 = example
    for job in jobs:
        reader = PdfReader(site / "public" / "pdf" / f"{job.canvas_id}.pdf")
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A3_LANDSCAPE, abs=0.5)
        assert a3[job.canvas_id]["type_size"] >= 1.25 * a4[job.canvas_id]["type_size"], (a3, a4)
        check_drawing(layout(job, fetcher, "A3", a3[job.canvas_id]["type_size"]), job.canvas_id)


def test_a_block_that_grows_even_at_the_smallest_size_is_reported_not_fitted():
    from vpcsite.render.pdf import TYPE_STEPS, make_fetcher_class, render_pdf

    words = " ".join(f"word{n}" for n in range(400))
    html = f'<html><body><div data-vpc-fit style="min-height: 20mm">{words}</div></body></html>'
    fitted: list[bool] = []
    _, pages, size, _ = render_pdf(html, "https://vpcsite.invalid/x.html", make_fetcher_class({}, ()), "A4", "landscape", fitted=fitted)
    assert (pages, size, fitted) == (1, TYPE_STEPS[-1], [False])
    roomy = html.replace("min-height: 20mm", "min-height: 150mm")
    fitted.clear()
    render_pdf(roomy, "https://vpcsite.invalid/x.html", make_fetcher_class({}, ()), "A4", "landscape", fitted=fitted)
    assert fitted == [True]


def test_the_last_layout_records_whether_each_canvas_fitted(example):
    _, jobs, _, sizes = example
    assert all(sizes[job.canvas_id]["fitted"] is True for job in jobs)


def test_a_canvas_out_of_shape_on_one_page_is_warned_about():
    from vpcsite.layouts import overflow_warning

    class Document:
        path = "content/value-maps/x.md"

        def position(self, path):
            return (2, 8)

    found = overflow_warning(Document(), "x", "A4", 6.5, 1)
    assert found.code == "VPC602" and "out of shape" in found.message

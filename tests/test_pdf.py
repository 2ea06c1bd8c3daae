"""PDF handouts: content, layout settings, reproducibility, the sandbox, the cache."""

from __future__ import annotations

import http.server
import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader

from vpcsite.build import BuildOptions, build_site, check_site
from vpcsite.model import items_of

from .conftest import SEGMENT, VALUE_MAP, copy_example, write_site

A4_LANDSCAPE = (841.89, 595.28)


def build(site: Path, **options):
    result = build_site(site, BuildOptions(**options))
    assert result.written, result.diagnostics
    return result


def squash(text: str) -> str:
    """Text as extracted, without the line breaks and hyphens layout puts in."""
    return re.sub(r"[\s\u00ad-]+", "", text)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    site = copy_example(tmp_path_factory.mktemp("pdf") / "site")
    result = build(site)
    return site, result


def test_every_item_of_a_canvas_is_on_its_page(example):
    site, _ = example
    checked = check_site(site)
    for map_id, document in checked.site.value_maps.items():
        segment = checked.site.segments[document.model.segment].model
        text = squash(" ".join(page.extract_text() for page in PdfReader(site / "public" / "pdf" / f"{map_id}.pdf").pages))
        for _, _, item in [*items_of(document.model), *items_of(segment)]:
            assert squash(item.text) in text, f"{map_id}: {item.text!r} missing"
        assert squash(document.model.title) in text


def test_each_example_canvas_is_one_a4_landscape_page(example):
    site, result = example
    assert [d for d in result.diagnostics if d.code.startswith("VPC6")] == []
    for pdf in (site / "public" / "pdf").glob("*.pdf"):
        reader = PdfReader(pdf)
        if pdf.name != "handout.pdf":
            assert len(reader.pages) == 1, pdf.name
        for page in reader.pages:
            assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_LANDSCAPE, abs=0.5)


def test_handout_has_cover_canvases_summary_bookmarks_and_page_numbers(example):
    site, _ = example
    reader = PdfReader(site / "public" / "pdf" / "handout.pdf")
    titles = [item.title for item in reader.outline]
    assert titles[0] == "Cover" and titles[-1] == "Fit summary"
    assert titles[1:-1] == ["FitNow app", "24/7 gym membership", "Trainer dashboard", "Business model: FitNow"]
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"{number} / {total}" in page.extract_text()
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert starts == sorted(starts) and starts[0] == 0


def test_pdf_metadata_names_title_language_and_site(example):
    site, _ = example
    reader = PdfReader(site / "public" / "pdf" / "fitnow.pdf")
    assert "FitNow app" in reader.metadata.title
    assert reader.metadata.subject == "FitNow value propositions"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    handout = PdfReader(site / "public" / "pdf" / "handout.pdf")
    assert handout.metadata.subject == "FitNow value propositions"


def test_fonts_are_embedded_and_text_is_extractable(example):
    site, _ = example
    reader = PdfReader(site / "public" / "pdf" / "gym-chain.pdf")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descriptors = [font.get("/FontDescriptor")] + [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
        assert any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors)
    assert "24/7 gym membership" in reader.pages[0].extract_text()


def pdfs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "pdf").glob("*.pdf"))}


def test_two_builds_and_two_processes_give_identical_pdfs(tmp_path, example):
    site, _ = example
    first = pdfs(site / "public")
    other = copy_example(tmp_path / "other")
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    subprocess.run([sys.executable, "-m", "vpcsite", "-q", "--source", str(other), "build"], check=True, env=env, capture_output=True)
    assert pdfs(other / "public") == first
    build(other)  # again, from the cache this time
    assert pdfs(other / "public") == first


def small_site(root: Path, body: str = "", extra: dict[str, str] | None = None, config: str = "") -> Path:
    return write_site(
        root,
        {
            "site.toml": config,
            "content/segments/busy-professional.md": SEGMENT,
            "content/value-maps/fitnow.md": VALUE_MAP + body,
            **(extra or {}),
        },
    )


def test_page_size_and_orientation_come_from_site_toml(tmp_path):
    site = small_site(tmp_path / "s", config='[pdf]\npage_size = "Letter"\norientation = "portrait"\n')
    build(site)
    page = PdfReader(site / "public" / "pdf" / "fitnow.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((612, 792), abs=0.5)


def test_no_pdf_flag_and_disabled_config_skip_pdfs_and_their_links(tmp_path):
    site = small_site(tmp_path / "s")
    build(site, pdf=False)
    assert not (site / "public" / "pdf").exists()
    assert "handout.pdf" not in (site / "public" / "index.html").read_text()
    site2 = small_site(tmp_path / "t", config="[pdf]\nenabled = false\n")
    build(site2)
    assert not (site2 / "public" / "pdf").exists()


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):  # the http.server interface
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Counter.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_sandbox_embeds_nothing_from_outside_the_site_and_says_where(tmp_path, server):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    body = "\n".join(
        [
            "![outside](../../../outside.png)",  # body line 1 → file line 17
            "",
            "![absolute](/etc/hostname)",
            "",
            "![device](/dev/zero)",
            "",
            "![link](images/leak.png)",
            "",
            f"![served](http://127.0.0.1:{server}/pixel.png)",
            "",
        ]
    )
    site = small_site(tmp_path / "s", body)
    (site / "content" / "value-maps" / "images").mkdir()
    os.symlink(secret, site / "content" / "value-maps" / "images" / "leak.png")
    result = build(site)
    warnings = {(d.code, d.line) for d in result.diagnostics if d.path.endswith("fitnow.md")}
    first = VALUE_MAP.strip().count("\n") + 2  # the body starts on the line after the closing ---
    for offset in (0, 2, 4, 6, 8):
        assert ("VPC601", first + offset) in warnings, (first + offset, sorted(warnings))
    assert _Counter.hits == []
    data = (site / "public" / "pdf" / "fitnow.pdf").read_bytes()
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data


def test_canvas_with_three_times_the_items_still_lays_out(tmp_path):
    checked_items = []
    lines = ["---", "title: Crowded", "segment: busy-professional", "relievers:"]
    for n in range(36):
        lines += [f"  - id: r{n}", f"    text: Reliever number {n} that relieves the lack of time in a long sentence", "    relieves: [lack-of-time]"]
        checked_items.append(f"Reliever number {n}")
    lines += ["---", ""]
    site = small_site(tmp_path / "s", extra={"content/value-maps/crowded.md": "\n".join(lines)})
    result = build(site)
    reader = PdfReader(site / "public" / "pdf" / "crowded.pdf")
    text = squash(" ".join(p.extract_text() for p in reader.pages))
    assert all(squash(item) in text for item in checked_items)
    overflow = [d for d in result.diagnostics if d.code == "VPC602"]
    if len(reader.pages) > 1:
        assert overflow and "crowded" in overflow[0].message
    else:
        assert not overflow


def test_check_repeats_the_last_builds_overflow_warning_until_the_canvas_changes(tmp_path):
    lines = ["---", "title: Crowded", "segment: busy-professional", "relievers:"]
    for n in range(120):
        lines += [
            f"  - id: r{n}",
            f"    text: Reliever number {n} with a long description of how it relieves the lack of time",
            "    relieves: [lack-of-time]",
        ]
    lines += ["---", ""]
    site = small_site(tmp_path / "s", extra={"content/value-maps/crowded.md": "\n".join(lines)})
    built = build(site)

    def overflow(found):
        return [d.message for d in found if d.code == "VPC602" and "'crowded'" in d.message]

    assert len(overflow(built.diagnostics)) == 1
    assert overflow(check_site(site).diagnostics) == overflow(built.diagnostics)
    crowded = site / "content" / "value-maps" / "crowded.md"
    crowded.write_text(crowded.read_text().replace("title: Crowded", "title: Crowded, edited"))
    assert overflow(check_site(site).diagnostics) == []


def test_unchanged_rebuild_renders_no_pdf_and_one_edit_renders_one(tmp_path):
    site = small_site(tmp_path / "s", extra={"content/value-maps/other.md": VALUE_MAP.replace("FitNow app", "Other app")})
    first = build(site)
    assert sorted(first.pdf_rendered) == ["fitnow", "other"]
    second = build(site)
    assert second.pdf_rendered == [] and sorted(second.pdf_reused) == ["fitnow", "other"]
    path = site / "content" / "value-maps" / "other.md"
    path.write_text(path.read_text().replace("Other app", "Other app, renamed"))
    third = build(site)
    assert third.pdf_rendered == ["other"]


def test_runaway_document_is_abandoned_after_its_timeout():
    from vpcsite.render.pdf import PdfJob, make_fetcher_class, render_canvases

    rows = "".join(f"<tr><td>{n}</td><td>{'word ' * 40}</td></tr>" for n in range(6000))
    jobs = [
        PdfJob("huge", "Huge", f"<html><body><table>{rows}</table></body></html>", "k1"),
        PdfJob("fine", "Fine", "<html><body><p>ok</p></body></html>", "k2"),
    ]
    outcomes, timed_out = render_canvases(jobs, make_fetcher_class({}, ()), "A4", "landscape", workers=1, timeout=1.0)
    assert timed_out == ["huge"]
    assert [o.canvas_id for o in outcomes] == ["fine"]


def test_type_size_search_finds_the_largest_size_that_fits_from_any_start(tmp_path):
    from vpcsite.render.pdf import make_fetcher_class, render_pdf

    # A page of text that fits only at the smaller sizes: the search must end on the
    # same size whether it starts from the top, from the bottom or in between.
    steps = (9.5, 8.5, 7.5, 6.5)
    html = "<html><body>" + "".join(f"<p>Line {n} of a text long enough to wrap a little on the page.</p>" for n in range(26)) + "</body></html>"
    fetcher = make_fetcher_class({}, ())
    results = {
        start: render_pdf(html, "https://vpcsite.invalid/x.html", fetcher, "A4", "landscape", steps=steps, start=start)[1:3]
        for start in (None, *steps)
    }
    assert set(results.values()) == {(1, steps[1])}, results


def test_step_search_skips_sizes_that_cannot_fit():
    from vpcsite.render.pdf.fitting import TYPE_STEPS, _next_step

    steps = (9.5, 8.5, 7.5, 6.5)
    assert _next_step(steps, 0, 2) == 1  # one page over: the next size may fit
    assert _next_step(steps, 0, 3) == 3  # three pages at 9.5 pt: only 6.5 pt may fit
    assert _next_step(steps, 0, 9) == 3  # hopeless: straight to the smallest size
    assert _next_step(TYPE_STEPS, 0, 1) == 1  # one page, but a block grew: one step down
    assert _next_step(TYPE_STEPS, 0, 3) == TYPE_STEPS.index(11.0)  # three pages at 17 pt


def test_build_command_says_how_many_canvas_pdfs_were_laid_out(tmp_path):
    from click.testing import CliRunner

    from vpcsite.cli import main

    site = small_site(tmp_path / "s")
    first = CliRunner().invoke(main, ["--source", str(site), "build"], catch_exceptions=False)
    assert first.exit_code == 0 and "1 canvas PDFs laid out, 0 unchanged" in first.stderr
    again = CliRunner().invoke(main, ["--source", str(site), "build", "--force-all"], catch_exceptions=False)
    assert "0 canvas PDFs laid out, 1 unchanged" in again.stderr
    unchanged = CliRunner().invoke(main, ["--source", str(site), "build"], catch_exceptions=False)
    assert unchanged.exit_code == 0 and "nothing changed" in unchanged.stderr


def test_a_new_image_in_one_canvas_leaves_the_other_canvases_cached(tmp_path):
    site = small_site(tmp_path / "s", extra={"content/value-maps/other.md": VALUE_MAP.replace("FitNow app", "Other app")})
    build(site)
    (site / "content" / "value-maps" / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    path = site / "content" / "value-maps" / "other.md"
    path.write_text(path.read_text() + "\n![pic](pic.svg)\n")
    again = build(site)
    assert again.pdf_rendered == ["other"] and again.pdf_reused == ["fitnow"]
    (site / "content" / "value-maps" / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    third = build(site)
    assert third.pdf_rendered == ["other"], "the image's bytes are part of its canvas's key"


# --- the print layout and the type-size search -------------------------------------


def _generated(root: Path, count: int, seed: int) -> Path:
    """A site of `count` generated canvases (5-12 items a block, about 48 a canvas)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_site", Path(__file__).resolve().parent.parent / "benchmarks" / "gen_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(count, root, seed=seed)
    return root


def _canvas_jobs(site: Path, monkeypatch) -> tuple[list, type]:
    """Build `site` and return the canvas PDF jobs and fetcher class the build used."""
    import vpcsite.render.pdf.stage as pdf

    seen: dict[str, object] = {}
    original = pdf.render_canvases

    def recording(jobs, fetcher_class, *args, **kwargs):
        seen["jobs"], seen["fetcher"] = list(jobs), fetcher_class
        return original(jobs, fetcher_class, *args, **kwargs)

    monkeypatch.setattr(pdf, "render_canvases", recording)
    build(site, jobs=2)
    return seen["jobs"], seen["fetcher"]  # type: ignore[return-value]


def _crowded_profile(count: int) -> dict[str, str]:
    """A segment with `count` gains and `count` pains, and a value map for it."""
    lines = ["---", "title: Crowded segment", "jobs:", "  - text: Get through the week"]
    for side in ("pains", "gains"):
        lines.append(f"{side}:")
        for n in range(count):
            lines += [f"  - id: {side}-{n}", f"    text: {side.title()} number {n} described in a sentence long enough to wrap"]
    segment = "\n".join([*lines, "---", ""])
    value_map = "---\ntitle: Crowded map\nsegment: crowded\nrelievers:\n  - text: One reliever\n    relieves: [pains-0]\n---\n"
    return {"content/segments/crowded.md": segment, "content/value-maps/crowded-map.md": value_map}


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    """Canvases from sparse to very dense: one small, generated ones, a crowded profile."""
    site = _generated(tmp_path_factory.mktemp("varied") / "site", 4, 2)
    write_site(site, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/tiny.md": VALUE_MAP, **_crowded_profile(40)})
    monkeypatch = pytest.MonkeyPatch()
    try:
        jobs, fetcher = _canvas_jobs(site, monkeypatch)
    finally:
        monkeypatch.undo()
    return site, jobs, fetcher


def _exhaustive(html: str, canvas_id: str, fetcher) -> tuple[float, int]:
    """The largest size at which the canvas fits (one page, no block grown), by laying
    it out at every size; else the smallest size and its page count."""
    from weasyprint import CSS, HTML

    from vpcsite.render.pdf import ORIGIN, TYPE_STEPS, page_css
    from vpcsite.render.pdf.fitting import fits

    parsed = HTML(string=html, base_url=f"{ORIGIN}canvases/{canvas_id}/index.html", url_fetcher=fetcher())
    documents = [parsed.render(stylesheets=[CSS(string=page_css("A4", "landscape", step))]) for step in TYPE_STEPS]
    fitting = [step for step, document in zip(TYPE_STEPS, documents) if fits(document)]
    return (fitting[0], 1) if fitting else (TYPE_STEPS[-1], len(documents[-1].pages))


def test_search_gives_what_an_exhaustive_search_gives_from_sparse_to_dense(varied):
    import json

    site, jobs, fetcher = varied
    layout = json.loads((site / "public" / ".cache" / "pdf" / "layout.json").read_text())
    found = {job.canvas_id: (layout[job.canvas_id]["type_size"], layout[job.canvas_id]["pages"]) for job in jobs}
    expected = {job.canvas_id: _exhaustive(job.html, job.canvas_id, fetcher) for job in jobs}
    assert found == expected
    # The set really runs from sparse to dense: the largest size, and more pages.
    # A sparse canvas grows its type well past the base 9.5 pt.
    assert found["tiny"][1] == 1 and found["tiny"][0] >= 14.5
    assert found["crowded-map"][1] > 1


def test_generated_canvases_fit_one_page_at_a_legible_size(varied):
    import json

    site, jobs, _ = varied
    layout = json.loads((site / "public" / ".cache" / "pdf" / "layout.json").read_text())
    generated = [job.canvas_id for job in jobs if job.canvas_id not in ("tiny", "crowded-map")]
    # About 48 items each: one page, at 6.5 pt at the least and mostly 7.5 pt or more.
    assert all(layout[c]["pages"] == 1 for c in generated), layout
    assert sum(layout[c]["type_size"] >= 7.5 for c in generated) >= len(generated) / 2, layout


def test_a_crowded_profile_continues_on_more_pages_without_losing_an_item(varied):
    site, _, _ = varied
    reader = PdfReader(site / "public" / "pdf" / "crowded-map.pdf")
    assert len(reader.pages) > 1
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    for side in ("Pains", "Gains"):
        for n in range(40):
            assert squash(f"{side} number {n} described") in text, (side, n)


def test_common_canvases_take_one_layout(varied):
    from vpcsite.render.pdf import ORIGIN, render_pdf

    _, jobs, fetcher = varied
    by_id = {job.canvas_id: job for job in jobs}
    counts = {}
    for canvas_id in ("tiny", "crowded-map", *sorted(c for c in by_id if c not in ("tiny", "crowded-map"))):
        made: list[float] = []
        render_pdf(by_id[canvas_id].html, f"{ORIGIN}canvases/{canvas_id}/index.html", fetcher, "A4", "landscape", layouts=made)
        counts[canvas_id] = made
    # A sparse canvas at the largest size, a dense one at the smallest on more pages:
    # the first layout is the answer.
    assert len(counts["tiny"]) == 1 and len(counts["crowded-map"]) == 1, counts
    # Most generated canvases (about 48 items) take one layout from a cold start too.
    assert sum(len(made) == 1 for made in counts.values()) >= len(counts) / 2, counts


def test_prediction_starts_denser_canvases_at_smaller_sizes(varied):
    from vpcsite.render.pdf.fitting import TYPE_STEPS, column_loads, predict_step

    _, jobs, _ = varied
    by_id = {job.canvas_id: job for job in jobs}
    assert TYPE_STEPS[predict_step(by_id["tiny"].html, TYPE_STEPS)] >= 14.5
    assert predict_step(by_id["crowded-map"].html, TYPE_STEPS) == len(TYPE_STEPS) - 1
    loads = column_loads(by_id["crowded-map"].html)
    assert loads[2] > loads[0] and loads[2] > loads[1], "gains are a crowded block"


def test_a_page_with_room_to_spare_does_not_rule_out_a_larger_size(varied):
    from weasyprint import CSS, HTML

    from vpcsite.render.pdf.fitting import cannot_fit_larger, page_css
    from vpcsite.render.pdf.sandbox import ORIGIN

    _, jobs, fetcher = varied
    tiny = next(job for job in jobs if job.canvas_id == "tiny")
    document = HTML(string=tiny.html, base_url=f"{ORIGIN}canvases/tiny/index.html", url_fetcher=fetcher()).render(
        stylesheets=[CSS(string=page_css("A4", "landscape", 6.5))]
    )
    assert not cannot_fit_larger(document, 9.5 / 6.5)
    # A page full of wrapping text, by contrast, cannot take 30 % larger type.
    full = (
        "<html><body>"
        + "".join(f"<p>Line {n} of a text long enough to wrap on the page, twice or so if the type is large.</p>" for n in range(26))
        + "</body></html>"
    )
    document = HTML(string=full).render(stylesheets=[CSS(string="@page { size: A4 landscape; margin: 10mm } :root { font-size: 9pt }")])
    assert len(document.pages) == 1
    larger = HTML(string=full).render(stylesheets=[CSS(string="@page { size: A4 landscape; margin: 10mm } :root { font-size: 11.7pt }")])
    assert len(larger.pages) > 1
    assert cannot_fit_larger(document, 1.3)


def test_an_unchanged_handout_is_reused_and_an_edit_assembles_it_again(tmp_path, monkeypatch):
    import vpcsite.render.pdf.stage as pdf

    site = copy_example(tmp_path)
    build(site)
    handout = site / "public" / "pdf" / "handout.pdf"
    first = handout.read_bytes()

    def assembled_again(*args, **kwargs):
        raise AssertionError("the handout was assembled although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "assemble_handout", assembled_again)
        build(site)
    assert handout.read_bytes() == first

    fitnow = site / "content" / "value-maps" / "fitnow.md"
    fitnow.write_text(fitnow.read_text().replace("title: FitNow app", "title: FitNow Pro app", 1))
    build(site)
    text = squash(" ".join(page.extract_text() for page in PdfReader(handout).pages))
    assert squash("FitNow Pro app") in text
    assert len(PdfReader(handout).outline) == len(PdfReader(io.BytesIO(first)).outline)


def test_handout_is_about_the_size_of_its_parts(example):
    """Stamping page numbers leaves page content uncompressed unless it is compressed
    again: the example's handout was five times the size of its canvases."""
    site, _ = example
    folder = site / "public" / "pdf"
    canvases = sum(p.stat().st_size for p in folder.glob("*.pdf") if p.name != "handout.pdf")
    # The cover, a Business Model Canvas and the fit summary add four small pages.
    assert (folder / "handout.pdf").stat().st_size < 2.5 * canvases

"""`vpcsite build`: what is written, atomically and deterministically, and how safely."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from vpcsite.build import BuildOptions, build_site
from vpcsite.cli import main
from vpcsite.output import MARKER

from .conftest import ROOT, SEGMENT, VALUE_MAP, copy_example, gen_site, site_files, write_site


def example_copy(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "example")


def build(root: Path, *args: str):
    return CliRunner().invoke(main, ["--source", str(root), "build", "--no-pdf", *args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return site_files(folder)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    site = example_copy(tmp_path_factory.mktemp("site"))
    result = build(site)
    assert result.exit_code == 0, result.output
    return site / "public"


def test_example_writes_every_page_of_the_layout(example):
    for page in [
        "index.html",
        "fit/index.html",
        "404.html",
        "canvases/fitnow/index.html",
        "canvases/gym-chain/index.html",
        "canvases/trainer-dashboard/index.html",
        "segments/busy-professional/index.html",
        "segments/personal-trainer/index.html",
        "about/index.html",
        "data/site.json",
        "static/style.css",
        "static/canvas.js",
        "static/logo.svg",
        MARKER,
    ]:
        assert (example / page).is_file(), page
    assert not (example / "canvases" / "corporate-wellness").exists()  # a draft
    assert not (example / "sitemap.xml").exists()  # no base_url


def test_image_beside_a_page_is_copied_next_to_its_output(example):
    assert (example / "about" / "images" / "canvas-sketch.svg").is_file()
    assert 'src="images/canvas-sketch.svg"' in (example / "about" / "index.html").read_text()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def test_every_internal_link_resolves_to_a_file_from_disk(example):
    broken = []
    for page in example.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            assert not parts.path.startswith("/"), f"{page}: root-absolute link {url} breaks from disk"
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(example)} → {url}")
    assert broken == []


def test_site_json_has_version_model_and_scores(example):
    data = json.loads((example / "data" / "site.json").read_text())
    assert data["version"] == 1
    fitnow = next(v for v in data["value_maps"] if v["id"] == "fitnow")
    assert fitnow["fit"]["overall"]["value"] == pytest.approx(fitnow["fit"]["overall"]["addressed"] / fitnow["fit"]["overall"]["total"])
    assert {s["id"] for s in data["segments"]} == {"busy-professional", "personal-trainer"}


def test_two_builds_are_byte_identical(tmp_path):
    site = example_copy(tmp_path)
    assert build(site).exit_code == 0
    first = snapshot(site / "public")
    assert build(site).exit_code == 0
    assert snapshot(site / "public") == first


def test_builds_in_separate_processes_are_byte_identical(tmp_path):
    outputs = []
    for n in range(2):
        site = example_copy(tmp_path / f"p{n}")
        env = {**os.environ, "PYTHONHASHSEED": str(n + 1)}
        subprocess.run([sys.executable, "-m", "vpcsite", "-q", "--source", str(site), "build", "--no-pdf"], check=True, env=env, capture_output=True)
        outputs.append(snapshot(site / "public"))
    assert outputs[0] == outputs[1]


def test_macros_that_spell_out_the_prepared_values_from_their_parts_render_the_same(tmp_path, example):
    """An item's `classes` and `weight_text` and a link's `title` are put together in
    views.py so that the built-in macros spend one output on each; a site's macros.html
    that builds them from their parts, as one written before they existed does, must
    render every page the same."""
    macros = (ROOT / "templates" / "macros.html").read_text()
    for prepared, parts in {
        "{{ item.classes }}": "item item--{{ item.side }} item--{{ item.section }} status-{{ item.status }}{% if item.flag %} is-unlinked{% endif %}",
        "{{ item.weight_text }}": "{{ item.weight }} · {{ item.weight_word }}",
        "{{ entry.weight_text }}": "{{ entry.weight }} · {{ entry.weight_word }}",
        "{{ link.title }}": "{{ link.ref }} {{ link.text }}",
    }.items():
        assert prepared in macros
        macros = macros.replace(prepared, parts)
    site = example_copy(tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "macros.html").write_text(macros)
    assert build(site).exit_code == 0
    pages = {name: data for name, data in snapshot(site / "public").items() if name.endswith(".html")}
    assert pages == {name: data for name, data in snapshot(example).items() if name.endswith(".html")}


def test_content_error_leaves_previous_output_untouched(tmp_path):
    site = example_copy(tmp_path)
    assert build(site).exit_code == 0
    before = snapshot(site / "public")
    fitnow = site / "content" / "value-maps" / "fitnow.md"
    fitnow.write_text(fitnow.read_text().replace("relieves: [lack-of-time]", "relieves: [lack-of-tme]"))
    result = build(site)
    assert result.exit_code == 1
    assert "VPC201" in result.stderr and "nothing written" in result.stderr
    assert snapshot(site / "public") == before
    assert sorted(p.name for p in site.iterdir()) == ["content", "public", "site.toml", "static"]


def test_failure_half_way_through_rendering_leaves_previous_output_untouched(tmp_path, monkeypatch):
    site = example_copy(tmp_path)
    assert build(site).exit_code == 0
    before = snapshot(site / "public")
    from vpcsite.render import parallel

    real = parallel.stream_parts
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 4:
            raise RuntimeError("injected failure after half the pages")
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "stream_parts", flaky)
    with pytest.raises(RuntimeError, match="injected"):
        build_site(site, BuildOptions(pdf=False, jobs=1, force_all=True))
    assert calls["n"] > 4
    assert snapshot(site / "public") == before
    assert sorted(p.name for p in site.iterdir()) == ["content", "public", "site.toml", "static"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--output", "."], "site root"),
        (["--output", "content"], "overlaps content"),
        (["--output", ".."], "contains the site"),
    ],
)
def test_unsafe_output_folders_exit_2_before_touching_anything(tmp_path, args, message):
    site = example_copy(tmp_path)
    before = snapshot(site)
    result = build(site, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(site) == before


def test_foreign_non_empty_output_needs_force(tmp_path):
    site = example_copy(tmp_path)
    (site / "public").mkdir()
    (site / "public" / "mine.txt").write_text("x")
    result = build(site)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (site / "public" / "mine.txt").read_text() == "x"
    assert build(site, "--force").exit_code == 0
    assert (site / "public" / "index.html").is_file()


def test_base_url_adds_sitemap_and_canonical_links_but_links_stay_relative(tmp_path):
    site = example_copy(tmp_path)
    assert build(site, "--base-url", "https://docs.example.com/vpc/").exit_code == 0
    sitemap = (site / "public" / "sitemap.xml").read_text()
    assert "<loc>https://docs.example.com/vpc/canvases/fitnow/</loc>" in sitemap
    page = (site / "public" / "canvases" / "fitnow" / "index.html").read_text()
    assert 'rel="canonical" href="https://docs.example.com/vpc/canvases/fitnow/"' in page
    assert 'href="../../index.html"' in page


HOSTILE = {
    "title": '<script>alert("t")</script>{{ 7*7 }}',
    "text": "<img src=x onerror=alert(1)>{{ 7*7 }}",
    "evidence": "[click](javascript:alert(1)) <script>alert(2)</script> {{ 7*7 }}",
    "body": "<script>alert(3)</script>\n\n[x](javascript:alert(4))\n\n<img src=x onerror=alert(5)>\n\n{{ 7*7 }} {% raw %}",
}


def hostile_site(root: Path) -> Path:
    """A site whose every text field tries to inject script or template code."""
    segment = "\n".join(
        [
            "---",
            f"title: '{HOSTILE['title']}'",
            "jobs:",
            "  - id: j",
            f"    text: '{HOSTILE['text']}'",
            "    evidence:",
            f"      - '{HOSTILE['evidence']}'",
            "pains:",
            "  - {id: p, text: Pain, severity: 1}",
            "gains:",
            "  - {id: g, text: Gain, relevance: 1}",
            "---",
            HOSTILE["body"],
        ]
    )
    value_map = "\n".join(
        [
            "---",
            f"title: '{HOSTILE['title']}'",
            "segment: s",
            "products:",
            f"  - {{id: prod, text: '{HOSTILE['text']}', jobs: [j]}}",
            "relievers:",
            "  - id: r",
            "    text: Reliever",
            "    relieves: [p]",
            f"    note: '{HOSTILE['body'].replace(chr(10), ' ')}'",
            "creators:",
            "  - {id: c, text: Creator, creates: [g]}",
            "---",
            HOSTILE["body"],
        ]
    )
    root.mkdir(parents=True)
    (root / "content" / "segments").mkdir(parents=True)
    (root / "content" / "value-maps").mkdir(parents=True)
    (root / "content" / "segments" / "s.md").write_text(segment)
    (root / "content" / "value-maps" / "v.md").write_text(value_map)
    return root


class _Active(HTMLParser):
    """Collects everything in a page that could run: scripts, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value and "javascript:" in value.replace(" ", "").lower():
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and not any(name == "src" and value.endswith(("static/canvas.js", "static/search.js")) for name, value in attrs):
            self.found.append("<script> not from the theme")


def test_hostile_text_comes_out_inert_everywhere(tmp_path):
    site = hostile_site(tmp_path / "hostile")
    result = build(site)
    assert result.exit_code == 0, result.output
    for page in (site / "public").rglob("*.html"):
        html = page.read_text()
        parser = _Active()
        parser.feed(html)
        assert parser.found == [], page
        assert ">49<" not in html and " 49 " not in html, page
    canvas = (site / "public" / "canvases" / "v" / "index.html").read_text()
    assert (
        "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;{{ 7*7 }}" in canvas or "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;{{ 7*7 }}" in canvas
    )


def test_disallowed_link_scheme_is_dropped_with_a_warning_naming_file_and_line(tmp_path):
    site = hostile_site(tmp_path / "hostile")
    result = build(site)
    assert "content/segments/s.md:" in result.stderr or "segments/s.md:" in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "VPC501" in line]
    # the evidence entry (line 7), the segment's body (line 15) and the reliever's note
    assert any(re.search(r"segments/s\.md:7:1[78]: warning VPC501 link to a 'javascript:' URL was dropped", w) for w in warnings), warnings
    assert any(re.search(r"segments/s\.md:15:5: warning VPC501", w) for w in warnings), warnings
    assert any(re.search(r"value-maps/v\.md:10:\d+: warning VPC501", w) for w in warnings), warnings


def test_unsafe_html_true_lets_raw_html_through(tmp_path):
    site = write_site(
        tmp_path / "raw",
        {
            "site.toml": "[markdown]\nunsafe_html = true\n",
            "content/segments/busy-professional.md": SEGMENT.replace("Notes.", '<span class="raw">kept</span>'),
            "content/value-maps/fitnow.md": VALUE_MAP,
        },
    )
    assert build(site).exit_code == 0
    assert '<span class="raw">kept</span>' in (site / "public" / "segments" / "busy-professional" / "index.html").read_text()


def test_symlinks_leading_outside_the_site_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    outside_md = tmp_path / "outside.md"
    outside_md.write_text("---\ntitle: Outside\n---\nsecret body\n")
    site = example_copy(tmp_path)
    os.symlink(secret, site / "static" / "leak.txt")
    os.symlink(outside_md, site / "content" / "leak.md")
    result = build(site)
    assert result.exit_code == 0
    assert result.stderr.count("VPC504") == 2
    assert not (site / "public" / "static" / "leak.txt").exists()
    assert not (site / "public" / "leak").exists()
    assert "top secret" not in "".join(p.read_text(errors="ignore") for p in (site / "public").rglob("*") if p.is_file())


def test_markdown_image_outside_content_is_not_copied(tmp_path):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG")
    site = write_site(
        tmp_path / "s",
        {
            "content/segments/busy-professional.md": SEGMENT.replace("Notes.", "![x](../../../outside.png)\n\n![y](missing.png)"),
            "content/value-maps/fitnow.md": VALUE_MAP,
        },
    )
    result = build(site)
    assert "VPC503" in result.stderr and "VPC502" in result.stderr
    assert not list((site / "public").rglob("outside.png"))


def test_strict_build_with_warnings_writes_nothing(tmp_path):
    site = example_copy(tmp_path)
    result = build(site, "--strict")
    assert result.exit_code == 1
    assert not (site / "public").exists()


def test_parallel_build_equals_serial_build(tmp_path):
    site = tmp_path / "big"
    gen_site().generate(70, site, seed=3)
    assert build(site, "--jobs", "1", "--output", "serial").exit_code in (0, 1)
    assert build(site, "--jobs", "2", "--output", "parallel").exit_code in (0, 1)
    serial, parallel = snapshot(site / "serial"), snapshot(site / "parallel")
    assert len(serial) > 100
    assert serial == parallel


def test_unknown_theme_is_a_configuration_error_at_its_line(tmp_path):
    site = example_copy(tmp_path)
    config = site / "site.toml"
    config.write_text(config.read_text().replace('theme = "default"', 'theme = "dark"'))
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if text.startswith('theme = "dark"'))
    result = build(site)
    assert result.exit_code == 2
    assert f"site.toml:{line}:1: error VPC403 'theme': theme 'dark' not found" in result.stderr
    assert "themes: default, print" in result.stderr


def test_a_build_leaves_no_cycle_of_views_behind(tmp_path):
    """Views refer to the renderer through their Markdown closures; a process that builds
    again and again (a dev server) must not keep every build's views until a full
    collection happens to run."""
    import gc

    from vpcsite.render.views import ItemView

    site = tmp_path / "big"
    gen_site().generate(70, site, seed=3)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        # Two workers render the pages, so page contexts (cycles of their own) stay out
        # of this process.
        build_site(site, BuildOptions(pdf=False, jobs=2))
        gc.collect()
        stranded = sum(isinstance(o, ItemView) for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # A site of 70 canvases makes thousands of item views.
    assert stranded == 0


def test_a_linked_file_never_replaces_a_page_the_site_writes(tmp_path):
    site = example_copy(tmp_path)
    (site / "content" / "data").mkdir()
    (site / "content" / "data" / "site.json").write_text('{"stale": true}\n')
    (site / "content" / "fit").mkdir()
    (site / "content" / "fit" / "index.html").write_text("<p>not the fit summary</p>\n")
    home = site / "content" / "index.md"
    home.write_text(home.read_text() + "\nSee [old export](data/site.json) and [fit](fit/index.html).\n")
    result = build(site)
    assert result.exit_code == 0
    line = len(home.read_text().splitlines())
    assert f"content/index.md:{line}:18: warning VPC505 'data/site.json' would be copied to data/site.json" in result.stderr
    assert f"content/index.md:{line}:44: warning VPC505 'fit/index.html' would be copied to fit/index.html" in result.stderr
    assert json.loads((site / "public" / "data" / "site.json").read_text())["version"] == 1
    assert "not the fit summary" not in (site / "public" / "fit" / "index.html").read_text()

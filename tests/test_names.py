"""Files and names: page file names never smuggle a URL scheme into the site, every
generated href is relative or of an allowed scheme, ids that a case-insensitive or a
Windows file system cannot hold are errors, and content the parsers would silently
lose (a corrupt image, Markdown nested too deep, a huge file) is reported."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import copy_example
from vpcsite.cli import main
from vpcsite.markdown import ALLOWED_SCHEMES, link_scheme
from vpcsite.names import reserved_name
from vpcsite.render.html import PageInfo, _relative


def run(site: Path, *args: str):
    return CliRunner().invoke(main, ["-s", str(site), *args], catch_exceptions=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


def quiet(site: Path) -> None:
    """Silence the example's own warnings, so a new one decides --strict alone."""
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("ignore = []", 'ignore = ["VPC301", "VPC302", "VPC303", "VPC304", "VPC305", "VPC306", "VPC307"]'))


def set_limit(site: Path, limit: str) -> None:
    toml = site / "site.toml"
    lines = [line for line in toml.read_text().splitlines() if not line.startswith("max_file_size")]
    toml.write_text("\n".join(lines).replace("ignore = []", f"ignore = []\nmax_file_size = {limit}") + "\n")


# --- page file names and hrefs ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["javascript:alert(1).md", "javascript:x/notes.md", "data:text/html,x.md", "my notes.md"])
def test_a_page_file_name_that_is_no_id_is_an_error_even_with_an_id(site, name):
    path = site / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: Notes\nid: notes\n---\nText.\n")
    result = run(site, "build", "--no-pdf")
    assert result.exit_code == 1
    assert f"content/{name}:1:1: error VPC109 page path '" in result.output
    assert "is not a valid name for a page's URL" in result.output
    assert not (site / "public").exists()


def test_a_url_whose_first_part_holds_a_colon_never_reads_as_a_scheme():
    home = PageInfo("Home", "index.html", "index")
    assert _relative("javascript:x/index.html", home) == "./javascript:x/index.html"
    assert _relative("about/index.html", home) == "about/index.html"
    deeper = PageInfo("About", "about/index.html", "page")
    assert _relative("fit/index.html", deeper) == "../fit/index.html"


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value is not None:
                self.found.append(value)


def test_every_generated_href_is_relative_or_of_an_allowed_scheme(site):
    # Hostile links in a body, a note and evidence: each dropped or kept, never live.
    about = site / "content" / "about.md"
    about.write_text(
        about.read_text()
        + "\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](data:text/html,x) [d](vbscript:x)"
        + " [e](java\tscript:x) [f](//evil.example/x) [g](%6Aavascript:x) ![h](file:///etc/passwd)\n"
    )
    (site / "content" / "guides").mkdir()
    (site / "content" / "guides" / "index.md").write_text("---\ntitle: Guides\n---\n[back](../about.md)\n")
    result = run(site, "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    pages = sorted((site / "public").rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        parser = _Hrefs()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.found:
            scheme = link_scheme(href)
            assert scheme is None or scheme in ALLOWED_SCHEMES, f"{page}: {href}"
            if scheme is None and not href.startswith("//"):  # "//host/x": a web link the author wrote
                assert not href.startswith(("/", "\\")), f"{page}: {href} is not relative"


# --- names the file systems of macOS and Windows cannot hold ----------------------------------


@pytest.mark.parametrize("name", ["CON", "nul", "Aux.txt", "com1", "LPT9.pdf", "prn "])
def test_windows_device_names_are_reserved(name):
    assert reserved_name(name)


@pytest.mark.parametrize("name", ["console", "nullable", "com10", "lpt", "auxiliary"])
def test_names_that_only_begin_like_device_names_are_free(name):
    assert not reserved_name(name)


def test_a_segment_id_that_is_a_device_name_is_an_error(site):
    segment = site / "content" / "segments" / "busy-professional.md"
    segment.write_text(segment.read_text().replace("title:", "id: Con\ntitle:", 1))
    result = run(site, "check")
    assert result.exit_code == 1
    assert "content/segments/busy-professional.md:2:5: error VPC109 segment id 'Con' is a device name on Windows" in result.output


def test_a_value_map_file_named_like_a_device_is_an_error(site):
    (site / "content" / "value-maps" / "fitnow.md").rename(site / "content" / "value-maps" / "nul.md")
    result = run(site, "check")
    assert result.exit_code == 1
    assert "content/value-maps/nul.md:1:1: error VPC109 value-map id 'nul' is a device name on Windows" in result.output


def test_a_page_in_a_folder_named_like_a_device_is_an_error(site):
    (site / "content" / "aux").mkdir()
    (site / "content" / "aux" / "notes.md").write_text("---\ntitle: Notes\n---\nText.\n")
    result = run(site, "check")
    assert result.exit_code == 1
    assert "content/aux/notes.md:1:1: error VPC109 page path 'aux' is a device name on Windows" in result.output


def test_ids_differing_only_in_case_are_an_error(site):
    maps = site / "content" / "value-maps"
    (maps / "FitNow.md").write_text((maps / "fitnow.md").read_text())
    result = run(site, "check")
    assert result.exit_code == 1
    assert "error VPC108 value-map id 'fitnow' differs only in case from 'FitNow' (content/value-maps/FitNow.md)" in result.output


def test_pages_differing_only_in_case_are_an_error(site):
    (site / "content" / "About.md").write_text("---\ntitle: About again\n---\nText.\n")
    result = run(site, "check")
    assert result.exit_code == 1
    assert "error VPC110 page would be written to" in result.output and "differs only in case" in result.output


# --- content the parsers would lose in silence -----------------------------------------------


def test_a_corrupt_image_is_a_warning_and_fails_under_strict(site):
    quiet(site)
    (site / "content" / "images" / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"cut short" * 8)
    about = site / "content" / "about.md"
    about.write_text(about.read_text() + "\n![Shot](images/shot.png)\n")
    line = about.read_text().count("\n")
    result = run(site, "build", "--no-pdf")
    assert result.exit_code == 0
    assert f"content/about.md:{line}:9: warning VPC507 image 'images/shot.png' cannot be shown: it is damaged" in result.output
    strict = run(site, "build", "--no-pdf", "--strict")
    assert strict.exit_code == 1 and "VPC507" in strict.output


def test_an_svg_that_is_not_xml_is_a_corrupt_image(site):
    (site / "content" / "images" / "canvas-sketch.svg").write_text("<svg><g></svg>")
    result = run(site, "build", "--no-pdf")
    assert "content/about.md:10:11: warning VPC507 image 'images/canvas-sketch.svg' cannot be shown: it is not well-formed SVG" in result.output


def test_markdown_nested_past_the_parser_limit_is_a_warning_at_its_line(site):
    (site / "content" / "deep.md").write_text("---\ntitle: Deep\n---\nIntro.\n\n" + "> " * 25 + "lost\n\nAfter.\n")
    (site / "content" / "lists.md").write_text("---\ntitle: Lists\n---\n" + "".join("  " * i + "- level\n" for i in range(30)))
    result = run(site, "build", "--no-pdf")
    assert result.exit_code == 0
    assert "content/deep.md:6:1: warning VPC508 Markdown nested more than 20 levels deep" in result.output
    assert "content/lists.md:" in result.output and result.output.count("VPC508") == 2


def test_a_content_file_over_the_size_limit_is_refused_with_its_size(site):
    (site / "content" / "log.md").write_text("---\ntitle: Log\n---\n" + "word " * 1_100_000)
    result = run(site, "check")
    assert result.exit_code == 1
    assert "content/log.md:1:1: error VPC013 file is 5.5 MB, over the limit of 5 MB for a content file" in result.output


@pytest.mark.parametrize("limit, refused", [('"10 MB"', False), ("6000000", False), ('"5 MiB"', True), ('"512 kB"', True)])
def test_the_size_limit_is_set_in_site_toml(site, limit, refused):
    (site / "content" / "log.md").write_text("---\ntitle: Log\n---\n" + "word " * 1_100_000)
    set_limit(site, limit)
    result = run(site, "check")
    assert ("VPC013" in result.output) is refused


def test_a_size_limit_that_is_no_size_is_a_configuration_error(site):
    set_limit(site, '"ten"')
    result = run(site, "check")
    assert result.exit_code == 2
    assert "error VPC403 'check.max_file_size': 'ten' is not a size" in result.output

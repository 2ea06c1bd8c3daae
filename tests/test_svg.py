"""The canvas drawing: its layout (render/drawing.py) and canvases/<id>/canvas.svg.

The layout is proven from its numbers: every item's box inside its block, every box of
the profile inside the circle, every text whole. The SVG is checked as a file a wiki or
a slide will embed: well-formed, standalone, and the same bytes from every build.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from vpcsite.build import check_site
from vpcsite.cli import main
from vpcsite.config import load_config
from vpcsite.render import geometry
from vpcsite.render.site import SiteRenderer
from vpcsite.theme import find_theme

from .conftest import ROOT, copy_example, gen_site, write_site

SVG = "{http://www.w3.org/2000/svg}"
ATTRIBUTION = "The Value Proposition Canvas, Strategyzer AG (strategyzer.com)"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_example(tmp_path_factory.mktemp("svg") / "site")
    result = CliRunner().invoke(main, ["--source", str(site), "build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    return site


def drawings(site: Path) -> dict:
    config = load_config(site)
    config = config[0] if isinstance(config, tuple) else config
    checked = check_site(site)
    renderer = SiteRenderer(site, config, find_theme(config.theme, site), checked)
    return {map_id: renderer.drawing(map_id) for map_id in renderer.canvas_ids}


def many_items_site(root: Path, count: int, words: int = 6) -> Path:
    """A canvas with `count` items in every block, each `words` words long."""
    text = lambda n: " ".join(["Considerably"] + ["longer words here"] * (words // 3))[: 12 + 6 * words] + f" {n}"  # noqa: E731
    customer = "\n".join(
        f"{section}:\n" + "\n".join(f"  - id: {section}-{n}\n    text: {text(n)}\n    {scale}: {1 + n % 5}" for n in range(count))
        for section, scale in (("jobs", "importance"), ("pains", "severity"), ("gains", "relevance"))
    )
    offer = "\n".join(
        f"{section}:\n" + "\n".join(f"  - id: {section}-{n}\n    text: {text(n)}\n    {key}: [{target}-{n}]" for n in range(count))
        for section, key, target in (("products", "jobs", "jobs"), ("relievers", "relieves", "pains"), ("creators", "creates", "gains"))
    )
    return write_site(
        root,
        {
            "site.toml": 'title = "Many"\n',
            "content/segments/crowd.md": f"---\ntitle: Crowd\n{customer}\n---\n",
            "content/value-maps/busy.md": f"---\ntitle: Busy\nsegment: crowd\n{offer}\n---\n",
        },
    )


def assert_inside(drawn: geometry.Drawing) -> None:
    """Every box in its block: the square's blocks by their edges, the profile's by
    the distance of each corner from the circle's centre."""
    square = {
        "products": (0, 0, geometry.PRODUCTS_WIDTH, geometry.SIDE),
        "creators": (geometry.PRODUCTS_WIDTH, 0, geometry.SIDE, geometry.SIDE / 2),
        "relievers": (geometry.PRODUCTS_WIDTH, geometry.SIDE / 2, geometry.SIDE, geometry.SIDE),
    }
    for name, block in drawn.blocks.items():
        for placed in block.items:
            corners = [
                (placed.x, placed.y),
                (placed.x + placed.w, placed.y),
                (placed.x, placed.y + placed.h),
                (placed.x + placed.w, placed.y + placed.h),
            ]
            if name in square:
                x0, y0, x1, y1 = square[name]
                assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in corners), (name, placed.item.ref, corners)
            else:
                for x, y in corners:
                    assert math.hypot(x - drawn.cx, y - drawn.cy) <= drawn.radius, (name, placed.item.ref, (x, y))
                left = name in ("gains", "pains")
                assert (placed.x + placed.w <= drawn.cx) if left else (placed.x >= drawn.cx), (name, placed.item.ref)
                above = name == "gains"
                if name != "jobs":
                    assert (placed.y + placed.h <= drawn.cy) if above else (placed.y >= drawn.cy), (name, placed.item.ref)


# --- the layout ---------------------------------------------------------------------------


def test_every_item_of_the_example_canvases_lies_inside_its_block_and_the_circle(example: Path):
    for map_id, drawn in drawings(example).items():
        assert_inside(drawn)
        assert all(block.hidden == 0 for block in drawn.blocks.values()), map_id


def test_every_item_shows_its_whole_text_without_an_ellipsis(example: Path):
    for drawn in drawings(example).values():
        for placed in drawn.items:
            shown = " ".join(text for _, text in placed.lines)
            assert shown == " ".join(placed.item.text.split())
            assert "…" not in shown and "..." not in shown


def test_lines_fit_their_box_at_the_measured_advances(example: Path):
    from vpcsite.render.metrics import word_width

    for drawn in drawings(example).values():
        for name, block in drawn.blocks.items():
            for placed in block.items:
                for _, text in placed.lines:
                    assert placed.text_x + word_width(text) * block.size <= placed.x + placed.w, (name, text)


def test_a_crowded_canvas_grows_the_whole_drawing_so_every_item_is_on_it(tmp_path: Path):
    site = many_items_site(tmp_path / "many", 14)
    (drawn,) = drawings(site).values()
    assert_inside(drawn)
    assert drawn.scale > 1
    # The same proportions, grown: the square a square and the circle of its size.
    assert (drawn.width, drawn.height) == (round(geometry.WIDTH * drawn.scale, 1), round(geometry.HEIGHT * drawn.scale, 1))
    for name, block in drawn.blocks.items():
        assert block.hidden == 0 and len(block.items) == block.total == 14, name
        # Magnified, no block's type is below the readable minimum.
        assert block.size * drawn.scale >= geometry.SIZES[-1] - 0.01, (name, block.size)
        assert block.title.endswith(" · 14"), block.title


def test_a_block_too_full_even_for_the_most_grown_drawing_says_how_many_items_it_leaves_out(tmp_path: Path):
    from vpcsite.render.crowded import GROWTH

    (drawn,) = drawings(many_items_site(tmp_path / "huge", 300)).values()
    assert_inside(drawn)
    assert drawn.scale == GROWTH[-1]
    gains = drawn.blocks["gains"]
    assert gains.hidden > 0 and len(gains.items) + gains.hidden == 300
    assert gains.more_text == f"+{gains.hidden} more (300 in all)"


def test_a_canvas_that_fits_does_not_grow_or_count_its_items(tmp_path: Path):
    (drawn,) = drawings(many_items_site(tmp_path / "eight", 8, 3)).values()
    assert drawn.scale == 1 and (drawn.width, drawn.height) == (geometry.WIDTH, geometry.HEIGHT)
    assert all("·" not in block.title for block in drawn.blocks.values())


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty generated canvases of 5-12 items a block, many of them too full for the
    drawing at its smallest type, built."""
    site = tmp_path_factory.mktemp("dense") / "site"
    gen_site().generate(20, site, seed=0)
    result = CliRunner().invoke(main, ["--source", str(site), "build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    return site


def item_ids(site: Path) -> dict[str, set[str]]:
    """Every item id a canvas holds (value map and segment), from the checked model."""
    found = check_site(site).site
    ids = {}
    for map_id, document in found.value_maps.items():
        value_map = document.model
        segment = found.segments[value_map.segment].model
        ids[map_id] = {item.id for section in ("products", "relievers", "creators") for item in getattr(value_map, section)} | {
            item.id for section in ("jobs", "pains", "gains") for item in getattr(segment, section)
        }
    return ids


def test_every_item_of_twenty_dense_canvases_is_on_the_drawing_inside_its_block(dense: Path):
    laid = drawings(dense)
    assert any(drawn.scale > 1 for drawn in laid.values()), "no generated canvas was too full to grow"
    for map_id, drawn in laid.items():
        assert_inside(drawn)
        assert all(block.hidden == 0 for block in drawn.blocks.values()), map_id
    for map_id, ids in item_ids(dense).items():
        for name in ("canvas.svg", "index.html"):
            text = (dense / "public" / "canvases" / map_id / name).read_text(encoding="utf-8")
            drawn = set(re.findall(r'data-vpc-item="([^"]+)"', text.split('class="vpc-lists"')[0]))
            assert drawn == ids, (map_id, name, ids ^ drawn)
            assert "vpc-block__more" not in text, (map_id, name)


def test_a_grown_canvas_svg_is_larger_in_the_same_proportions(dense: Path):
    for map_id, drawn in drawings(dense).items():
        root = ET.parse(dense / "public" / "canvases" / map_id / "canvas.svg").getroot()
        _, _, width, height = (float(n) for n in root.get("viewBox").split())
        assert (width, height) == (drawn.width + 32, drawn.height + 84), map_id
        group = root.find(f"{SVG}g[@class='vpc-drawing']")
        if drawn.scale == 1:
            assert group.get("transform") is None
        else:
            assert group.get("transform") == f"scale({drawn.scale:g})", map_id


def test_a_grown_drawing_scrolls_in_its_frame_on_the_page_and_says_so(dense: Path):
    for map_id, drawn in drawings(dense).items():
        html = (dense / "public" / "canvases" / map_id / "index.html").read_text(encoding="utf-8")
        grown = "vpc-figure__scroll--grown" in html
        assert grown == (drawn.scale != 1), map_id
        if grown:
            assert f"--vpc-scale: {drawn.scale}" in html and f"drawn {drawn.scale:g} times larger: scroll it in its frame" in html
            assert f'<g class="vpc-links" aria-hidden="true" transform="scale({drawn.scale})">' in html


def test_a_sparse_canvas_sets_larger_type_than_a_full_one(tmp_path: Path):
    sparse = drawings(many_items_site(tmp_path / "sparse", 2, 3))
    full = drawings(many_items_site(tmp_path / "full", 8, 3))
    assert min(b.size for b in next(iter(sparse.values())).blocks.values()) > max(b.size for b in next(iter(full.values())).blocks.values())


def test_eight_short_items_a_block_fit_without_cutting_any(tmp_path: Path):
    (drawn,) = drawings(many_items_site(tmp_path / "eight", 8, 3)).values()
    assert_inside(drawn)
    assert all(block.hidden == 0 for block in drawn.blocks.values())


def test_a_word_longer_than_a_line_is_broken_not_cut(tmp_path: Path):
    site = many_items_site(tmp_path / "long", 1)
    path = site / "content" / "segments" / "crowd.md"
    path.write_text(path.read_text().replace("text: Considerably", "text: " + "x" * 120 + " Considerably", 1))
    (drawn,) = drawings(site).values()
    placed = next(p for p in drawn.items if p.item.text.startswith("xxx"))
    assert "".join(text for _, text in placed.lines).replace(" ", "").startswith("x" * 120)


# --- canvas.svg --------------------------------------------------------------------------


def test_the_svg_is_well_formed_standalone_and_accessible(example: Path):
    for path in sorted((example / "public" / "canvases").glob("*/canvas.svg")):
        text = path.read_text(encoding="utf-8")
        root = ET.fromstring(text)
        assert root.tag == f"{SVG}svg" and root.get("viewBox")
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
        elements = list(root.iter())
        assert not [e for e in elements if e.tag in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image", f"{SVG}style")]
        for element in elements:
            for name, value in element.attrib.items():
                assert not name.startswith("on"), (path, name)
                if name.endswith("href"):
                    assert value.startswith("#"), (path, value)
                assert "url(" not in value or value.startswith("url(#"), (path, value)
        families = {e.get("font-family") for e in elements if e.get("font-family")}
        assert families and all(family.rstrip().endswith("sans-serif") for family in families)
        assert ATTRIBUTION in text
        # Ids come from the canvas id and item ids (the page inlines the same markup).
        ids = [e.get("id") for e in elements if e.get("id")]
        assert len(ids) == len(set(ids)) and all(i.startswith("vpc-") for i in ids)
        assert not re.search(r'id="[^"]*[0-9a-f]{8,}', text), "ids look random"


def test_the_svg_draws_every_item_of_its_canvas(example: Path):
    svg = ET.parse(example / "public" / "canvases" / "fitnow" / "canvas.svg").getroot()
    text = " ".join("".join(e.itertext()) for e in svg.iter(f"{SVG}text"))
    for expected in ("Lack of time", "10-minute workouts that need no equipment", "PAIN RELIEVERS", "CUSTOMER JOBS"):
        assert expected in text


def test_the_svg_is_identical_across_two_builds_in_two_processes(tmp_path: Path):
    site = copy_example(tmp_path / "site")
    outputs = []
    for n, seed in enumerate(("1", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "-m", "vpcsite", "--source", str(site), "build", "--no-pdf", "--output", f"out{n}"],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        outputs.append({p.relative_to(site / f"out{n}").as_posix(): p.read_bytes() for p in sorted((site / f"out{n}").rglob("canvas.svg"))})
    assert outputs[0] and outputs[0] == outputs[1]


# --- the canvas page and the index ------------------------------------------------------


def test_the_canvas_page_carries_the_attribution_and_an_embed_snippet(example: Path):
    html = (example / "public" / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
    assert ATTRIBUTION in html
    assert "Embed this canvas" in html
    snippet = re.search(r'<textarea class="vpc-embed__snippet"[^>]*>(.*?)</textarea>', html, re.S)
    assert snippet and "&lt;img src=&quot;canvases/fitnow/canvas.svg&quot;" in snippet.group(1)


def test_the_embed_snippet_uses_base_url_when_the_site_has_one(tmp_path: Path):
    site = copy_example(tmp_path / "site")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('base_url = ""', 'base_url = "https://docs.example.com/vpc/"'))
    result = CliRunner().invoke(main, ["--source", str(site), "build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    html = (site / "public" / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=&quot;https://docs.example.com/vpc/canvases/fitnow/canvas.svg&quot;" in html


def test_index_cards_show_the_canvas_svg_as_a_thumbnail(example: Path):
    html = (example / "public" / "index.html").read_text(encoding="utf-8")
    for canvas in ("fitnow", "gym-chain", "trainer-dashboard"):
        assert f'<img src="canvases/{canvas}/canvas.svg"' in html


def test_eight_two_line_jobs_fill_the_right_half_of_the_circle(tmp_path: Path):
    (drawn,) = drawings(many_items_site(tmp_path / "jobs", 8, 6)).values()
    jobs = drawn.blocks["jobs"]
    assert jobs.hidden == 0 and len(jobs.items) == 8
    assert any(len(placed.lines) > 1 for placed in jobs.items)
    assert_inside(drawn)


# --- the segment page --------------------------------------------------------------------


def test_the_segment_page_draws_its_profile_as_the_canvas_circle_with_every_item(example: Path):
    segment = check_site(example).site.segments["busy-professional"].model
    html = (example / "public" / "segments" / "busy-professional" / "index.html").read_text(encoding="utf-8")
    drawing, lists = html.split('class="vpc-lists', 1)
    assert 'data-vpc="profile"' in drawing and '<circle class="vpc-circle"' in drawing
    assert 'data-vpc="value-map"' not in drawing and "vpc-profile-only" not in html
    expected = {item.id for section in ("jobs", "pains", "gains") for item in getattr(segment, section)}
    assert set(re.findall(r'data-vpc-item="([^"]+)"', drawing)) == expected
    # The viewBox frames the circle alone: as wide as it is tall.
    _, _, width, height = (float(n) for n in re.search(r'<svg class="vpc-svg vpc-svg--profile" viewBox="([^"]+)"', drawing).group(1).split())
    assert width == height
    # Every item in full under it, each entry by its item.
    assert all(f'id="vpc-{section}-{item.id}-entry"' in lists for section in ("jobs", "pains", "gains") for item in getattr(segment, section))


def test_a_segments_profile_is_laid_out_once_and_bound_to_each_canvas_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every canvas of a segment draws the same circle: its blocks are laid out for the
    first canvas only, and each canvas's boxes carry its own items (here one canvas
    addresses the pain and the other does not)."""
    from vpcsite.render import drawing

    customer = "jobs:\n  - id: plan\n    text: Plan the week ahead\npains:\n  - id: late\n    text: Finding out too late\ngains:\n  - id: calm\n    text: A calm Monday"
    site = write_site(
        tmp_path / "site",
        {
            "site.toml": 'title = "Twice"\n',
            "content/segments/teams.md": f"---\ntitle: Teams\n{customer}\n---\n",
            "content/value-maps/alerts.md": "---\ntitle: Alerts\nsegment: teams\nrelievers:\n  - id: warn\n    text: Early warnings\n    relieves: [late]\n---\n",
            "content/value-maps/board.md": "---\ntitle: Board\nsegment: teams\nproducts:\n  - id: wall\n    text: A wall board\n    jobs: [plan]\n---\n",
        },
    )
    calls: list[str] = []
    place = drawing.place_block
    monkeypatch.setattr(drawing, "place_block", lambda name, *rest, **more: calls.append(name) or place(name, *rest, **more))
    config = load_config(site)
    config = config[0] if isinstance(config, tuple) else config
    renderer = SiteRenderer(site, config, find_theme(config.theme, site), check_site(site))
    alerts = renderer.drawing("alerts")
    assert {"gains", "pains", "jobs"} <= set(calls)
    calls.clear()
    board = renderer.drawing("board")
    assert calls and not {"gains", "pains", "jobs"} & set(calls)
    first, second = alerts.blocks["pains"].items[0], board.blocks["pains"].items[0]
    assert (first.x, first.y, first.w, first.h, first.lines) == (second.x, second.y, second.w, second.h, second.lines)
    assert first.item.linked and not second.item.linked


def test_pages_are_rendered_segment_by_segment_so_one_worker_draws_a_profile_once(tmp_path: Path):
    from vpcsite.render.jobs import canvas_job, page_jobs
    from vpcsite.render.write import _by_segment

    site = gen_site().generate(12, tmp_path / "site", seed=5) or tmp_path / "site"
    config = load_config(site)
    config = config[0] if isinstance(config, tuple) else config
    renderer = SiteRenderer(site, config, find_theme(config.theme, site), check_site(site))
    jobs = [*page_jobs(renderer), *(canvas_job(renderer, map_id) for map_id in renderer.canvas_ids)]
    ordered = [job.url for job in _by_segment(renderer, jobs)]
    assert ordered[:3] == ["index.html", "fit/index.html", "404.html"]
    grouped = [url for url in ordered if url.startswith(("canvases/", "segments/"))]
    for segment_id in renderer.segment_ids:
        mine = [f"canvases/{map_id}/index.html" for map_id in renderer.targeting.get(segment_id, [])]
        at = grouped.index(f"segments/{segment_id}/index.html")
        assert grouped[at - len(mine) : at] == sorted(mine)


def test_a_grown_drawing_sizes_its_blocks_below_any_ungrown_size():
    """What lets a drawing whose profile is too full skip searching the largest size of
    the blocks that fit (drawing.layout): growing caps every block's size below the
    smallest ungrown size, so their own largest size never counts."""
    from vpcsite.render.crowded import GROWTH, grown_size

    assert grown_size(geometry.SIZES[-1] + geometry.SPREAD, GROWTH[0]) < geometry.SIZES[-1]


def test_the_shortcut_for_grown_drawings_lays_them_out_as_the_full_search_does(dense: Path, monkeypatch: pytest.MonkeyPatch):
    from vpcsite.render import drawing

    def shapes(found: dict) -> dict:
        return {
            map_id: (d.scale, d.size, [(b.name, b.size, b.hidden, [(p.x, p.y, p.w, p.h, p.lines) for p in b.items]) for b in d.blocks.values()])
            for map_id, d in found.items()
        }

    quick = drawings(dense)
    assert any(d.scale != 1 for d in quick.values())
    monkeypatch.setattr(drawing, "_PROFILE", frozenset())  # no shortcut (and no memo)
    assert shapes(drawings(dense)) == shapes(quick)

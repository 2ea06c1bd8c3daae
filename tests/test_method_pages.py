"""Pages of the method beyond the canvas: experiments, the board, the assumptions map and
Business Model Canvases, built from the example site (DESIGN §8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vpcsite.cli import main

from .conftest import SEGMENT, VALUE_MAP, copy_example, site_files


def build(root: Path):
    result = CliRunner().invoke(main, ["--source", str(root), "build", "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "public"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return build(copy_example(tmp_path_factory.mktemp("site")))


def read(public: Path, url: str) -> str:
    return (public / url).read_text(encoding="utf-8")


def test_experiment_page_shows_both_cards_and_links_every_tested_item(example):
    page = read(example, "experiments/badge-ab-test/index.html")
    assert 'id="test-card"' in page and 'id="learning-card"' in page
    assert 'href="../../canvases/fitnow/index.html#vpc-creators-gamified-rewards"' in page
    assert 'href="../../canvases/fitnow/index.html#vpc-gains-sense-of-achievement"' in page
    assert "persevere" in page


def test_board_lists_planned_running_and_done_with_owner_deadline_and_decision(example):
    page = read(example, "experiments/index.html")
    planned, rest = page.split('id="board-running"', 1)
    running, done = rest.split('id="board-done"', 1)
    assert "Snack-swap fake door" in planned and "2027-01-15" in planned and "Priya" in planned
    assert "Paid coach check-in pilot" in running and "Marco" in running
    assert "Badge A/B test in the beta" in done and "persevere" in done


def test_canvas_and_segment_pages_list_the_experiments_on_their_items(example):
    canvas = read(example, "canvases/fitnow/index.html")
    section = canvas.split('id="experiments-on"', 1)[1]
    for title in ("Badge A/B test in the beta", "Paid coach check-in pilot", "Snack-swap fake door", "Interviews on being seen as healthy"):
        assert title in section
    segment = read(example, "segments/busy-professional/index.html").split('id="experiments-on"', 1)[1]
    assert "Interviews on being seen as healthy" in segment and "Snack-swap fake door" not in segment


def test_tested_item_shows_its_latest_result_on_the_drawing(example):
    for page in ("canvases/fitnow/index.html", "canvases/fitnow/canvas.svg"):
        canvas = read(example, page)
        # The drawing's item: its group, its chip ("G1 ✓") and what it says to screen readers.
        item = (
            canvas.split('id="vpc-gains-sense-of-achievement"', 1)[0].rsplit("<g ", 1)[1]
            + canvas.split('id="vpc-gains-sense-of-achievement"', 1)[1].split("</g>", 1)[0]
        )
        assert "result-mark--supported" in item and " ✓ </tspan>" in item
        assert "latest experiment: supported (" in item
        untested = canvas.split('id="vpc-pains-lack-of-time"', 1)[1].split("</g>", 1)[0]
        assert "result-mark" not in untested and "latest experiment" not in untested


def test_done_experiment_changes_the_status_on_the_canvas(example):
    canvas = read(example, "canvases/fitnow/index.html")
    item = canvas.split('id="vpc-gains-sense-of-achievement"', 1)[1].split("</li>", 1)[0]
    assert "badge--verified" in item


def test_assumptions_map_lists_test_next_first_with_planned_experiments(example):
    page = read(example, "assumptions/index.html")
    assert "<svg" in page and 'role="img"' in page
    quadrants = [chunk.split('"', 1)[0] for chunk in page.split('class="quadrant quadrant--')[1:]]
    assert quadrants == ["test-next", "keep-watching", "later", "settled", "invalidated"]


def test_test_next_names_the_planned_experiment_of_an_item(make_site):
    segment = SEGMENT.replace("    relevance: 4\n", "    relevance: 5\n")
    root = make_site(
        {
            "site.toml": 'title = "T"\n',
            "content/segments/busy-professional.md": segment,
            "content/value-maps/fitnow.md": VALUE_MAP,
            "content/experiments/quiz.md": "---\ntitle: Results quiz\nvalue_map: fitnow\ntests: [quick-results]\nhypothesis: H\n---\n",
        }
    )
    page = read(build(root), "assumptions/index.html")
    test_next = page.split("quadrant--test-next", 1)[1].split("quadrant--keep-watching", 1)[0]
    assert "Quick results" in test_next and "Results quiz" in test_next


def test_business_model_page_lists_value_maps_with_their_fit_and_segments(example):
    page = read(example, "business-models/fitnow-business/index.html")
    data = json.loads(read(example, "data/site.json"))
    fit = next(v for v in data["value_maps"] if v["id"] == "fitnow")["fit"]["overall"]["value"]
    propositions = page.split("bmc__block--value-propositions", 1)[1].split("</section>", 1)[0]
    assert 'href="../../canvases/fitnow/index.html">FitNow app</a>' in propositions
    assert f"fit {round(fit * 100)} %" in propositions
    assert 'href="../../segments/busy-professional/index.html"' in page.split("bmc__block--segments", 1)[1]
    assert "Business Model Canvas, Strategyzer AG" in page and "CC BY-SA 3.0" in page
    blocks = [chunk.split('"', 1)[0] for chunk in page.split('class="bmc__block bmc__block--')[1:]]
    assert blocks == [
        "key-partners",
        "key-activities",
        "key-resources",
        "value-propositions",
        "customer-relationships",
        "channels",
        "segments",
        "cost-structure",
        "revenue-streams",
    ]


def test_index_lists_business_models(example):
    page = read(example, "index.html")
    assert 'href="business-models/fitnow-business/index.html"' in page


def test_navigation_links_method_pages_only_when_the_site_has_them(example, make_site):
    nav = read(example, "index.html").split('aria-label="Site"', 1)[1].split("</nav>", 1)[0]
    assert "experiments/index.html" in nav and "assumptions/index.html" in nav and "business-models/" in nav
    plain = build(
        make_site({"site.toml": 'title = "T"\n', "content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    )
    nav = read(plain, "index.html").split('aria-label="Site"', 1)[1].split("</nav>", 1)[0]
    assert "experiments" not in nav and "assumptions" not in nav and "business-models" not in nav
    assert not (plain / "experiments").exists() and not (plain / "assumptions").exists()


def test_concluding_an_experiment_rebuilds_to_the_same_bytes_as_a_cold_build(tmp_path):
    def conclude(root: Path) -> None:
        path = root / "content/experiments/coach-check-in-pilot.md"
        path.write_text(path.read_text().replace("state: running", "state: done\nconcluded: 2026-12-19\nresult: refuted"))

    root = copy_example(tmp_path / "site")
    build(root)
    conclude(root)
    warm = site_files(build(root))
    cold_root = copy_example(tmp_path / "cold")
    conclude(cold_root)
    cold = site_files(build(cold_root))
    assert warm == cold
    assert "result-mark--refuted" in warm["canvases/fitnow/index.html"].decode()


def test_site_json_carries_experiments_evidence_and_business_models(example):
    data = json.loads(read(example, "data/site.json"))
    assert {e["id"] for e in data["experiments"]} == {"badge-ab-test", "coach-check-in-pilot", "snack-swap-fake-door", "seen-as-healthy-interviews"}
    badge = next(e for e in data["experiments"] if e["id"] == "badge-ab-test")
    assert (badge["state"], badge["result"], badge["concluded"]) == ("done", "supported", "2026-10-28")
    assert {
        "type": "segment",
        "document": "busy-professional",
        "item": "sense-of-achievement",
        "status": "verified",
        "experiment": "badge-ab-test",
    } in data["evidence"]
    segment = next(s for s in data["segments"] if s["id"] == "busy-professional")
    assert next(g for g in segment["gains"] if g["id"] == "sense-of-achievement")["status"] == "verified"
    (model,) = data["business_models"]
    assert model["value_propositions"] == ["fitnow"] and model["fits"]["fitnow"] is not None


def test_handout_has_a_page_per_business_model(tmp_path):
    import pypdf

    root = copy_example(tmp_path / "site")
    result = CliRunner().invoke(main, ["--source", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(root / "public/pdf/handout.pdf")
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Business model: FitNow" in titles
    page = next(p for p in reader.pages if "Key partners" in (p.extract_text() or ""))
    text = page.extract_text()
    assert "FitNow app" in text and "CC BY-SA 3.0" in text


def test_quadrants_beyond_test_next_list_their_most_important_and_count_the_rest():
    from vpcsite.render.assumptions import LISTED, Hypothesis, _quadrant

    items = [Hypothesis("job", f"J{n}", 1 + n % 5, "observed", "u", "S", ()) for n in range(LISTED + 7)]
    quadrant = _quadrant("settled", "Settled", list(items))
    assert (quadrant.count, len(quadrant.items), quadrant.more) == (LISTED + 7, LISTED, 7)
    assert quadrant.items[0].importance == 5
    assert len(_quadrant("test-next", "Test next", list(items), None).items) == LISTED + 7

"""Value-map ranks (DESIGN §3): written or derived from what an item addresses."""

from __future__ import annotations

import jsonschema
import pytest

from vpcsite.content import load_document
from vpcsite.model import Segment, ValueMap
from vpcsite.ranks import Rank, offer_ranks
from vpcsite.render.prepare import ranked_offer
from vpcsite.schema import json_schema

SEGMENT = Segment.model_validate(
    {
        "id": "s",
        "title": "S",
        "jobs": [{"text": "J", "importance": 2}, {"text": "K", "importance": 4}],
        "pains": [{"text": "P", "severity": 5}, {"text": "Q", "severity": 1}],
        "gains": [{"text": "G", "relevance": 2}],
    }
)


def value_map(**sections) -> ValueMap:
    return ValueMap.model_validate({"id": "v", "title": "V", "segment": "s", **sections})


def test_written_importance_is_kept_and_marked_written():
    ranks = offer_ranks(SEGMENT, value_map(relievers=[{"text": "R", "relieves": ["p"], "importance": "desired"}]))
    assert ranks["relievers", "r"] == Rank(2, True)


def test_reliever_rank_is_the_highest_severity_it_relieves():
    ranks = offer_ranks(SEGMENT, value_map(relievers=[{"text": "R", "relieves": ["q", "p"]}]))
    assert ranks["relievers", "r"] == Rank(5, False)


def test_creator_rank_is_the_highest_relevance_it_creates():
    assert offer_ranks(SEGMENT, value_map(creators=[{"text": "C", "creates": ["g"]}]))["creators", "c"] == Rank(2, False)


def test_product_rank_counts_its_jobs_and_what_it_delivers():
    offer = value_map(
        products=[{"text": "A", "jobs": ["j"]}, {"text": "B", "jobs": ["j"]}],
        relievers=[{"text": "R", "relieves": ["p"], "by": ["b"]}],
    )
    ranks = offer_ranks(SEGMENT, offer)
    assert ranks["products", "a"] == Rank(2, False)
    assert ranks["products", "b"] == Rank(5, False)


def test_item_addressing_nothing_known_ranks_three():
    ranks = offer_ranks(SEGMENT, value_map(products=[{"text": "A"}], creators=[{"text": "C", "creates": ["nope"]}]))
    assert ranks["products", "a"] == Rank(3, False)
    assert ranks["creators", "c"] == Rank(3, False)


def test_offer_is_listed_highest_rank_first_file_order_breaking_ties():
    offer = value_map(
        relievers=[
            {"text": "Low", "relieves": ["q"]},
            {"text": "High", "relieves": ["p"]},
            {"text": "Also high", "importance": 5},
        ]
    )
    order = [(place, item.id) for place, _, item, _ in ranked_offer(SEGMENT, offer)["relievers"]]
    assert order == [(1, "high"), (2, "also-high"), (3, "low")]


def test_offer_importance_takes_the_relevance_words():
    document, found = load_document(
        "content/value-maps/v.md", "value-maps/v.md", b"---\ntitle: V\nsegment: s\nproducts:\n  - text: A\n    importance: essential\n---\n"
    )
    assert found == []
    assert document.model.products[0].importance == 5


def test_offer_importance_with_a_word_of_another_scale_suggests_the_right_words():
    document, found = load_document(
        "content/value-maps/v.md", "value-maps/v.md", b"---\ntitle: V\nsegment: s\nproducts:\n  - text: A\n    importance: critical\n---\n"
    )
    assert document is not None and document.partial  # kept in part, never published
    (finding,) = found
    assert (finding.code, finding.line, finding.column) == ("VPC105", 6, 17)
    assert "nice-to-have" in finding.hint


def test_offer_importance_out_of_range_names_the_relevance_words():
    _document, found = load_document(
        "content/value-maps/v.md", "value-maps/v.md", b"---\ntitle: V\nsegment: s\ncreators:\n  - text: C\n    importance: 9\n---\n"
    )
    (finding,) = found
    assert (finding.code, finding.line, finding.column) == ("VPC104", 6, 17)
    assert "essential" in finding.hint


@pytest.mark.parametrize("value", [4, "important"])
def test_json_schema_accepts_offer_importance(value):
    schema = json_schema("value-map")
    jsonschema.validate({"title": "V", "segment": "s", "relievers": [{"text": "R", "importance": value}]}, schema)


def test_json_schema_refuses_a_job_word_as_offer_importance():
    schema = json_schema("value-map")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "V", "segment": "s", "relievers": [{"text": "R", "importance": "critical"}]}, schema)


def _build(make_site):
    import json

    from click.testing import CliRunner

    from vpcsite.cli import main

    from .conftest import SEGMENT

    root = make_site(
        {
            "site.toml": 'title = "T"\n',
            "content/segments/busy-professional.md": SEGMENT,
            "content/value-maps/fitnow.md": """
            ---
            title: FitNow app
            segment: busy-professional
            products:
              - id: mobile-app
                text: Mobile app
                jobs: [track-workouts]
            relievers:
              - id: ten-minute-workouts
                text: 10-minute workouts
                relieves: [complex-apps]
              - id: coach
                text: Coach
                relieves: [lack-of-time]
                importance: desired
            ---
            """,
        }
    )
    result = CliRunner().invoke(main, ["--source", str(root), "build", "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "public", json.loads((root / "public/data/site.json").read_text())


def test_canvas_page_tells_written_from_derived_ranks(make_site):
    public, _ = _build(make_site)
    page = (public / "canvases/fitnow/index.html").read_text()
    # The full lists under the drawing (the drawing shows the rank number alone).
    derived = page.split('id="vpc-products-mobile-app-entry"', 1)[1].split("</li>", 1)[0]
    written = page.split('id="vpc-relievers-coach-entry"', 1)[1].split("</li>", 1)[0]
    assert '5<span class="item__word"> · essential</span>' in derived and "item__origin" in derived
    assert '2<span class="item__word"> · desired</span>' in written and "item__origin" not in written


def test_canvas_page_lists_relievers_by_rank(make_site):
    public, _ = _build(make_site)
    page = (public / "canvases/fitnow/index.html").read_text()
    # coach is written 2, ten-minute-workouts derives 2 from complex-apps: file order ties
    assert page.index('id="vpc-relievers-ten-minute-workouts"') < page.index('id="vpc-relievers-coach"')


def test_site_json_carries_ranks_and_their_origin(make_site):
    _, data = _build(make_site)
    (value_map,) = data["value_maps"]
    assert value_map["products"][0]["importance"] == 5
    assert value_map["products"][0]["importance_origin"] == "derived"
    coach = next(r for r in value_map["relievers"] if r["id"] == "coach")
    assert (coach["importance"], coach["importance_origin"]) == (2, "written")

"""Fit scores computed by hand against DESIGN §5."""

from __future__ import annotations

import pytest

from vpcsite.fit import Score, band, fit, percent
from vpcsite.model import Segment, ValueMap


def segment(**sections) -> Segment:
    return Segment.model_validate({"id": "s", "title": "S", **sections})


def value_map(**sections) -> ValueMap:
    return ValueMap.model_validate({"id": "v", "title": "V", "segment": "s", **sections})


CUSTOMER = segment(
    jobs=[{"text": "A", "importance": 5, "status": "verified"}, {"text": "B", "importance": 1}],
    pains=[{"text": "P", "severity": 4, "status": "verified"}, {"text": "Q", "severity": 2, "status": "verified"}],
    gains=[{"text": "G", "relevance": 3}, {"text": "H", "relevance": 3, "status": "verified"}],
)


def test_each_fit_is_weighted_share_of_addressed_items():
    offer = value_map(
        products=[{"text": "App", "jobs": ["a"]}],
        relievers=[{"text": "R", "relieves": ["p"]}],
        creators=[{"text": "C", "creates": ["g", "h"]}],
    )
    result = fit(CUSTOMER, offer, (0.5, 0.7))
    assert result.jobs == Score(5, 6)
    assert result.pains == Score(4, 6)
    assert result.gains == Score(6, 6)
    # (5 + 4 + 6) / (6 + 6 + 6) = 15 / 18
    assert result.overall == Score(15, 18)
    assert result.overall.value == pytest.approx(15 / 18)
    assert result.band == "above"


def test_verified_fit_counts_only_verified_customer_items():
    offer = value_map(
        products=[{"text": "App", "jobs": ["a", "b"]}],
        relievers=[{"text": "R", "relieves": ["p", "q"]}],
        creators=[{"text": "C", "creates": ["g"]}],
    )
    result = fit(CUSTOMER, offer, (0.5, 0.7))
    # addressed: a5 b1 p4 q2 g3 = 15; verified among them: a5 p4 q2 = 11; total 18
    assert result.overall == Score(15, 18)
    assert result.verified == Score(11, 18)


def test_an_item_named_twice_counts_once():
    offer = value_map(relievers=[{"text": "R", "relieves": ["p"]}, {"text": "S", "relieves": ["p"]}])
    assert fit(CUSTOMER, offer, (0.5, 0.7)).pains == Score(4, 6)


def test_empty_denominator_gives_no_score_not_an_error():
    result = fit(segment(), value_map(), (0.5, 0.7))
    assert result.overall.value is None
    assert result.pains.value is None
    assert result.band is None
    assert percent(result.overall.value) == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.49, "below"), (0.5, "within"), (0.7, "within"), (0.71, "above"), (0.0, "below"), (1.0, "above")],
)
def test_band_edges_belong_to_the_band(value, expected):
    assert band(value, (0.5, 0.7)) == expected


def test_percent_rounds_to_whole_numbers():
    assert percent(15 / 18) == "83 %"
    assert percent(0.0) == "0 %"


def test_gaps_are_severe_unaddressed_items_most_important_first_and_orphans_in_canvas_order():
    from vpcsite.fit import gaps

    customer = segment(
        jobs=[{"text": "A"}],
        pains=[{"text": "P4", "severity": 4}, {"text": "P5", "severity": 5}, {"text": "P3", "severity": 3}, {"text": "Q5", "severity": 5}],
        gains=[{"text": "G4", "relevance": 4}, {"text": "H2", "relevance": 2}],
    )
    offer = value_map(
        products=[{"text": "Kit", "jobs": ["unknown"]}, {"text": "App", "jobs": ["a"]}, {"text": "Box"}],
        relievers=[{"text": "R", "relieves": ["q5"], "by": ["box"]}, {"text": "S", "relieves": ["nothing-here"]}],
        creators=[{"text": "C"}],
    )
    found = gaps(customer, offer)
    assert found.pains == ("p5", "p4")  # q5 is relieved; p3 is not severe
    assert found.gains == ("g4",)
    # Kit names no job of the segment; Box serves no job but delivers R
    assert found.orphans == (("products", "kit"), ("relievers", "s"), ("creators", "c"))

"""Experiments and business models: their front matter and what they name (DESIGN §3, §4)."""

from __future__ import annotations

import jsonschema
import pytest

from vpcsite.check import check_site
from vpcsite.content import load_document
from vpcsite.schema import json_schema

from .conftest import SEGMENT, VALUE_MAP


def load(text: str, relative: str = "experiments/e.md"):
    return load_document(f"content/{relative}", relative, f"---\n{text}---\n".encode())


def findings(make_site, files: dict[str, str], code: str):
    root = make_site(
        {
            "site.toml": 'title = "T"\n',
            "content/segments/busy-professional.md": SEGMENT,
            "content/value-maps/fitnow.md": VALUE_MAP,
            **files,
        }
    )
    return [d for d in check_site(root).diagnostics if d.code == code]


EXPERIMENT = "title: E\nvalue_map: fitnow\ntests: [lack-of-time]\nhypothesis: We believe\n"


def test_experiment_with_every_key_loads():
    document, found = load(
        "title: Concierge\nvalue_map: fitnow\ntests: [lack-of-time]\nkind: viability\nhypothesis: H\ntest: T\nmetric: M\n"
        "criteria: C\nratings: {critical: 3, cost: 1, reliability: 2, time: 1}\nowner: Dana\ndeadline: 2026-12-20\n"
        "state: done\nconcluded: 2026-12-18\nresult: supported\nobservation: O\nlearning: L\ndecision: persevere\n"
    )
    assert found == []
    assert document.model.type == "experiment"
    assert document.model.ratings.reliability == 2
    assert str(document.model.deadline) == "2026-12-20"


def test_rating_out_of_1_to_3_is_an_error_at_the_value():
    _document, found = load(EXPERIMENT + "ratings: {critical: 3, cost: 4}\n")
    (finding,) = found
    assert (finding.code, finding.line, finding.column) == ("VPC104", 6, 30)
    assert "1–3" in finding.message


def test_misspelt_state_suggests_the_word():
    _, (finding,) = load(EXPERIMENT + "state: dnoe\n")
    assert (finding.code, finding.line, finding.column) == ("VPC105", 6, 8)
    assert "did you mean 'done'?" in finding.hint


def test_unknown_experiment_key_suggests_the_closest():
    _, (finding,) = load(EXPERIMENT + "hypothesys: x\n")
    assert (finding.code, finding.line) == ("VPC102", 6)
    assert "did you mean 'hypothesis'?" in finding.hint


def test_experiment_naming_both_value_map_and_segment_is_an_error():
    _, (finding,) = load(EXPERIMENT + "segment: busy-professional\n")
    assert (finding.code, finding.line, finding.column) == ("VPC111", 6, 1)


def test_experiment_naming_neither_value_map_nor_segment_is_an_error():
    _, (finding,) = load("title: E\ntests: [x]\nhypothesis: H\n")
    assert (finding.code, finding.line, finding.column) == ("VPC101", 2, 1)


def test_experiment_without_tests_is_missing_a_required_key():
    _, (finding,) = load("title: E\nvalue_map: fitnow\nhypothesis: H\n")
    assert finding.code == "VPC101" and "'tests'" in finding.message


def test_unknown_value_map_is_an_error_with_did_you_mean(make_site):
    (finding,) = findings(make_site, {"content/experiments/e.md": "---\ntitle: E\nvalue_map: fitnwo\ntests: [x]\nhypothesis: H\n---\n"}, "VPC207")
    assert (finding.path, finding.line, finding.column) == ("content/experiments/e.md", 3, 12)
    assert "did you mean 'fitnow'?" in finding.hint


def test_unknown_segment_is_an_error_with_did_you_mean(make_site):
    (finding,) = findings(
        make_site, {"content/experiments/e.md": "---\ntitle: E\nsegment: busy-profesional\ntests: [x]\nhypothesis: H\n---\n"}, "VPC207"
    )
    assert (finding.line, finding.column) == (3, 10)
    assert "did you mean 'busy-professional'?" in finding.hint


def test_unknown_tested_item_is_an_error_with_did_you_mean_and_its_line(make_site):
    (finding,) = findings(
        make_site, {"content/experiments/e.md": "---\ntitle: E\nvalue_map: fitnow\ntests: [mobile-app, lack-of-tme]\nhypothesis: H\n---\n"}, "VPC208"
    )
    assert (finding.path, finding.line, finding.column) == ("content/experiments/e.md", 4, 21)
    assert finding.hint == "did you mean 'lack-of-time'? (content/segments/busy-professional.md:11)"


def test_segment_experiment_may_not_test_value_map_items(make_site):
    (finding,) = findings(
        make_site, {"content/experiments/e.md": "---\ntitle: E\nsegment: busy-professional\ntests: [mobile-app]\nhypothesis: H\n---\n"}, "VPC208"
    )
    assert (finding.line, finding.column) == (4, 9)


def test_id_in_both_value_map_and_segment_is_an_error(make_site):
    value_map = VALUE_MAP.replace("id: mobile-app", "id: lack-of-time").replace("by: [mobile-app]", "by: [lack-of-time]")
    root_files = {
        "content/value-maps/fitnow.md": value_map,
        "content/experiments/e.md": "---\ntitle: E\nvalue_map: fitnow\ntests: [lack-of-time]\nhypothesis: H\n---\n",
    }
    (finding,) = findings(make_site, root_files, "VPC209")
    assert (finding.line, finding.column) == (4, 9)


def test_done_experiment_without_result_is_a_warning(make_site):
    (finding,) = findings(make_site, {"content/experiments/e.md": "---\n" + EXPERIMENT + "state: done\n---\n"}, "VPC309")
    assert (finding.severity.value, finding.line, finding.column) == ("warning", 6, 8)


def test_business_model_with_unknown_value_map_is_an_error_with_did_you_mean(make_site):
    text = "---\ntitle: B\nsegments: [busy-professional]\nvalue_propositions: [fitnwo]\n---\n"
    (finding,) = findings(make_site, {"content/business-models/b.md": text}, "VPC210")
    assert (finding.path, finding.line, finding.column) == ("content/business-models/b.md", 4, 22)
    assert "did you mean 'fitnow'?" in finding.hint


def test_business_model_with_unknown_segment_is_an_error(make_site):
    text = "---\ntitle: B\nsegments: [busy]\n---\n"
    (finding,) = findings(make_site, {"content/business-models/b.md": text}, "VPC210")
    assert (finding.line, finding.column) == (3, 12)


def test_value_proposition_for_another_segment_is_a_warning(make_site):
    text = "---\ntitle: B\nsegments: []\nvalue_propositions: [fitnow]\n---\n"
    (finding,) = findings(make_site, {"content/business-models/b.md": text}, "VPC310")
    assert (finding.severity.value, finding.line, finding.column) == ("warning", 4, 22)


def test_business_model_blocks_take_shorthand_items():
    document, found = load(
        "title: B\nchannels: [Instagram ads]\nrevenue_streams:\n  - text: Subscription\n    status: observed\n", "business-models/b.md"
    )
    assert found == []
    assert document.model.channels[0].id == "instagram-ads"
    assert document.model.revenue_streams[0].status == "observed"


@pytest.mark.parametrize("kind", ["experiment", "business-model"])
def test_json_schema_of_new_kinds_validates_the_example(kind):
    example = {
        "experiment": {
            "title": "E",
            "value_map": "v",
            "tests": ["a"],
            "hypothesis": "H",
            "ratings": {"cost": 2},
            "state": "done",
            "result": "supported",
        },
        "business-model": {"title": "B", "segments": ["s"], "channels": ["Ads", {"text": "Shop"}]},
    }[kind]
    jsonschema.validate(example, json_schema(kind))


def test_deadline_that_is_not_a_date_says_how_to_write_one():
    _, (finding,) = load(EXPERIMENT + "deadline: next week\n")
    assert (finding.code, finding.line, finding.column) == ("VPC103", 6, 11)
    assert finding.message == "deadline: expected a date, got text"
    assert "YYYY-MM-DD" in finding.hint

"""Status follows evidence (DESIGN §3): the rule on every case, and what it changes."""

from __future__ import annotations

import datetime as dt

import pytest

from vpcsite.check import check_site
from vpcsite.evidence import Finding, status_of, verdicts

from .conftest import SEGMENT, VALUE_MAP

ITEM = ("segment", "s", "lack-of-time")


def done(name: str, result: str | None, reliability: int | None = None, concluded: dt.date | None = dt.date(2026, 1, 1)) -> Finding:
    return Finding(name, f"content/experiments/{name}.md", concluded, result, reliability, (ITEM,))


@pytest.mark.parametrize(
    ("result", "reliability", "status"),
    [
        ("supported", 3, "verified"),
        ("supported", 2, "observed"),
        ("supported", 1, "observed"),
        ("supported", None, "observed"),
        ("refuted", 3, "invalidated"),
        ("refuted", 1, "invalidated"),
        ("inconclusive", 3, None),
        (None, 3, None),
    ],
)
def test_result_and_reliability_give_the_status(result, reliability, status):
    assert status_of(result, reliability) == status


def test_supported_with_reliability_3_verifies_the_item():
    assert verdicts([done("a", "supported", 3)])[ITEM].status == "verified"


def test_refuted_invalidates_the_item_and_names_the_experiment():
    verdict = verdicts([done("a", "refuted")])[ITEM]
    assert (verdict.status, verdict.experiment) == ("invalidated", "a")


def test_inconclusive_leaves_the_item_to_its_declared_status():
    assert ITEM not in verdicts([done("a", "inconclusive", 3)])


def test_latest_concluded_wins_whatever_the_file_order():
    early = done("z-early", "refuted", concluded=dt.date(2026, 1, 1))
    late = done("a-late", "supported", 3, concluded=dt.date(2026, 2, 1))
    assert verdicts([late, early])[ITEM].experiment == "a-late"
    assert verdicts([early, late])[ITEM].status == "verified"


def test_same_day_is_decided_by_file_name():
    first = done("a", "refuted")
    second = done("b", "supported", 2)
    assert verdicts([second, first])[ITEM].experiment == "b"


def test_inconclusive_latest_does_not_undo_an_earlier_result():
    earlier = done("a", "refuted", concluded=dt.date(2026, 1, 1))
    later = done("b", "inconclusive", concluded=dt.date(2026, 3, 1))
    assert verdicts([earlier, later])[ITEM].status == "invalidated"


def site(make_site, experiment: str, segment: str = SEGMENT):
    return make_site(
        {
            "site.toml": 'title = "T"\n',
            "content/segments/busy-professional.md": segment,
            "content/value-maps/fitnow.md": VALUE_MAP,
            "content/experiments/quiz.md": experiment,
        }
    )


def experiment(state: str = "done", result: str = "supported", reliability: int = 3, tests: str = "[quick-results]") -> str:
    return (
        f"---\ntitle: Quiz\nvalue_map: fitnow\ntests: {tests}\nhypothesis: H\nstate: {state}\n"
        f"concluded: 2026-01-02\nresult: {result}\nratings: {{reliability: {reliability}}}\n---\n"
    )


def test_verified_fit_rises_when_an_experiment_concludes(make_site):
    planned = check_site(site(make_site, experiment(state="planned")))
    concluded = check_site(site(make_site, experiment()))
    # quick-results (relevance 4) is addressed but only assumed in the segment
    assert concluded.fits["fitnow"].verified.addressed == planned.fits["fitnow"].verified.addressed + 4


def test_refuted_experiment_takes_a_verified_item_out_of_verified_fit(make_site):
    before = check_site(site(make_site, experiment(state="planned", tests="[lack-of-time]")))
    after = check_site(site(make_site, experiment(result="refuted", tests="[lack-of-time]")))
    assert after.fits["fitnow"].verified.addressed == before.fits["fitnow"].verified.addressed - 5
    pains = after.site.segments["busy-professional"].model.pains
    assert next(p for p in pains if p.id == "lack-of-time").status == "invalidated"


def test_value_map_items_take_the_derived_status_too(make_site):
    checked = check_site(site(make_site, experiment(reliability=2, tests="[ten-minute-workouts]")))
    assert checked.site.value_maps["fitnow"].model.relievers[0].status == "observed"


def test_declared_status_that_disagrees_is_a_warning_naming_the_experiment(make_site):
    checked = check_site(site(make_site, experiment(result="refuted", tests="[lack-of-time]")))
    (finding,) = [d for d in checked.diagnostics if d.code == "VPC308"]
    assert (finding.severity.value, finding.path, finding.line, finding.column) == ("warning", "content/segments/busy-professional.md", 14, 13)
    assert "experiment 'quiz'" in finding.message and "'invalidated'" in finding.message


def test_declared_status_that_agrees_gives_no_warning(make_site):
    checked = check_site(site(make_site, experiment(tests="[lack-of-time]")))
    assert not [d for d in checked.diagnostics if d.code == "VPC308"]


def test_unwritten_status_is_not_contradicted(make_site):
    checked = check_site(site(make_site, experiment(tests="[quick-results]")))
    assert not [d for d in checked.diagnostics if d.code == "VPC308"]


def test_an_experiment_changes_the_content_hash_of_what_it_tests(make_site):
    planned = check_site(site(make_site, experiment(state="planned")))
    concluded = check_site(site(make_site, experiment()))
    assert planned.site.segments["busy-professional"].digest != concluded.site.segments["busy-professional"].digest

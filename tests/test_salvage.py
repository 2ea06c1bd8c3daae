"""A mistake hides no other finding and invents none: documents with errors are checked
as far as they go (vpcsite/salvage.py), and a value map that cannot be loaded still
targets the segment it names."""

from __future__ import annotations

from vpcsite.build import check_site

from .conftest import SEGMENT, VALUE_MAP

SEGMENT_FILE = "content/segments/busy-professional.md"
MAP_FILE = "content/value-maps/fitnow.md"


def check(make_site, segment: str = SEGMENT, value_map: str = VALUE_MAP, extra: dict | None = None):
    return check_site(make_site({SEGMENT_FILE: segment, MAP_FILE: value_map, **(extra or {})}))


def codes_in(result, path: str) -> list[str]:
    return sorted(d.code for d in result.diagnostics if d.path == path)


def test_one_bad_value_in_a_segment_hides_no_finding_of_the_value_map(make_site):
    segment = SEGMENT.replace("severity: 2", "severity: high")  # complex-apps
    value_map = (
        VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-time, complex-apps, lack-of-tme]")
        .replace("by: [mobile-app]", "by: [mobile-ap]")
        .replace("creators:", "  - text: Nothing\ncreators:")
    )
    result = check(make_site, segment, value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC105"]
    # the typo is found, the reference to the pain with a bad value is not reported,
    # the value map's own checks run; the fit cannot be known, so no fit warnings.
    assert codes_in(result, MAP_FILE) == ["VPC201", "VPC204", "VPC301"]
    typo = next(d for d in result.diagnostics if d.code == "VPC201")
    assert "'lack-of-tme'" in typo.message and typo.hint.startswith("did you mean 'lack-of-time'?")


def test_a_segment_with_one_bad_item_still_resolves_its_other_items(make_site):
    segment = SEGMENT.replace("  - id: complex-apps\n", "  - 5\n  - id: complex-apps\n")
    value_map = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-time, complex-apps, nope]")
    result = check(make_site, segment, value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC106"]
    assert codes_in(result, MAP_FILE) == ["VPC201"]
    assert "'nope'" in next(d for d in result.diagnostics if d.code == "VPC201").message


def test_a_reference_to_an_item_whose_id_is_bad_is_not_reported_again(make_site):
    segment = SEGMENT.replace("id: complex-apps", "id: complex apps!")
    value_map = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-time, complex-apps]")
    result = check(make_site, segment, value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC109"]
    assert codes_in(result, MAP_FILE) == []


def test_a_section_that_is_not_a_list_silences_references_into_it_only(make_site):
    segment = SEGMENT.replace("gains:\n  - id: quick-results\n    text: Quick results\n    relevance: 4\n", "gains: 7\n")
    value_map = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-tme]")
    result = check(make_site, segment, value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC103"]
    # creates: [quick-results] is not reported; the typo leaves an extreme pain open
    assert codes_in(result, MAP_FILE) == ["VPC201", "VPC304"]


def test_a_value_maps_own_checks_do_not_depend_on_its_segment_loading(make_site):
    value_map = VALUE_MAP.replace("by: [mobile-app]", "by: [mobile-ap]").replace("creators:", "  - text: Nothing\ncreators:")
    result = check(make_site, "---\ntitle: [unclosed\n---\n", value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC004"]
    assert codes_in(result, MAP_FILE) == ["VPC204", "VPC301"]


def test_a_value_map_with_one_bad_value_still_checks_its_references(make_site):
    value_map = VALUE_MAP.replace("by: [mobile-app]", "by: mobile-app").replace("[quick-results]", "[quick-result]")
    result = check(make_site, value_map=value_map)
    assert codes_in(result, MAP_FILE) == ["VPC103", "VPC202", "VPC305"]
    # the product is not called idle: the reliever whose `by` is bad may deliver it
    assert "VPC303" not in codes_in(result, MAP_FILE)


def test_a_value_map_with_a_bad_segment_key_still_checks_its_products(make_site):
    value_map = VALUE_MAP.replace("segment: busy-professional", "segment: [busy-professional]").replace("by: [mobile-app]", "by: [mobile-ap]")
    result = check(make_site, value_map=value_map, extra={"content/value-maps/other.md": VALUE_MAP.replace("FitNow app", "Other")})
    assert codes_in(result, MAP_FILE) == ["VPC103", "VPC204"]


def test_fit_warnings_need_the_whole_pair(make_site):
    # Without the error the map leaves a severe pain open (VPC304).
    value_map = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: []")
    assert codes_in(check(make_site, value_map=value_map), MAP_FILE) == ["VPC301", "VPC304"]
    # A bad reliever may relieve it: unknown. A bad product changes nothing about it.
    bad_reliever = value_map.replace("relieves: []", "relieves: []\n    status: validated")
    assert codes_in(check(make_site, value_map=bad_reliever), MAP_FILE) == ["VPC105"]
    bad_product = value_map.replace("text: Mobile app", "text: Mobile app\n    kind: service-ish")
    assert codes_in(check(make_site, value_map=bad_product), MAP_FILE) == ["VPC105", "VPC301", "VPC304"]
    # A pain with a bad value is not known to be severe; the other pains still are.
    bad_pain = SEGMENT.replace("severity: extreme", "severity: extreme\n    importance: 5")
    assert codes_in(check(make_site, bad_pain, value_map), MAP_FILE) == ["VPC301"]
    other_bad = SEGMENT.replace("severity: 2", "severity: two")
    assert codes_in(check(make_site, other_bad, value_map), MAP_FILE) == ["VPC301", "VPC304"]


def test_the_fit_below_the_band_needs_the_whole_pair(make_site):
    below = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [complex-apps]").replace("jobs: [track-workouts]", "jobs: []")
    assert "VPC307" in codes_in(check(make_site, value_map=below), MAP_FILE)
    broken = below.replace("text: Mobile app", "text: Mobile app\n    kind: service-ish")
    assert "VPC307" not in codes_in(check(make_site, value_map=broken), MAP_FILE)


def test_documents_with_errors_are_never_scored_or_published(make_site):
    result = check(make_site, value_map=VALUE_MAP.replace("text: Mobile app", "text: Mobile app\n    kind: service"))
    assert codes_in(result, MAP_FILE) == ["VPC105"]
    assert "fitnow" not in result.site.value_maps and "fitnow" not in result.fits
    assert "busy-professional" in result.site.segments


def test_a_value_map_that_cannot_be_loaded_still_targets_its_segment(make_site):
    unclosed = "---\ntitle: Never closed\nsegment: busy-professional\nproducts: []\n"
    result = check_site(make_site({SEGMENT_FILE: SEGMENT, MAP_FILE: unclosed}))
    assert [d.code for d in result.diagnostics] == ["VPC003"]


def test_a_value_map_with_a_syntax_error_still_targets_its_segment(make_site):
    broken = "---\ntitle: Broken\nsegment: 'busy-professional'\nproducts: [unclosed\n---\n"
    result = check_site(make_site({SEGMENT_FILE: SEGMENT, MAP_FILE: broken}))
    assert [d.code for d in result.diagnostics] == ["VPC004"]


def test_a_value_map_with_by_not_in_brackets_still_targets_its_segment(make_site):
    result = check(make_site, value_map=VALUE_MAP.replace("by: [mobile-app]", "by: x"))
    assert [d.code for d in result.diagnostics] == ["VPC103"]


def test_a_segment_no_loadable_value_map_names_is_still_untargeted(make_site):
    other = "---\ntitle: Other\nsegment: someone-else\n"
    result = check(
        make_site, value_map=VALUE_MAP, extra={"content/segments/lonely.md": "---\ntitle: Lonely\n---\n", "content/value-maps/x.md": other}
    )
    assert [d.path for d in result.diagnostics if d.code == "VPC306"] == ["content/segments/lonely.md"]


def test_a_segment_that_cannot_be_loaded_is_known_by_its_id_line(make_site):
    broken = "---\nid: busy-professional\ntitle: [unclosed\n---\n"
    root = make_site({"content/segments/bp.md": broken, MAP_FILE: VALUE_MAP})
    assert [d.code for d in check_site(root).diagnostics] == ["VPC004"]  # no VPC205 for the map


def test_a_value_map_whose_segment_is_not_an_id_still_targets_what_it_may_name(make_site):
    result = check(make_site, value_map=VALUE_MAP.replace("segment: busy-professional", "segment: Busy professional"))
    assert [d.code for d in result.diagnostics] == ["VPC109"]


def test_a_duplicate_key_hides_no_other_finding(make_site):
    segment = SEGMENT.replace("    severity: 2\n", "    severity: 2\n    severity: 3\n")
    value_map = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-tme]")
    result = check(make_site, segment, value_map)
    assert codes_in(result, SEGMENT_FILE) == ["VPC007"]
    assert codes_in(result, MAP_FILE) == ["VPC201", "VPC304"]
    assert "busy-professional" not in result.site.segments  # read with errors: never published


def test_a_misspelt_section_silences_references_into_it(make_site):
    segment = SEGMENT.replace("pains:\n", "painz:\n")
    result = check(make_site, segment)
    assert codes_in(result, SEGMENT_FILE) == ["VPC102"]
    assert codes_in(result, MAP_FILE) == []  # relieves: [lack-of-time] may be right


def test_an_item_whose_id_cannot_be_read_silences_references_into_its_section(make_site):
    segment = SEGMENT.replace("id: lack-of-time", "id: [lack-of-time]")
    result = check(make_site, segment, VALUE_MAP.replace("[quick-results]", "[quick-result]"))
    assert codes_in(result, SEGMENT_FILE) == ["VPC103"]
    assert codes_in(result, MAP_FILE) == ["VPC202", "VPC305"]  # pains are silent, gains still checked


def test_a_reference_close_to_a_bad_id_is_taken_for_it(make_site):
    segment = SEGMENT.replace("id: track-workouts", "id: 'track-wor:kouts'")
    result = check(make_site, segment)
    assert codes_in(result, SEGMENT_FILE) == ["VPC109"]
    assert codes_in(result, MAP_FILE) == []


def test_a_lost_section_line_invents_no_finding(make_site):
    # `relievers:` deleted: the reliever joins the products, and the pain it relieves
    # is not called unrelieved; `pains:` deleted: pains join the jobs, and a reliever's
    # reference is not called one to a job.
    value_map = VALUE_MAP.replace("relievers:\n", "")
    assert codes_in(check(make_site, value_map=value_map), MAP_FILE) == ["VPC102", "VPC102"]
    segment = SEGMENT.replace("pains:\n", "")
    result = check(make_site, segment)
    assert codes_in(result, SEGMENT_FILE) == ["VPC102", "VPC102"]
    assert codes_in(result, MAP_FILE) == []

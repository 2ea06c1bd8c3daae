"""Links between value maps and segments, site-wide ids, and the canvas warnings."""

from __future__ import annotations

from vpcsite.build import check_site

from .conftest import SEGMENT, VALUE_MAP


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, result.diagnostics
    return found[0]


def site(make_site, value_map: str = VALUE_MAP, segment: str = SEGMENT, extra: dict | None = None):
    root = make_site({"content/segments/busy-professional.md": segment, "content/value-maps/fitnow.md": value_map, **(extra or {})})
    return check_site(root)


def test_valid_site_has_no_findings(make_site):
    assert site(make_site).diagnostics == []


def test_reliever_with_unknown_pain_names_file_line_and_nearest_pain(make_site):
    result = site(make_site, VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-tme]"))
    found = only(result, "VPC201")
    assert (found.path, found.line, found.column) == ("content/value-maps/fitnow.md", 11, 16)
    assert found.message == "reliever 'ten-minute-workouts' relieves 'lack-of-tme', which is not a pain of segment 'busy-professional'"
    assert found.hint == "did you mean 'lack-of-time'? (content/segments/busy-professional.md:11)"


def test_creator_with_unknown_gain_is_vpc202(make_site):
    found = only(site(make_site, VALUE_MAP.replace("[quick-results]", "[quick-result]")), "VPC202")
    assert found.line == 15 and "did you mean 'quick-results'?" in found.hint


def test_product_with_unknown_job_is_vpc203(make_site):
    found = only(site(make_site, VALUE_MAP.replace("jobs: [track-workouts]", "jobs: [track-workout]")), "VPC203")
    assert (found.line, found.column) == (7, 12)


def test_by_naming_an_unknown_product_is_vpc204(make_site):
    found = only(site(make_site, VALUE_MAP.replace("by: [mobile-app]", "by: [mobile-apps]")), "VPC204")
    assert found.line == 12 and found.hint == "did you mean 'mobile-app'?"


def test_unknown_segment_is_vpc205_with_did_you_mean(make_site):
    found = only(site(make_site, VALUE_MAP.replace("segment: busy-professional", "segment: busy-profesional")), "VPC205")
    assert (found.line, found.column) == (3, 10)
    assert found.hint == "did you mean 'busy-professional'? (content/segments/busy-professional.md)"


def test_gain_in_relieves_is_a_wrong_kind_reference(make_site):
    found = only(site(make_site, VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [lack-of-time, quick-results]")), "VPC206")
    assert found.column == 30
    assert "is a gain of segment 'busy-professional', not a pain" in found.message
    assert found.hint == "a gain belongs in a creator's 'creates'"


def test_duplicate_value_map_id_across_site_is_vpc108_and_both_files_are_still_checked(make_site):
    copy = VALUE_MAP.replace("title: FitNow app", "id: fitnow\ntitle: Copy").replace("[quick-results]", "[nope]")
    result = site(make_site, extra={"content/value-maps/other.md": copy})
    found = only(result, "VPC108")
    assert found.path == "content/value-maps/other.md" and found.line == 2
    assert only(result, "VPC202").path == "content/value-maps/other.md"


def test_reliever_relieving_nothing_warns_vpc301(make_site):
    result = site(make_site, VALUE_MAP.replace("    relieves: [lack-of-time]\n", ""))
    assert only(result, "VPC301").line == 9
    assert only(result, "VPC304").message.startswith("pain 'lack-of-time' (severity 5)")


def test_creator_creating_nothing_warns_vpc302(make_site):
    result = site(make_site, VALUE_MAP.replace("    creates: [quick-results]\n", ""))
    assert only(result, "VPC302").line == 14
    assert "VPC305" in codes(result)


def test_product_serving_nothing_warns_vpc303_unless_it_delivers(make_site):
    lonely = VALUE_MAP.replace("    jobs: [track-workouts]\n", "")
    result = site(make_site, lonely)
    assert "VPC303" not in codes(result)  # it still delivers the reliever (by: [mobile-app])
    result = site(make_site, lonely.replace("    by: [mobile-app]\n", ""))
    assert only(result, "VPC303").line == 5


def test_segment_no_value_map_targets_warns_vpc306(make_site):
    result = site(make_site, extra={"content/segments/parents.md": "---\ntitle: Parents\n---\n"})
    found = only(result, "VPC306")
    assert (found.path, found.line, found.column) == ("content/segments/parents.md", 2, 1)


def test_fit_below_band_warns_vpc307(make_site):
    weak = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: [complex-apps]").replace("[track-workouts]", "[stay-motivated]")
    result = site(make_site, weak)
    found = only(result, "VPC307")
    # addressed: stay-motivated 2 + complex-apps 2 + quick-results 4 = 8 of 5+2+5+2+4 = 18 → 44 %
    assert found.message == "fit of 'fitnow' is 44 %, below the target band 50 %–70 %"


def test_references_to_a_segment_with_errors_are_not_reported_twice(make_site):
    broken = SEGMENT.replace("severity: extreme", "severity: extremely")
    result = site(make_site, segment=broken)
    assert codes(result) == ["VPC105"]


def test_checking_unpacks_the_positions_only_of_documents_that_report_something(make_site, monkeypatch):
    """Positions are packed per document (see source.Positions); a check that looked up
    a place for every item would unpack every document and keep it all in memory."""
    import marshal

    import vpcsite.memo
    import vpcsite.source

    unpacked: list[int] = []

    class Counting:
        dumps = staticmethod(marshal.dumps)

        @staticmethod
        def loads(data: bytes):
            unpacked.append(len(data))
            return marshal.loads(data)

    monkeypatch.setattr(vpcsite.source, "marshal", Counting)
    monkeypatch.setattr(vpcsite.memo, "_MEMO", {})  # what other tests of the same files remembered
    assert site(make_site).diagnostics == []
    assert unpacked == []
    orphan = VALUE_MAP.replace("relieves: [lack-of-time]", "relieves: []")
    assert sorted(codes(site(make_site, orphan))) == ["VPC301", "VPC304"]
    assert len(unpacked) == 1  # both warnings from one unpacking of fitnow.md


def test_a_page_may_not_land_on_a_generated_page_or_on_another_page(make_site):
    page = "---\ntitle: {}\n---\nText\n"
    result = site(
        make_site,
        extra={
            "content/fit.md": page.format("Fitness"),
            "content/canvases/fitnow.md": page.format("Not a canvas"),
            "content/about.md": page.format("About"),
            "content/about/index.md": page.format("About again"),
            "content/guides/method.md": page.format("Method"),
            "content/index.md": page.format("Home"),
        },
    )
    found = {(d.path.rsplit("content/", 1)[-1], d.code, d.message) for d in result.diagnostics}
    assert found == {
        ("fit.md", "VPC110", "page would be written to fit/index.html, inside fit/, which vpcsite fills itself"),
        ("canvases/fitnow.md", "VPC110", "page would be written to canvases/fitnow/index.html, inside canvases/, which vpcsite fills itself"),
        ("about/index.md", "VPC110", f"page would be written to about/index.html, as is {result.site.pages[0].path}"),
    }
    assert result.site.pages[0].relative == "about.md"

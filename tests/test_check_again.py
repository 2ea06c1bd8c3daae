"""Checking a site again after edits of its content (check.py's `_recheck`): what the
edits touch is checked again, the rest taken from the last check, and the findings,
scores and site are exactly what a check from scratch gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsite import check
from vpcsite.check import check_site
from vpcsite.content import DocumentCache

from .conftest import SEGMENT, VALUE_MAP, write_site

OTHER_SEGMENT = SEGMENT.replace("title: Busy professional", "title: Night owl")
#: A second canvas, of the other segment: nothing an edit of the first touches.
OTHER_MAP = VALUE_MAP.replace("title: FitNow app", "title: Owl app").replace("segment: busy-professional", "segment: night-owl")


def _site(root: Path) -> Path:
    return write_site(
        root,
        {
            "content/segments/busy-professional.md": SEGMENT,
            "content/segments/night-owl.md": OTHER_SEGMENT,
            "content/value-maps/fitnow.md": VALUE_MAP,
            "content/value-maps/owl.md": OTHER_MAP,
        },
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> check.CheckResult:
    monkeypatch.setattr(check, "_LAST", None)
    return check_site(root, cache=DocumentCache(), last_layout=False)


def _same(again: check.CheckResult, fresh: check.CheckResult) -> None:
    assert [d.as_dict() for d in again.diagnostics] == [d.as_dict() for d in fresh.diagnostics]
    assert again.fits == fresh.fits
    assert again.site == fresh.site and list(again.site.value_maps) == list(fresh.site.value_maps)
    assert again.unloaded == fresh.unloaded


EDITS = {
    # a reliever that now relieves nothing (VPC301), and a pain no longer relieved (VPC304)
    "value map": ("content/value-maps/fitnow.md", "    relieves: [lack-of-time]\n", "    relieves: []\n"),
    # a gain now relevant enough to warn about on every canvas of the segment (VPC305)
    "segment": ("content/segments/night-owl.md", "relevance: 4", "relevance: 5\n  - id: calm-evenings\n    text: Calm evenings\n    relevance: 5"),
    # lines move: the findings of the file move with them
    "lines moved": ("content/value-maps/owl.md", "title: Owl app\n", "title: Owl app\n# a comment\n# and another\n"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_check_after_an_edit_checks_again_only_what_it_touches_and_finds_what_a_fresh_check_finds(tmp_path, monkeypatch, edit):
    root = _site(tmp_path / "site")
    cache = DocumentCache()
    check_site(root, cache=cache, last_layout=False)
    relative, old, new = EDITS[edit]
    _replace(root / relative, old, new)
    named: list[int] = []
    real = check.check_names
    monkeypatch.setattr(check, "check_names", lambda documents: named.append(1) or real(documents))
    linked: list[str] = []
    real_links = check.check_links
    monkeypatch.setattr(check, "check_links", lambda site, maps, *rest: linked.extend(d.path for d in maps) or real_links(site, maps, *rest))
    again = check_site(root, cache=cache, last_layout=False)
    assert named == [], "ids did not change: names are not checked again"
    touched = {"value map": ["content/value-maps/fitnow.md"], "segment": ["content/value-maps/owl.md"], "lines moved": ["content/value-maps/owl.md"]}
    assert linked == touched[edit]
    monkeypatch.undo()
    _same(again, _fresh(root, monkeypatch))


def test_a_document_that_changes_its_id_or_segment_or_breaks_is_checked_from_scratch(tmp_path, monkeypatch):
    root = _site(tmp_path / "site")
    cache = DocumentCache()
    check_site(root, cache=cache, last_layout=False)
    value_map = root / "content" / "value-maps" / "owl.md"
    for old, new in [
        ("segment: night-owl", "segment: busy-professional"),  # another segment
        ("title: Owl app\n", "title: Owl app\nid: owl-two\n"),  # another id
        ("relieves: [lack-of-time]", "relieves: [["),  # broken: it does not load
    ]:
        _replace(value_map, old, new)
        named: list[int] = []
        real = check.check_names
        monkeypatch.setattr(check, "check_names", lambda documents, real=real, named=named: named.append(1) or real(documents))
        again = check_site(root, cache=cache, last_layout=False)
        assert named == [1], f"after {new!r}: names are checked again, with everything"
        kept = check._LAST
        monkeypatch.undo()
        _same(again, _fresh(root, monkeypatch))
        monkeypatch.setattr(check, "_LAST", kept)

"""Did-you-mean knows the method's synonyms and the other scales' words, and never
suggests a word's opposite."""

from __future__ import annotations

import pytest

from vpcsite.build import check_site
from vpcsite.hints import did_you_mean


def hint_for(make_site, item: str, section: str = "pains") -> tuple[str, str]:
    root = make_site({"content/segments/s.md": f"---\ntitle: S\n{section}:\n  - text: A\n    {item}\n---\n"})
    found = [d for d in check_site(root).diagnostics if d.code in ("VPC102", "VPC105")]
    assert len(found) == 1, found
    return found[0].message, found[0].hint or ""


@pytest.mark.parametrize(
    ("section", "item", "meant"),
    [
        ("jobs", "status: validated", "verified"),
        ("jobs", "status: confirmed", "verified"),
        ("pains", "status: refuted", "invalidated"),
        ("gains", "status: hypothesis", "assumed"),
        ("pains", "severity: high", "severe"),
        ("pains", "severity: low", "mild"),
        ("jobs", "importance: high", "important"),
        ("gains", "relevance: high", "important"),
        ("gains", "kind: must-have", "required"),
        ("jobs", "kind: support", "supporting"),
        ("gains", "priority: 4", "relevance"),
        ("jobs", "priority: 4", "importance"),
        ("pains", "description: x", "text"),
        ("jobs", "state: observed", "status"),
    ],
)
def test_a_synonym_of_the_method_suggests_its_word(make_site, section, item, meant):
    _, hint = hint_for(make_site, item, section)
    assert hint.startswith(f"did you mean '{meant}'?"), hint


def test_a_service_product_suggests_intangible(make_site):
    root = make_site(
        {
            "content/segments/s.md": "---\ntitle: S\n---\n",
            "content/value-maps/v.md": "---\ntitle: V\nsegment: s\nproducts:\n  - text: A\n    kind: service\n---\n",
        }
    )
    found = [d for d in check_site(root).diagnostics if d.code == "VPC105"]
    assert found[0].hint.startswith("did you mean 'intangible'?")


def test_validated_never_suggests_its_opposite(make_site):
    _, hint = hint_for(make_site, "status: validated")
    assert "invalidated'?" not in hint


def test_near_spelling_that_negates_is_not_suggested():
    assert did_you_mean("verified", ["invalidated", "observed"], key="status") is None
    assert did_you_mean("invalidatd", ["invalidated", "verified"], key="status") == "invalidated"


@pytest.mark.parametrize(
    ("section", "item", "expected"),
    [
        ("gains", "relevance: critical", "'critical' is an importance word; relevance 5 is 'essential'"),
        ("pains", "severity: critical", "'critical' is an importance word; severity 5 is 'extreme'"),
        ("jobs", "importance: severe", "'severe' is a severity word; importance 4 is 'important'"),
        ("gains", "relevance: mild", "'mild' is a severity word; relevance 1 is 'nice-to-have'"),
        ("pains", "severity: essential", "'essential' is a relevance word; severity 5 is 'extreme'"),
    ],
)
def test_a_word_of_another_scale_gets_its_number_on_this_one(make_site, section, item, expected):
    _, hint = hint_for(make_site, item, section)
    assert hint.startswith(expected), hint
    assert "use 1–5 or one of:" in hint


@pytest.mark.parametrize(
    ("section", "item", "expected"),
    [
        ("pains", "importance: 4", "'importance' is for jobs; pains use 'severity'"),
        ("pains", "relevance: 4", "'relevance' is for gains; pains use 'severity'"),
        ("jobs", "severity: 4", "'severity' is for pains; jobs use 'importance'"),
        ("gains", "importance: 4", "'importance' is for jobs; gains use 'relevance'"),
    ],
)
def test_a_rank_key_of_another_kind_names_the_one_this_kind_uses(make_site, section, item, expected):
    _, hint = hint_for(make_site, item, section)
    assert hint.startswith(expected), hint


def test_relieves_on_a_creator_says_creators_use_creates(make_site):
    root = make_site(
        {
            "content/segments/s.md": "---\ntitle: S\n---\n",
            "content/value-maps/v.md": "---\ntitle: V\nsegment: s\ncreators:\n  - text: A\n    relieves: [x]\n---\n",
        }
    )
    found = [d for d in check_site(root).diagnostics if d.code == "VPC102"]
    assert found[0].hint.startswith("'relieves' is for relievers; creators use 'creates'")


@pytest.mark.parametrize(("written", "meant"), [("canvas", "value-map"), ("persona", "segment"), ("customer-profile", "segment")])
def test_a_document_type_in_other_words_suggests_the_methods(make_site, written, meant):
    root = make_site({"content/x.md": f"---\ntitle: X\ntype: {written}\n---\n"})
    found = [d for d in check_site(root).diagnostics if d.code == "VPC105"]
    assert found[0].hint.startswith(f"did you mean '{meant}'?")

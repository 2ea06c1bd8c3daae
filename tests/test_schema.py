"""Front matter → validated segments, value maps and pages; and the JSON Schema for editors.

Every finding is checked for its code, its place in the original file (the opening fence
is line 1) and the words that tell the user what to type.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from vpcsite.content import load_document
from vpcsite.diagnostics import Diagnostic
from vpcsite.model import Page, Segment, ValueMap
from vpcsite.schema import json_schema

CONTENT = Path(__file__).resolve().parent.parent / "content"


def load(front_matter: str, relative: str = "segments/busy.md"):
    """Validate a YAML front matter (without its fences) as the file `relative` under content/."""
    return load_document(f"content/{relative}", relative, f"---\n{front_matter}---\nNotes.\n".encode())


def valid(front_matter: str, relative: str = "segments/busy.md"):
    document, found = load(front_matter, relative)
    assert found == []
    return document.model


def rejected(front_matter: str, relative: str = "segments/busy.md") -> Diagnostic:
    """The one finding of a front matter that does not validate (the document, if any,
    is a partial one, kept for checking only)."""
    document, found = load(front_matter, relative)
    assert document is None or document.partial
    assert len(found) == 1, found
    assert found[0].path == f"content/{relative}"
    return found[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return (d.code, d.line, d.column)


# --- ids and document types -------------------------------------------------------


def test_shorthand_item_is_its_text_with_the_slug_as_id():
    segment = valid("title: Busy professional\njobs:\n  - Fit exercise around meetings!\n")
    job = segment.jobs[0]
    assert (job.id, job.text) == ("fit-exercise-around-meetings", "Fit exercise around meetings!")
    assert (job.kind, job.importance, job.status) == ("functional", 3, "assumed")


def test_item_text_gives_the_slug_as_id():
    segment = valid("title: A\ngains:\n  - text: Quick, visible results\n    kind: required\n")
    assert segment.gains[0].id == "quick-visible-results"


def test_explicit_item_id_is_kept():
    segment = valid("title: A\npains:\n  - id: lack-of-time\n    text: Not enough time, ever\n")
    assert segment.pains[0].id == "lack-of-time"


def test_document_id_defaults_to_the_file_stem():
    assert valid("title: A\nsegment: busy\n", "value-maps/fitnow.md").id == "fitnow"


def test_explicit_document_id_is_kept():
    assert valid("title: A\nid: busy-pro\n").id == "busy-pro"


@pytest.mark.parametrize(
    ("relative", "model"),
    [("segments/busy.md", Segment), ("value-maps/app.md", ValueMap), ("about.md", Page), ("notes/method.md", Page)],
)
def test_top_folder_decides_the_document_type(relative, model):
    front_matter = "title: A\nsegment: busy\n" if model is ValueMap else "title: A\n"
    assert type(valid(front_matter, relative)) is model


def test_type_in_front_matter_overrides_the_folder():
    value_map = valid("title: A\ntype: value-map\nsegment: busy\n", "notes/app.md")
    assert isinstance(value_map, ValueMap) and value_map.segment == "busy"
    assert isinstance(valid("title: A\ntype: page\n", "segments/about-segments.md"), Page)


def test_unknown_type_suggests_the_closest_and_lists_all():
    d = rejected("title: A\ntype: segmnt\n", "notes/x.md")
    assert where(d) == ("VPC105", 3, 7)
    assert "type 'segmnt' is not a document type" in d.message
    assert d.hint == "did you mean 'segment'? valid types: segment, value-map, experiment, business-model, page"


# --- scales -------------------------------------------------------------------------


def test_scales_accept_numbers_and_words_in_any_case():
    segment = valid(
        "title: A\n"
        "jobs:\n  - text: J1\n    importance: CRITICAL\n  - text: J2\n    importance: 2\n"
        "pains:\n  - text: P\n    severity: Severe\n"
        "gains:\n  - text: G\n    relevance: nice-to-have\n"
    )
    assert [job.importance for job in segment.jobs] == [5, 2]
    assert segment.pains[0].severity == 4
    assert segment.gains[0].relevance == 1


@pytest.mark.parametrize("value", [0, 6])
def test_scale_number_outside_1_to_5_is_out_of_range(value):
    d = rejected(f"title: A\npains:\n  - text: Lack of time\n    severity: {value}\n")
    assert where(d) == ("VPC104", 5, 15)
    assert f"pains[0].severity: {value} is out of range 1–5" in d.message
    assert d.hint == "use 1–5 or one of: mild, moderate, significant, severe, extreme"


def test_unknown_scale_word_suggests_the_closest_and_lists_all():
    d = rejected("title: A\njobs:\n  - text: Track workouts\n    importance: critcal\n")
    assert where(d) == ("VPC105", 5, 17)
    assert "jobs[0].importance: 'critcal'" in d.message
    assert d.hint == "did you mean 'critical'? use 1–5 or one of: trivial, minor, moderate, important, critical"


def test_word_of_another_scale_is_not_accepted():
    d = rejected("title: A\ngains:\n  - text: Quick results\n    relevance: extreme\n")
    assert where(d) == ("VPC105", 5, 16)
    assert "nice-to-have, desired, expected, important, essential" in d.hint


def test_boolean_scale_is_refused_not_read_as_one():
    d = rejected("title: A\njobs:\n  - text: Track workouts\n    importance: true\n")
    assert where(d) == ("VPC103", 5, 17)
    assert "jobs[0].importance" in d.message
    assert "a boolean" in d.message


# --- vocabularies -------------------------------------------------------------------


def test_misspelt_job_kind_suggests_the_closest_and_lists_all():
    d = rejected("title: A\njobs:\n  - text: Track workouts\n    kind: functionl\n")
    assert where(d) == ("VPC105", 5, 11)
    assert "jobs[0].kind: 'functionl'" in d.message
    assert d.hint == "did you mean 'functional'? valid: functional, social, emotional, supporting"


def test_pain_kind_is_not_a_job_kind():
    d = rejected("title: A\njobs:\n  - text: Track workouts\n    kind: ancillary\n")
    assert where(d) == ("VPC105", 5, 11)
    assert d.hint.endswith("valid: functional, social, emotional, supporting")


def test_misspelt_product_kind_suggests_the_closest():
    d = rejected("title: A\nsegment: busy\nproducts:\n  - text: App\n    kind: digitl\n", "value-maps/app.md")
    assert where(d) == ("VPC105", 6, 11)
    assert d.hint == "did you mean 'digital'? valid: physical, intangible, digital, financial"


def test_misspelt_status_suggests_the_closest_and_lists_all():
    d = rejected("title: A\npains:\n  - text: Lack of time\n    status: verifed\n")
    assert where(d) == ("VPC105", 5, 13)
    assert "pains[0].status: 'verifed'" in d.message
    assert d.hint == "did you mean 'verified'? valid: assumed, observed, verified, invalidated"


# --- required and unknown keys ----------------------------------------------------


def test_missing_title_is_reported_at_the_top_of_the_front_matter():
    d = rejected("summary: Office workers\n")
    assert where(d) == ("VPC101", 2, 1)
    assert "missing required key 'title'" in d.message
    assert d.hint == "add 'title: ...' to the front matter"


def test_value_map_without_a_segment_is_told_to_name_one():
    d = rejected("title: FitNow\n", "value-maps/fitnow.md")
    assert where(d) == ("VPC101", 2, 1)
    assert "missing required key 'segment'" in d.message
    assert "segment: <segment id>" in d.hint


def test_item_without_text_is_reported_at_the_item():
    d = rejected("title: A\njobs:\n  - Track workouts\n  - id: stay-motivated\n    importance: 4\n")
    assert where(d) == ("VPC101", 5, 5)
    assert "missing required key 'text' in jobs[1]" in d.message
    assert "plain string" in d.hint


def test_unknown_top_level_key_suggests_the_closest_at_the_key():
    d = rejected("title: A\nsumary: Office workers\n")
    assert where(d) == ("VPC102", 3, 1)
    assert "unknown key 'sumary'" in d.message
    assert d.hint.startswith("did you mean 'summary'? valid keys: ")
    assert "jobs, pains, gains" in d.hint


def test_unknown_item_key_suggests_the_closest_at_the_key():
    d = rejected("title: A\npains:\n  - text: Lack of time\n    severty: 5\n")
    assert where(d) == ("VPC102", 5, 5)
    assert "unknown key 'severty' in pains[0]" in d.message
    assert d.hint.startswith("did you mean 'severity'? valid keys: ")


def test_key_of_another_document_type_is_unknown():
    d = rejected("title: A\nsegment: busy\n")
    assert where(d) == ("VPC102", 3, 1)
    assert "unknown key 'segment'" in d.message


# --- wrong types ------------------------------------------------------------------


def test_text_where_a_list_belongs_is_told_to_write_a_list():
    d = rejected(
        "title: FitNow\nsegment: busy\nrelievers:\n  - text: Ten-minute workouts\n    relieves: lack-of-time\n",
        "value-maps/fitnow.md",
    )
    assert where(d) == ("VPC103", 6, 15)
    assert "relievers[0].relieves: expected a list, got text" in d.message
    assert d.hint == "write a list: [lack-of-time]"


def test_quoted_boolean_is_told_to_drop_the_quotes():
    d = rejected('title: A\ndraft: "yes"\n')
    assert where(d) == ("VPC103", 3, 8)
    assert "draft: expected true or false, got text" in d.message
    assert d.hint == "write true or false without quotes"


def test_empty_title_is_told_to_write_a_value():
    d = rejected("title:\n")
    assert where(d) == ("VPC103", 2, 7)
    assert "title: value is empty" in d.message
    assert d.hint == "write a value or remove the key"


def test_list_where_an_item_belongs_is_refused():
    d = rejected("title: A\njobs:\n  - [Track workouts]\n")
    assert where(d) == ("VPC103", 4, 5)
    assert "jobs[0]: expected text or a mapping with 'text:', got a list" in d.message


def test_draft_true_is_read():
    assert valid("title: A\ndraft: true\n").draft is True


def test_toml_wrong_type_is_reported_at_the_toml_value():
    document, found = load_document(
        "content/value-maps/fitnow.md",
        "value-maps/fitnow.md",
        b'+++\ntitle = "FitNow"\nsegment = "busy"\n\n[[relievers]]\ntext = "Ten-minute workouts"\nrelieves = "lack-of-time"\n+++\n',
    )
    assert document is None or document.partial
    assert [where(d) for d in found] == [("VPC103", 7, 12)]
    assert found[0].hint == "write a list: [lack-of-time]"


# --- ids that clash or cannot be ids --------------------------------------------


def test_duplicate_id_across_sections_cites_the_other_line():
    _document, found = load(
        "title: FitNow\nsegment: busy\nproducts:\n  - text: Fast setup\nrelievers:\n  - id: fast-setup\n    text: Set up in a minute\n",
        "value-maps/fitnow.md",
    )
    assert [where(d) for d in found] == [("VPC107", 7, 9)]
    assert "duplicate id 'fast-setup'" in found[0].message
    assert "product on line 5" in found[0].message
    assert "different 'id:'" in found[0].hint


def test_text_of_only_punctuation_gives_an_empty_id():
    document, found = load("title: A\njobs:\n  - text: '!!!'\n")
    assert document is None or document.partial
    assert ("VPC109", 4, 11) in [where(d) for d in found]
    [d] = [d for d in found if where(d) == ("VPC109", 4, 11)]
    assert "job text '!!!' gives an empty id" in d.message
    assert "add an 'id:'" in d.hint


def test_invalid_explicit_id_is_refused_at_the_id():
    d = rejected('title: A\njobs:\n  - id: "../etc"\n    text: Track workouts\n')
    assert where(d) == ("VPC109", 4, 9)
    assert "jobs[0].id: '../etc' is not a valid id" in d.message
    assert "letters, digits" in d.hint


def test_file_name_that_is_not_an_id_is_told_to_rename():
    d = rejected("title: My canvas\nsegment: busy\n", "value-maps/My Canvas.md")
    assert where(d) == ("VPC109", 1, 1)
    assert "file name 'My Canvas' is not a valid id" in d.message
    assert "rename the file to 'my-canvas.md'" in d.hint
    assert "id: my-canvas" in d.hint


def test_explicit_id_rescues_a_file_name_that_is_not_an_id():
    assert valid("title: My canvas\nid: my-canvas\nsegment: busy\n", "value-maps/My Canvas.md").id == "my-canvas"


# --- JSON Schema for editors ------------------------------------------------------


def front_matter_of(path: Path) -> dict:
    """The front matter as an editor's YAML plugin sees it."""
    text = path.read_text(encoding="utf-8")
    _, header, _ = text.split("---\n", 2)
    return yaml.safe_load(header)


def check(kind: str, values: dict) -> None:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(values)


def test_schema_accepts_shorthand_items_as_strings():
    items = json_schema("segment")["properties"]["jobs"]["items"]
    assert {"type": "string"} in items["anyOf"]
    check("segment", {"title": "A", "jobs": ["Track workouts"]})


def test_schema_accepts_scale_words_and_numbers():
    importance = json_schema("segment")["$defs"]["Job"]["properties"]["importance"]
    assert {"enum": ["trivial", "minor", "moderate", "important", "critical"]} in importance["anyOf"]
    check("segment", {"title": "A", "jobs": [{"text": "J", "importance": "critical"}, {"text": "K", "importance": 5}]})


def test_schema_refuses_a_word_of_no_scale():
    with pytest.raises(jsonschema.ValidationError):
        check("segment", {"title": "A", "jobs": [{"text": "J", "importance": "huge"}]})


def test_schema_does_not_require_id_or_type():
    schema = json_schema("segment")
    assert schema["required"] == ["title"]
    assert schema["$defs"]["Job"]["required"] == ["text"]
    assert json_schema("value-map")["required"] == ["title", "segment"]


def test_schema_accepts_the_example_segment():
    check("segment", front_matter_of(CONTENT / "segments" / "busy-professional.md"))


def test_schema_accepts_the_example_value_map():
    check("value-map", front_matter_of(CONTENT / "value-maps" / "fitnow.md"))


def test_schema_refuses_an_unknown_key():
    with pytest.raises(jsonschema.ValidationError, match="sumary"):
        check("segment", {"title": "A", "sumary": "typo"})


def test_schema_refuses_an_unknown_item_key():
    with pytest.raises(jsonschema.ValidationError, match="severty"):
        check("segment", {"title": "A", "pains": [{"text": "P", "severty": 5}]})


def test_a_segment_or_value_map_id_too_long_for_a_file_name_is_refused():
    """Such an id names canvases/<id>/ and pdf/<id>.pdf; a file system allows 255 bytes."""
    d = rejected("id: " + "a" * 201 + "\ntitle: A\n")
    assert where(d) == ("VPC109", 2, 5)
    assert d.message == "id: '" + "a" * 40 + "…' is too long for an id (201 bytes long; at most 200)"
    d = rejected("title: A\nsegment: busy\n", "value-maps/" + "é" * 101 + ".md")  # 202 bytes in UTF-8
    assert where(d) == ("VPC109", 1, 1)
    assert "is too long for an id (202 bytes long; at most 200)" in d.message and "rename the file" in d.hint
    assert valid("id: " + "a" * 200 + "\ntitle: A\n").id == "a" * 200
    long_text = "Track " + "every workout " * 20  # item ids are not file names: no limit
    assert valid(f"title: A\njobs:\n  - {long_text}\n").jobs[0].id.startswith("track-every-workout")


def test_an_empty_document_id_is_an_error_at_its_place():
    from vpcsite.content import load_document

    document, found = load_document("content/segments/busy.md", "segments/busy.md", b'+++\ntitle = "Busy"\nid = ""\n+++\n')
    assert document is None or document.partial
    assert [(d.code, d.line, d.column) for d in found] == [("VPC109", 3, 6)]


# --- memory: what a loaded document keeps ------------------------------------------


def test_items_that_write_the_same_keys_share_one_set_of_them():
    """pydantic's set of written keys is bigger than the rest of an item; items that
    name the same keys share one, and a copy with an update still gets its own."""
    model = valid("title: Busy\njobs:\n  - {text: Plan the week, status: observed}\n  - {text: Book a room, status: verified}\n  - Pay invoices\n")
    first, second, third = model.jobs
    assert first.model_fields_set == {"id", "text", "status"}
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert third.model_fields_set == {"id", "text"}
    copy = first.model_copy(update={"importance": 5})
    assert copy.model_fields_set == {"id", "text", "status", "importance"}
    assert second.model_fields_set == {"id", "text", "status"}


def test_a_shared_set_of_written_keys_stays_shared_through_a_pickle():
    """Loading workers and the document cache send documents pickled."""
    import pickle

    model = valid("title: Busy\njobs:\n  - {text: Plan the week, status: observed}\n  - {text: Book a room, status: verified}\n")
    first, second = pickle.loads(pickle.dumps(model)).jobs
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__


def test_validating_a_document_deep_copies_no_default():
    """A list default written `= []` is deep-copied for every item by Python code
    (copy.deepcopy, watched here as any Python call is); a factory makes it in C."""
    import copy
    import sys

    copied: list[str] = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == copy.__file__:
            copied.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        model = valid("title: Busy\njobs:\n  - Plan the week\npains:\n  - Late invoices\ngains:\n  - Free evenings\n")
        value_map = valid("title: Fix\nsegment: busy\nrelievers:\n  - Reminders\nproducts:\n  - App\ncreators:\n  - Reports\n", "value-maps/fix.md")
    finally:
        sys.setprofile(None)
    assert copied == []
    assert model.jobs[0].evidence == [] and model.jobs[0].evidence is not model.pains[0].evidence
    assert value_map.relievers[0].relieves == [] and value_map.products[0].jobs == []

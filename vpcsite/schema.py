"""Front matter values → validated model objects, with every problem pinned to its place;
and the JSON Schema editors use to validate front matter while typing.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .diagnostics import Diagnostic, diagnostic
from .hints import _EXPECTED, _type_name, did_you_mean, key_hint, scale_hint  # did_you_mean is imported from here too
from .model import DOCUMENT_TYPES, OFFER_SCALE, SCALES, SECTIONS, Document, outline_of, slug
from .model import SINGULAR as _SINGULAR
from .paths import digest_of
from .salvage import salvage
from .source import FrontMatter, Positions, SourceFile


def default_type(relative: str) -> str:
    """DESIGN §2: the top folder under content/ decides when front matter does not."""
    top = relative.split("/", 1)[0] if "/" in relative else ""
    return {"segments": "segment", "value-maps": "value-map", "experiments": "experiment", "business-models": "business-model"}.get(top, "page")


def parse_document(source: SourceFile, relative: str, stem: str, digest: str = "") -> tuple[Document | None, list[Diagnostic]]:
    """Validate one file's front matter as the document type its folder or `type` names.
    A document with errors comes back partial (salvage.py) beside its diagnostics.

    `relative` is the path under content/ (it decides the default type); `stem` is the file
    name without `.md` (the default id).
    """
    fm = source.front_matter
    values = dict(fm.values)
    kind = values.get("type", default_type(relative))
    if not isinstance(kind, str) or kind not in DOCUMENT_TYPES:
        line, column = fm.position(("type",))
        guess = did_you_mean(str(kind), DOCUMENT_TYPES, key="type")
        return None, [
            diagnostic(
                "VPC105",
                source.path,
                line,
                column,
                f"type '{kind}' is not a document type",
                (f"did you mean '{guess}'? " if guess else "") + "valid types: " + ", ".join(DOCUMENT_TYPES),
            )
        ]
    id_from_file = "id" not in values
    values.setdefault("id", stem)
    values.setdefault("type", kind)
    try:
        model = DOCUMENT_TYPES[kind].model_validate(values)
    except ValidationError as exc:
        found = [
            _describe(error, source, kind, id_from_file)
            for error in exc.errors(include_url=False)
            # an item's empty slug is reported once, by duplicate_items, at the item's
            # text (a document's own empty id is reported here)
            if not (error["type"] == "vpc_id" and error.get("input") == "" and len(error["loc"]) > 1)
        ]
        found += duplicate_items(source, kind)
        # What validated is still checked, so one bad value hides no other finding
        # (segments and value maps: experiments and business models fail whole).
        kept = salvage(values, kind, exc.errors(include_url=False)) if kind in ("segment", "value-map") else None
        if kept is None:
            return None, found
        partial = Document(
            kept.model,
            source.path,
            source.body,
            source.body_line,
            Positions.of(fm),
            digest=digest,
            relative=relative,
            partial=True,
            unresolved=kept.unresolved,
            damaged=kept.damaged,
        )
        return partial, found
    share_fields_sets(model)
    if kind == "experiment":
        conflict = _experiment_target(source, model)
        if conflict is not None:
            return None, [conflict, *duplicate_items(source, kind)]
    dumped = model.model_dump(mode="json")  # type: ignore[union-attr]
    whole = digest_of(orjson.dumps(dumped, option=orjson.OPT_SORT_KEYS))
    outline = digest_of(orjson.dumps(outline_of(model, dumped), option=orjson.OPT_SORT_KEYS))
    document = Document(model, source.path, source.body, source.body_line, Positions.of(fm), digest, relative, outline, whole)  # type: ignore[arg-type]
    return document, duplicate_items(source, kind)


#: One set of each kind: see `share_fields_sets`.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def share_fields_sets(model: Any) -> None:
    """Let a document's items share their sets of written keys.

    pydantic gives every instance a set of the fields its input named
    (`model_fields_set`); an item naming six keys gets a set of 728 bytes, more than the
    rest of the item, and 50,000 items of a 1,000-canvas site repeat a few dozen such
    sets. Models are frozen and `model_copy` copies the set before changing it, so one
    shared set per kind is safe; pickles keep the sharing."""
    sections = SECTIONS.get(getattr(model, "type", ""), ())
    shared = _FIELDS_SETS
    for section in sections:
        for item in getattr(model, section):
            written = item.__pydantic_fields_set__
            kept = shared.get(frozenset(written))
            if kept is None:
                kept = shared[frozenset(written)] = written
            elif kept is not written:
                object.__setattr__(item, "__pydantic_fields_set__", kept)


def _experiment_target(source: SourceFile, experiment: Any) -> Diagnostic | None:
    """An experiment tests the hypotheses of one canvas (`value_map`) or of one customer
    profile (`segment`): exactly one of the two."""
    fm = source.front_matter
    if experiment.value_map and experiment.segment:
        line, column = fm.position(("segment",), key=True)
        return diagnostic(
            "VPC111",
            source.path,
            line,
            column,
            f"experiment '{experiment.id}' names both value map '{experiment.value_map}' and segment '{experiment.segment}'",
            "keep 'value_map:' (it reaches its segment's items too), or keep 'segment:' to test customer items only",
        )
    if not experiment.value_map and not experiment.segment:
        line, column = fm.position(("title",), key=True)
        return diagnostic(
            "VPC101",
            source.path,
            line,
            column,
            f"missing required key 'value_map' (or 'segment') in experiment '{experiment.id}'",
            "name the canvas it tests: 'value_map: <value map id>', or 'segment: <segment id>' for customer items only",
        )
    return None


def duplicate_items(source: SourceFile, kind: str) -> list[Diagnostic]:
    """Ids are unique across all sections of a document, so a reference names one item.

    Works on the raw values, so duplicates are reported even when other keys are invalid.
    """
    fm = source.front_matter
    found: list[Diagnostic] = []
    first: dict[str, tuple[str, int]] = {}
    for section in SECTIONS[kind]:
        items = fm.values.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                continue
            text = item.get("text")
            item_id = item.get("id", slug(text) if isinstance(text, str) else None)
            if not isinstance(item_id, str):
                continue
            where = (section, index, "id") if "id" in item else (section, index, "text")
            line, column = fm.position(where)
            if not item_id:
                message = (
                    f"{_SINGULAR[section]} {_label((section, index, 'id'))} is empty"
                    if "id" in item
                    else f"{_SINGULAR[section]} text '{text}' gives an empty id"
                )
                found.append(diagnostic("VPC109", source.path, line, column, message, "add an 'id:' made of letters, digits and '-'"))
                continue
            if item_id in first:
                other_section, other_line = first[item_id]
                found.append(
                    diagnostic(
                        "VPC107",
                        source.path,
                        line,
                        column,
                        f"duplicate id '{item_id}': {_SINGULAR[other_section]} on line {other_line} has it too",
                        "give one of them a different 'id:'",
                    )
                )
            else:
                first[item_id] = (section, line)
    return found


def _label(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def _describe(error: ErrorDetails, source: SourceFile, document_type: str, id_from_file: bool) -> Diagnostic:
    """One pydantic error → one diagnostic with a code, the value's place and a hint."""
    fm: FrontMatter = source.front_matter
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    label = _label(loc)
    owner = _label(loc[:-1])
    line, column = fm.position(loc)

    def make(code: str, message: str, hint: str | None = None, where: tuple[int, int] | None = None) -> Diagnostic:
        at = where or (line, column)
        return diagnostic(code, source.path, at[0], at[1], message, hint)

    if kind == "missing":
        key = loc[-1]
        return make("VPC101", f"missing required key '{key}'" + (f" in {owner}" if owner else ""), _missing_hint(str(key)), fm.position(loc[:-1]))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc[:-1], document_type)
        valid = [name for name in model.model_fields if name != "type" or not loc[:-1]] if model else []
        section = str(loc[0]) if len(loc) == 3 and isinstance(loc[1], int) else None
        hint = key_hint(key, valid, section)
        return make("VPC102", f"unknown key '{key}'" + (f" in {owner}" if owner else ""), hint, fm.position(loc, key=True))
    if kind == "vpc_id":
        if loc == ("id",) and id_from_file:
            stem = str(value)
            return make(
                "VPC109",
                f"file name '{stem}' is not a valid id",
                f"rename the file to '{slug(stem) or 'name'}.md' or add 'id: {slug(stem) or 'name'}' to the front matter",
                (1, 1),
            )
        return make("VPC109", f"{label}: '{value}' is not a valid id", "ids start with a letter or digit and use letters, digits, '-' and '_'")
    if kind == "vpc_id_length":
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        size = f"{ctx.get('length')} bytes long; at most {ctx.get('limit')}"
        if loc == ("id",) and id_from_file:
            return make(
                "VPC109", f"file name '{shown}' is too long for an id ({size})", "rename the file to something shorter, or add a short 'id:'", (1, 1)
            )
        return make("VPC109", f"{label}: '{shown}' is too long for an id ({size})", "ids name a folder and a PDF of the built site: shorten it")
    if kind == "scale_word":
        words = ctx.get("expected", "")
        if str(value).strip().isdigit():
            return make("VPC103", f"{label}: '{value}' is quoted text, not a number", f"write {str(value).strip()} without quotes")
        scale = str(ctx.get("scale", loc[-1]))
        # A value-map item's importance takes the relevance words (model.OFFER_SCALE).
        ranks = OFFER_SCALE if document_type == "value-map" and str(loc[-1]) == "importance" else scale
        hint = scale_hint(ranks, str(value), SCALES) if ranks in SCALES else f"use 1–5 or one of: {words}"
        return make("VPC105", f"{label}: '{value}' is not a word of the {scale} scale", hint)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        words = ", ".join(_scale_words(loc, document_type))
        low, high = _RANGES.get(str(loc[-1]), (1, 5)) if not words else (1, 5)
        return make("VPC104", f"{label}: {value} is out of range {low}–{high}", f"use {low}–{high}" + (f" or one of: {words}" if words else ""))
    if kind == "literal_error":
        expected = [word.strip().strip("'") for word in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        if isinstance(value, str):
            guess = did_you_mean(value, expected, key=str(loc[-1]))
            return make(
                "VPC105",
                f"{label}: '{value}' is not one of the allowed words",
                (f"did you mean '{guess}'? " if guess else "") + "valid: " + ", ".join(expected),
            )
        return make("VPC103", f"{label}: expected one of {', '.join(expected)}, got {_type_name(value)}", None)
    if kind in _EXPECTED:
        wanted = _EXPECTED[kind]
        if kind == "model_type" and loc and isinstance(loc[-1], int):
            wanted = "text or a mapping with 'text:'"
        spelling = fm.spellings.get(loc)
        if wanted.startswith("text") and spelling is not None and value is not None:
            return make(
                "VPC106",
                f"{label}: '{spelling}' was read as {_type_name(value)}, not text",
                f'quote it: "{spelling}"',
            )
        if value is None:
            return make("VPC103", f"{label}: value is empty, expected {wanted}", "write a value or remove the key")
        if kind == "int_type" and _scale_words(loc, document_type):
            return make(
                "VPC103",
                f"{label}: expected a whole number, got {_type_name(value)}",
                "use 1–5 or one of: " + ", ".join(_scale_words(loc, document_type)),
            )
        return make("VPC103", f"{label}: expected {wanted}, got {_type_name(value)}", _type_hint(kind, value))
    return make("VPC103", f"{label}: {error.get('msg', 'invalid value')}")


#: Ranges of whole numbers that are not 1–5 ranks, by key (an experiment's ratings).
_RANGES = {"critical": (1, 3), "cost": (1, 3), "reliability": (1, 3), "time": (1, 3)}


def _scale_words(loc: tuple[Any, ...], document_type: str) -> tuple[str, ...]:
    """The words of the scale the value at `loc` takes, if it is a rank: a value-map
    item's `importance` takes the relevance words, a job's the importance words."""
    key = str(loc[-1]) if loc else ""
    if document_type == "value-map" and key == "importance":
        return SCALES[OFFER_SCALE]
    return SCALES.get(key, ())


def _missing_hint(key: str) -> str | None:
    return {
        "title": "add 'title: ...' to the front matter",
        "text": "give the item a 'text:' (or write the item as a plain string)",
        "segment": "name the segment this value map targets: 'segment: <segment id>'",
        "hypothesis": "write the test card's belief: 'hypothesis: We believe that ...'",
        "tests": "list the ids of the items it tests: 'tests: [item-id]'",
    }.get(key)


def _type_hint(kind: str, value: Any) -> str | None:
    if kind == "list_type" and isinstance(value, str):
        plain = re.fullmatch(r"[\w-]+", value) is not None
        return f"write a list: [{value if plain else json.dumps(value, ensure_ascii=False)}]"
    if kind == "int_type" and isinstance(value, str):
        return "write a number without quotes"
    if kind == "bool_type":
        return "write true or false without quotes"
    if kind == "date_type":
        return "write the date as YYYY-MM-DD, without quotes: 2026-12-20"
    return None


def _model_at(loc: tuple[Any, ...], document_type: str) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc` (for did-you-mean on keys)."""
    model: Any = DOCUMENT_TYPES[document_type]
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        args = getattr(field.annotation, "__args__", ())
        model = next((arg for arg in args if isinstance(arg, type) and issubclass(arg, BaseModel)), None)
        if model is None:
            return None
    return model


# --- JSON Schema ------------------------------------------------------------------


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one document type's front matter, as editors should see it:
    items may be plain strings, scales accept words, and `id` and `type` are optional."""
    model = DOCUMENT_TYPES[kind]
    schema = model.model_json_schema()
    schema = json.loads(json.dumps(schema))  # a private copy to edit
    _loosen(schema)
    for name, definition in schema.get("$defs", {}).items():
        _loosen(definition, offer=name in ("Product", "Reliever", "Creator"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"vpcsite {kind} front matter"
    return schema


def _loosen(schema: dict[str, Any], *, offer: bool = False) -> None:
    properties = schema.get("properties", {})
    if offer and "importance" in properties:
        words = list(SCALES[OFFER_SCALE])
        properties["importance"] = {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"enum": words}],
            "title": "Importance",
            "description": f"1–5 or one of: {', '.join(words)}; when absent, derived from the jobs, pains or gains it addresses",
        }
    if "required" in schema:
        schema["required"] = [key for key in schema["required"] if key not in ("id", "type")]
    for name, prop in properties.items():
        if offer and name == "importance":
            continue
        if name in SCALES:
            words = list(SCALES[name])
            properties[name] = {
                "anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"enum": words}],
                "default": 3,
                "title": prop.get("title", name.title()),
                "description": f"1–5 or one of: {', '.join(words)}",
            }
        elif name in _SINGULAR and prop.get("type") == "array" and "$ref" in prop.get("items", {}):
            prop["items"] = {"anyOf": [{"type": "string"}, prop["items"]]}
        elif name == "id":
            prop.pop("default", None)
            prop["description"] = "letters, digits, '-' and '_'; defaults to the slug of the text or the file name"

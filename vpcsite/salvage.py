"""What can still be checked of a document that failed validation: its valid parts, so a
mistake in one value never hides the findings it does not touch (DESIGN §4).

A document with errors is never scored or published. Its partial model is for checking
only: references into it resolve, its own references are checked, and every finding that
the removed parts could change is left out rather than guessed.

The rules, applied to the raw front matter before validating it again:

- an item value that fails (a bad `severity`, a `by` that is not a list) is removed, and
  the item is kept with its default: the item is *damaged*, and the warnings about the
  item itself (relieves nothing, serves no job) are not given;
- an item whose id is bad, or that is not an item at all, is removed; its id, when it can
  be read, stays *unresolved*: a reference to it, or to an id close to it, is not
  reported (its file's own error explains it); when it cannot be read, no reference into
  its section is reported;
- an unknown top-level key holding a list or mapping may be a misspelt section: no
  reference into that section (or, when no section is near, any) is reported; so for an
  item holding a key of another section's items (`relieves` on a product: its
  `relievers:` line was lost);
- a section that is not a list is removed, and any id of it is unresolved;
- a bad top-level value is removed (its default applies); a missing or bad `title` is
  replaced by the id; a value map whose `segment` is missing or bad targets no segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .hints import OWN_KEYS, did_you_mean
from .model import DOCUMENT_TYPES, SECTIONS, Page, Segment, ValueMap, slug


@dataclass(frozen=True)
class Salvaged:
    model: Segment | ValueMap | Page
    #: Ids of items that were removed, so references to them stay silent.
    unresolved: frozenset[str]
    #: (section, index) of items kept with some of their values removed.
    damaged: frozenset[tuple[str, int]]


def salvage(values: dict[str, Any], kind: str, errors: list[ErrorDetails]) -> Salvaged | None:
    """The partial model of a document whose validation raised `errors`, or None when
    not even its id is valid (then nothing can refer to it).

    A removed item leaves a placeholder with an empty id (which no reference can name)
    in its place, so every later item keeps its index, and with it its position."""
    values = dict(values)
    sections = SECTIONS[kind]
    unresolved: set[str] = set()
    damaged: set[tuple[str, int]] = set()
    placeholders: set[tuple[str, int]] = set()
    no_segment = False
    for _ in range(3):  # a second pass only when removing a value reveals another error
        for error in errors:
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
            if not loc:
                return None
            key = str(loc[0])  # the front matter is a mapping: its keys are text
            if key in sections and len(loc) >= 2 and isinstance(loc[1], int) and isinstance(values.get(key), list):
                items = list(values[key])
                index = loc[1]
                item = items[index] if index < len(items) else None
                field = loc[2] if len(loc) >= 3 else None
                if isinstance(item, dict) and field is not None and field != "id" and (key, index) not in placeholders:
                    owner = OWN_KEYS.get(str(field))
                    if error["type"] == "extra_forbidden" and owner in sections and owner != key:
                        # A key of another section's items: an item that lost its own
                        # section's line ("relievers:") and joined the one above. What
                        # refers into, or depends on, that section is not known.
                        unresolved.add(f"*{owner}")
                    item = {name: value for name, value in item.items() if name != field}
                    if "text" not in item:
                        item["text"] = "?"
                else:
                    # An item whose id cannot be read may be any item of its section.
                    unresolved.update(_raw_ids(item) or {f"*{key}"})
                    item = {"id": "unread", "text": "?"}
                    placeholders.add((key, index))
                if index < len(items):
                    items[index] = item
                values[key] = items
                damaged.add((key, index))
            elif key in sections:
                values.pop(key, None)
                unresolved.add(f"*{key}")  # any id of that section
            elif key == "id":
                return None
            elif key == "title":
                values["title"] = str(values.get("id", ""))
            elif key == "segment" and kind == "value-map":
                values["segment"] = "unread"  # a valid placeholder, cleared below
                no_segment = True
            else:
                # A misspelt section ("pain:", "gains{") may hold the items referred to.
                if error["type"] == "extra_forbidden" and isinstance(values.get(key), (list, dict)):
                    near = did_you_mean(str(key), sections)
                    unresolved.update({f"*{near}"} if near else {f"*{section}" for section in sections})
                values.pop(key, None)
        try:
            model = DOCUMENT_TYPES[kind].model_validate(values)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            continue
        update: dict[str, Any] = {"segment": ""} if no_segment else {}
        for section in {section for section, _ in placeholders}:
            update[section] = [
                item.model_copy(update={"id": ""}) if (section, index) in placeholders else item for index, item in enumerate(getattr(model, section))
            ]
        return Salvaged(model.model_copy(update=update) if update else model, frozenset(unresolved), frozenset(damaged))  # type: ignore[arg-type]
    return None


def _raw_ids(item: Any) -> set[str]:
    """The ids a reference to a removed item may use: its id as written and the slug of
    it (a bad id is often a good one with a space or a stray character), or its text's;
    none when they cannot be read (then any id of the section may be meant)."""
    if isinstance(item, dict):
        raw = item.get("id")
        if isinstance(raw, str):
            return {raw, slug(raw)} - {""}
        text = item.get("text")
        return {slug(text)} - {""} if raw is None and isinstance(text, str) else set()
    if isinstance(item, (list, type(None))):
        return set()
    return {slug(str(item))} - {""}  # a plain item that was read as a number or a date

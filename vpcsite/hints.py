"""How findings phrase what was expected and what was probably meant: shared by the
front matter checks (schema.py) and the configuration (config.py), and light enough to
load on the path of a build with nothing changed."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date",
}


#: Words people write for the method's words, by the key they write them under: the
#: first candidate the key accepts is suggested. A synonym beats a near spelling, which
#: may mean the opposite ('validated' is two letters from 'invalidated').
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        "validated": ("verified",),
        "confirmed": ("verified",),
        "proven": ("verified",),
        "proved": ("verified",),
        "true": ("verified",),
        "tested": ("observed",),
        "seen": ("observed",),
        "evidenced": ("observed",),
        "anecdotal": ("observed",),
        "assumption": ("assumed",),
        "hypothesis": ("assumed",),
        "guess": ("assumed",),
        "untested": ("assumed",),
        "unverified": ("assumed",),
        "unvalidated": ("assumed",),
        "unknown": ("assumed",),
        "new": ("assumed",),
        "invalid": ("invalidated",),
        "disproven": ("invalidated",),
        "disproved": ("invalidated",),
        "refuted": ("invalidated",),
        "rejected": ("invalidated",),
        "falsified": ("invalidated",),
        "false": ("invalidated",),
        "wrong": ("invalidated",),
    },
    "kind": {
        "service": ("intangible",),
        "services": ("intangible",),
        "consulting": ("intangible",),
        "support": ("supporting", "intangible"),
        "software": ("digital",),
        "app": ("digital",),
        "online": ("digital",),
        "web": ("digital",),
        "saas": ("digital",),
        "product": ("physical",),
        "goods": ("physical",),
        "hardware": ("physical",),
        "tangible": ("physical",),
        "money": ("financial",),
        "finance": ("financial",),
        "loan": ("financial",),
        "insurance": ("financial",),
        "helper": ("supporting",),
        "personal": ("emotional",),
        "feeling": ("emotional",),
        "emotion": ("emotional",),
        "status": ("social",),
        "practical": ("functional",),
        "task": ("functional",),
        "secondary": ("ancillary", "supporting"),
        "side-effect": ("ancillary",),
        "must-have": ("required",),
        "must": ("required",),
        "basic": ("required",),
        "essential": ("required",),
        "baseline": ("expected",),
        "standard": ("expected",),
        "nice-to-have": ("desired",),
        "wish": ("desired",),
        "wanted": ("desired",),
        "surprise": ("unexpected",),
        "delighter": ("unexpected",),
        "delight": ("unexpected",),
    },
    "type": {
        "canvas": ("value-map",),
        "value-proposition": ("value-map",),
        "proposition": ("value-map",),
        "offer": ("value-map",),
        "valuemap": ("value-map",),
        "customer": ("segment",),
        "customer-segment": ("segment",),
        "customer-profile": ("segment",),
        "profile": ("segment",),
        "persona": ("segment",),
        "article": ("page",),
        "post": ("page",),
        "doc": ("page",),
    },
    "importance": {
        "high": ("important",),
        "very high": ("critical",),
        "top": ("critical",),
        "medium": ("moderate",),
        "low": ("minor",),
        "very low": ("trivial",),
    },
    "severity": {
        "high": ("severe",),
        "very high": ("extreme",),
        "critical": ("extreme",),
        "medium": ("significant",),
        "low": ("mild",),
        "very low": ("mild",),
        "minor": ("mild",),
    },
    "relevance": {
        "high": ("important",),
        "very high": ("essential",),
        "critical": ("essential",),
        "medium": ("expected",),
        "low": ("nice-to-have",),
        "very low": ("nice-to-have",),
    },
}

#: Keys people write for the method's keys. A tuple names candidates: the first that the
#: mapping accepts is suggested.
KEY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "priority": ("importance", "severity", "relevance"),
    "weight": ("importance", "severity", "relevance"),
    "rank": ("importance", "severity", "relevance"),
    "score": ("importance", "severity", "relevance"),
    "description": ("text", "summary"),
    "name": ("text", "title"),
    "label": ("text", "title"),
    "title": ("text",),
    "state": ("status",),
    "validation": ("status",),
    "type": ("kind",),
    "category": ("kind",),
    "source": ("evidence",),
    "sources": ("evidence",),
    "link": ("evidence",),
    "links": ("evidence",),
    "comment": ("note",),
    "comments": ("note",),
    "notes": ("note",),
    "pains": ("relieves",),
    "gains": ("creates",),
    "addresses": ("relieves", "creates", "jobs"),
    "solves": ("relieves", "jobs"),
    "products": ("by",),
    "delivered_by": ("by",),
    "helps": ("jobs",),
    "serves": ("jobs",),
    "customer": ("segment",),
    "profile": ("segment",),
}

#: Keys that belong to one kind of item: "pains use severity", "creators use creates".
OWN_KEYS = {"importance": "jobs", "severity": "pains", "relevance": "gains", "relieves": "relievers", "creates": "creators", "jobs": "products"}

#: A prefix that turns a word into its opposite: never suggested for each other.
_NEGATIONS = ("in", "un", "non", "dis", "non-")


def _opposites(a: str, b: str) -> bool:
    return any(a == prefix + b or b == prefix + a for prefix in _NEGATIONS)


def did_you_mean(word: str, choices: Any, key: str | None = None) -> str | None:
    """The likely intended choice: with `key` (a vocabulary's key, e.g. 'status'), the
    method's word for a synonym first; else the closest spelling, if close enough to be a
    typo and not the word's opposite."""
    options = list(choices)
    if key is not None:
        lowered = word.strip().lower()
        for candidate in SYNONYMS.get(key, {}).get(lowered, ()):
            if candidate in options:
                return candidate
    found = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    if key is not None:
        found = [choice for choice in found if not _opposites(word.strip().lower(), choice)]
    return found[0] if found else None


def scale_hint(scale: str, value: str, scales: dict[str, tuple[str, ...]]) -> str:
    """What to write instead of a word a rank scale does not know: a word of another
    scale gets its number on this one ("'critical' is an importance word; relevance 5 is
    'essential'"), a synonym or typo its word; always the scale's words."""
    words = scales[scale]
    lowered = value.strip().lower()
    valid = f"use 1–5 or one of: {', '.join(words)}"
    for other, other_words in scales.items():
        if other != scale and lowered in other_words:
            number = other_words.index(lowered) + 1
            return f"'{lowered}' is {_article(other)} {other} word; {scale} {number} is '{words[number - 1]}' ({valid})"
    guess = did_you_mean(lowered, words, key=scale)
    return (f"did you mean '{guess}'? " if guess else "") + valid


def key_hint(key: str, valid: list[str], owner: str | None) -> str | None:
    """The hint for an unknown key: a key of another kind of item says whose it is and
    what this one uses ("pains use severity"); else a synonym or a near spelling."""
    listed = "valid keys: " + ", ".join(valid) if valid else ""
    lowered = key.strip().lower()
    if owner is not None and lowered in OWN_KEYS and OWN_KEYS[lowered] != owner:
        own = next((name for name, kind in OWN_KEYS.items() if kind == owner and name in valid), None)
        if own is not None:
            return f"'{lowered}' is for {OWN_KEYS[lowered]}; {owner} use '{own}'. {listed}"
        return f"'{lowered}' is for {OWN_KEYS[lowered]}, not {owner}. {listed}"
    guess = next((candidate for candidate in KEY_SYNONYMS.get(lowered, ()) if candidate in valid), None)
    guess = guess or did_you_mean(key, valid)
    return ((f"did you mean '{guess}'? " if guess else "") + listed) or None


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return type(value).__name__

"""The canvas model: segments with jobs, pains and gains; value maps with products,
relievers and creators; pages. Immutable plain data that knows nothing of files or HTML.

The same pydantic classes validate front matter (schema.py) and export its JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

Status = Literal["assumed", "observed", "verified", "invalidated"]
JobKind = Literal["functional", "social", "emotional", "supporting"]
PainKind = Literal["functional", "social", "emotional", "ancillary"]
GainKind = Literal["required", "expected", "desired", "unexpected"]
ProductKind = Literal["physical", "intangible", "digital", "financial"]

#: The words each scale accepts in place of 1–5 (DESIGN §3), lowest first.
SCALES: dict[str, tuple[str, ...]] = {
    "importance": ("trivial", "minor", "moderate", "important", "critical"),
    "severity": ("mild", "moderate", "significant", "severe", "extreme"),
    "relevance": ("nice-to-have", "desired", "expected", "important", "essential"),
}

_NOT_SLUG = re.compile(r"[\W_]+")
ID_PATTERN = r"^[^\W_][\w-]*$"
_ID = re.compile(ID_PATTERN)


def slug(text: str) -> str:
    """Lower-case, every run of non-letters/digits to one '-', stripped (DESIGN §3)."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def scale_word(scale: str, value: int) -> str:
    return SCALES[scale][value - 1]


def _scale(scale: str, name: str | None = None) -> Any:
    """Accept a word of `scale` for its number; `name` is the key as the message calls it."""
    words = SCALES[scale]

    def to_number(value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().lower()
            if key in words:
                return words.index(key) + 1
            raise PydanticCustomError(
                "scale_word",
                "'{value}' is not a word of the {scale} scale",
                {"value": value, "scale": name or scale, "expected": ", ".join(words)},
            )
        return value

    return BeforeValidator(to_number)


def _check_id(value: Any) -> Any:
    if isinstance(value, str) and not _ID.match(value):
        raise PydanticCustomError("vpc_id", "'{value}' is not a valid id", {"value": value})
    return value


#: A segment's or value map's id names a folder and a file of the built site
#: (canvases/<id>/, pdf/<id>.pdf); file systems allow 255 bytes to a name.
MAX_DOCUMENT_ID_BYTES = 200


def _check_document_id(value: Any) -> Any:
    value = _check_id(value)
    if isinstance(value, str) and len(value.encode("utf-8")) > MAX_DOCUMENT_ID_BYTES:
        raise PydanticCustomError(
            "vpc_id_length",
            "id is longer than {limit} bytes",
            {"value": value, "limit": MAX_DOCUMENT_ID_BYTES, "length": len(value.encode("utf-8"))},
        )
    return value


Id = Annotated[str, BeforeValidator(_check_id)]
DocumentId = Annotated[str, BeforeValidator(_check_document_id)]
Importance = Annotated[int, _scale("importance"), Field(ge=1, le=5)]
Severity = Annotated[int, _scale("severity"), Field(ge=1, le=5)]
Relevance = Annotated[int, _scale("relevance"), Field(ge=1, le=5)]
#: The rank of a product, reliever or creator (DESIGN §3): the words of the relevance
#: scale; None when not written (then derived from what the item addresses, ranks.py).
OfferImportance = Annotated[int, _scale("relevance", "importance"), Field(ge=1, le=5)]
#: Which scale's words a value-map item's `importance` takes.
OFFER_SCALE = "relevance"


class Item(BaseModel):
    """Keys every item has. A plain string stands for `{text: ...}`; `id` defaults to its slug."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: Id = ""
    text: str
    status: Status = "assumed"
    # Lists default to a factory, not `[]`: pydantic deep-copies a mutable default for
    # every instance in Python (copy.deepcopy), a tenth of loading 50,000 items.
    evidence: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _shorthand_and_default_id(cls, data: Any) -> Any:
        if isinstance(data, str):
            data = {"text": data}
        if isinstance(data, dict) and "id" not in data and isinstance(data.get("text"), str):
            data = {**data, "id": slug(data["text"])}
        return data


class Job(Item):
    kind: JobKind = "functional"
    importance: Importance = 3

    @property
    def weight(self) -> int:
        return self.importance


class Pain(Item):
    kind: PainKind = "functional"
    severity: Severity = 3

    @property
    def weight(self) -> int:
        return self.severity


class Gain(Item):
    kind: GainKind = "desired"
    relevance: Relevance = 3

    @property
    def weight(self) -> int:
        return self.relevance


class Product(Item):
    kind: ProductKind = "intangible"
    importance: OfferImportance | None = None
    jobs: list[str] = Field(default_factory=list)


class Reliever(Item):
    importance: OfferImportance | None = None
    relieves: list[str] = Field(default_factory=list)
    by: list[str] = Field(default_factory=list)


class Creator(Item):
    importance: OfferImportance | None = None
    creates: list[str] = Field(default_factory=list)
    by: list[str] = Field(default_factory=list)


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: DocumentId
    title: str
    summary: str = ""
    draft: bool = False


class Segment(_Document):
    """A customer profile: the circle of the canvas."""

    type: Literal["segment"] = "segment"
    jobs: list[Job] = Field(default_factory=list)
    pains: list[Pain] = Field(default_factory=list)
    gains: list[Gain] = Field(default_factory=list)


class ValueMap(_Document):
    """What is offered to one segment: the square of the canvas."""

    type: Literal["value-map"] = "value-map"
    segment: Id
    products: list[Product] = Field(default_factory=list)
    relievers: list[Reliever] = Field(default_factory=list)
    creators: list[Creator] = Field(default_factory=list)


ExperimentKind = Literal["desirability", "feasibility", "viability"]
ExperimentState = Literal["planned", "running", "done"]
Result = Literal["supported", "refuted", "inconclusive"]
Decision = Literal["persevere", "pivot", "kill", "keep-testing"]
#: A test card's ratings (Testing Business Ideas): 1 low – 3 high.
Rating = Annotated[int, Field(ge=1, le=3)]


class Ratings(BaseModel):
    """How critical the hypothesis is, and the test's cost, reliability and time (1–3)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    critical: Rating | None = None
    cost: Rating | None = None
    reliability: Rating | None = None
    time: Rating | None = None


class Experiment(_Document):
    """A test card and, once done, its learning card: the evidence behind statuses."""

    type: Literal["experiment"] = "experiment"
    #: Exactly one of the two (schema.py reports both or neither).
    value_map: Id | None = None
    segment: Id | None = None
    tests: list[Id]
    kind: ExperimentKind = "desirability"
    hypothesis: str
    test: str = ""
    metric: str = ""
    criteria: str = ""
    ratings: Ratings = Ratings()
    owner: str = ""
    deadline: dt.date | None = None
    state: ExperimentState = "planned"
    concluded: dt.date | None = None
    result: Result | None = None
    observation: str = ""
    learning: str = ""
    decision: Decision | None = None

    @property
    def target(self) -> tuple[str, str]:
        """("value-map", id) or ("segment", id): the canvas or profile it tests."""
        return ("value-map", self.value_map) if self.value_map else ("segment", self.segment or "")


class BusinessModel(_Document):
    """A Business Model Canvas fed by the site's segments and value maps."""

    type: Literal["business-model"] = "business-model"
    segments: list[Id] = Field(default_factory=list)
    value_propositions: list[Id] = Field(default_factory=list)
    key_partners: list[Item] = Field(default_factory=list)
    key_activities: list[Item] = Field(default_factory=list)
    key_resources: list[Item] = Field(default_factory=list)
    customer_relationships: list[Item] = Field(default_factory=list)
    channels: list[Item] = Field(default_factory=list)
    cost_structure: list[Item] = Field(default_factory=list)
    revenue_streams: list[Item] = Field(default_factory=list)


class Page(_Document):
    """Any other Markdown page (home page, about, method notes)."""

    type: Literal["page"] = "page"


DOCUMENT_TYPES: dict[str, type[_Document]] = {
    "segment": Segment,
    "value-map": ValueMap,
    "experiment": Experiment,
    "business-model": BusinessModel,
    "page": Page,
}

#: The sections of each document type that hold items, in canvas order.
SECTIONS: dict[str, tuple[str, ...]] = {
    "segment": ("jobs", "pains", "gains"),
    "value-map": ("products", "relievers", "creators"),
    "experiment": (),
    #: The seven blocks written as items (segments and value propositions are ids).
    "business-model": (
        "key_partners",
        "key_activities",
        "key_resources",
        "customer_relationships",
        "channels",
        "cost_structure",
        "revenue_streams",
    ),
    "page": (),
}


#: How one item of each section is called in messages and lists.
SINGULAR: dict[str, str] = {
    "jobs": "job",
    "pains": "pain",
    "gains": "gain",
    "products": "product",
    "relievers": "reliever",
    "creators": "creator",
    "key_partners": "key partner",
    "key_activities": "key activity",
    "key_resources": "key resource",
    "customer_relationships": "customer relationship",
    "channels": "channel",
    "cost_structure": "cost",
    "revenue_streams": "revenue stream",
}


def items_of(document: Any) -> list[tuple[str, int, Item]]:
    """Every item of a document with its section and index, in file order."""
    return [(section, index, item) for section in SECTIONS[document.type] for index, item in enumerate(getattr(document, section))]


#: What an item's outline leaves out: the long texts only its own page shows.
_DETAILS = frozenset({"note", "evidence"})


def outline_of(model: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document as lists and summaries show it: every key but notes and evidence
    (from `data`, its dump, when the caller has made it already)."""
    data = dict(model.model_dump(mode="json") if data is None else data)
    for section in SECTIONS[model.type]:
        data[section] = [{k: v for k, v in item.items() if k not in _DETAILS} for item in data[section]]
    return data


def ranked(items: list[Any], key: Callable[[Any], int] = lambda item: item.weight) -> list[Any]:
    """Highest weight first; file order breaks ties (sorted is stable)."""
    return sorted(items, key=lambda item: -key(item))


@dataclass(frozen=True)
class Document:
    """A validated document and where it came from, for diagnostics and rendering."""

    model: Any  # Segment | ValueMap | Experiment | BusinessModel | Page
    path: str
    body: str
    body_line: int
    #: Positions of front matter values by key path, e.g. ("relievers", 0, "relieves", 1)
    #: (a `source.Positions`).
    positions: Any = field(repr=False, compare=False)
    #: Content hash of the source bytes: the key for per-document caches.
    digest: str = ""
    #: Path under the content folder ("value-maps/fitnow.md"): decides output places.
    relative: str = ""
    #: Hash of what lists and summaries show of the document (all but notes, evidence
    #: and body): pages listing it depend on this, not on every byte of the file.
    outline: str = ""
    #: Hash of the validated front matter, all of it but the body: data/site.json shows
    #: this, so an edit of a body's prose does not write its 17 MB again.
    model_digest: str = ""
    #: The document failed validation and holds what could be kept of it (salvage.py):
    #: it is checked as far as it goes, never scored or published.
    partial: bool = False
    #: Of a partial document: ids of items that were removed ("*<section>": any id of
    #: a section that was removed whole), and (section, index) of items that lost a
    #: value or were removed.
    unresolved: frozenset[str] = frozenset()
    damaged: frozenset[tuple[str, int]] = frozenset()

    def may_hold(self, item_id: str, section: str) -> bool:
        """Whether an item of this id may exist in the file's `section` though it is not
        in the model (its own id was bad, and this one is it or close to it): a reference
        to it is then not reported."""
        if not self.unresolved:
            return False
        if item_id in self.unresolved or f"*{section}" in self.unresolved:
            return True
        from .hints import did_you_mean

        return did_you_mean(item_id, [raw for raw in self.unresolved if not raw.startswith("*")]) is not None

    def position(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return self.positions.position(path, key=key)

    def text_place(self, path: tuple[str | int, ...]) -> Any:
        """Where each character of the front matter text at `path` stands (a places.TextPlace)."""
        return self.positions.text_place(path)


@dataclass(frozen=True)
class Site:
    """Everything loaded from content/, drafts already left out or kept as asked."""

    segments: dict[str, Document]
    value_maps: dict[str, Document]
    pages: list[Document]
    experiments: dict[str, Document] = field(default_factory=dict)
    business_models: dict[str, Document] = field(default_factory=dict)

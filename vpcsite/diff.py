"""What changed between two checked snapshots of a site, as a reviewer asks it: did the
fit go up or down, which items and links changed, which canvases and segments were
added, removed or renamed, which experiments concluded (diffexperiments.py), which
diagnostics are new. Pure functions of two results.

Documents are matched by id; a document whose id is gone on one side and new on the
other is a rename when at least half of its items are identical (as git finds renamed
files by content). Items are matched by id within their section.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from .check import CheckResult
from .diagnostics import Diagnostic
from .diffexperiments import ExperimentChange, FieldChange, compare_experiments
from .model import SECTIONS, Document, Site

Status = Literal["added", "removed", "renamed", "changed", "invalid", "fixed"]

#: A rename needs at least this share of the larger document's items (and its title)
#: to be identical on both sides.
RENAME_SIMILARITY = 0.5
#: Past this many (removed × added) pairs renames are not looked for: a rewrite that big
#: reads better as removals and additions than as a slow guess.
RENAME_PAIRS_LIMIT = 250_000

#: The keys of value-map items that are links to other items, not fields.
LINK_KEYS: dict[str, tuple[str, ...]] = {"products": ("jobs",), "relievers": ("relieves", "by"), "creators": ("creates", "by")}
#: Each item's rank, whatever its scale is called.
RANK_KEYS = ("importance", "severity", "relevance")
#: Fields in the order changes are told; any others follow, sorted.
FIELD_ORDER = ("text", "rank", "kind", "status", "evidence", "note")


@dataclass(frozen=True)
class Side:
    label: str
    commit: str | None


@dataclass(frozen=True)
class FitChange:
    """A canvas's fit and verified fit on each side (None: no score there)."""

    before: float | None
    after: float | None
    verified_before: float | None
    verified_after: float | None
    band_before: str | None
    band_after: str | None

    @property
    def points(self) -> float | None:
        """The change in percentage points, when both sides have a score."""
        return None if self.before is None or self.after is None else (self.after - self.before) * 100

    @property
    def verified_points(self) -> float | None:
        return None if self.verified_before is None or self.verified_after is None else (self.verified_after - self.verified_before) * 100

    @property
    def dropped(self) -> bool:
        """Fit or verified fit went down (what --fail-on-drop fails on)."""
        return any(value is not None and value < -1e-9 for value in (self.points, self.verified_points))

    @property
    def changed(self) -> bool:
        return (self.before, self.verified_before, self.band_before) != (self.after, self.verified_after, self.band_after)


@dataclass(frozen=True)
class ItemChange:
    change: Literal["added", "removed", "changed"]
    section: str
    id: str
    #: The item's text on the side where it exists (after, unless removed).
    text: str
    fields: tuple[FieldChange, ...] = ()
    #: The experiment whose result set the status on the second side (or, when no
    #: experiment sets it there, on the first): a status change that follows evidence.
    experiment: str | None = None


@dataclass(frozen=True)
class LinkChange:
    """A link added or removed: `item` of `section` now `key` `target` (or no longer)."""

    added: bool
    section: str
    item: str
    key: str
    target: str


@dataclass(frozen=True)
class DocumentChange:
    """One segment or canvas that differs between the sides."""

    type: str
    status: Status
    id_before: str | None
    id_after: str | None
    path_before: str | None
    path_after: str | None
    fields: tuple[FieldChange, ...] = ()
    items: tuple[ItemChange, ...] = ()
    links: tuple[LinkChange, ...] = ()
    fit: FitChange | None = None
    similarity: float | None = None

    @property
    def id(self) -> str:
        return self.id_after or self.id_before or ""


@dataclass(frozen=True)
class SiteDiff:
    before: Side
    after: Side
    #: Canvases (value maps) that changed, largest fit drop first.
    canvases: tuple[DocumentChange, ...]
    segments: tuple[DocumentChange, ...]
    #: Canvases present on both sides with nothing changed.
    unchanged: int
    new_diagnostics: tuple[Diagnostic, ...]
    #: Diagnostics of the first side that the second no longer has.
    resolved: tuple[Diagnostic, ...]
    #: Experiments that changed, concluded ones first.
    experiments: tuple[ExperimentChange, ...] = ()
    #: Either side has experiments (the summary then speaks of them).
    has_experiments: bool = False

    @property
    def dropped(self) -> tuple[DocumentChange, ...]:
        return tuple(change for change in self.canvases if change.fit is not None and change.fit.dropped)


def compare(before: CheckResult, after: CheckResult, sides: tuple[Side, Side] = (Side("before", None), Side("after", None))) -> SiteDiff:
    """Everything that changed from `before` to `after`."""

    segments = _compare_documents("segment", before, after)
    canvases = _compare_documents("value-map", before, after)
    unchanged = len(set(before.site.value_maps) & set(after.site.value_maps)) - sum(
        1 for change in canvases if change.status == "changed" and change.id_before == change.id_after
    )
    moved = {
        change.path_after: (change.path_before, f"'{change.id_after}'", f"'{change.id_before}'")
        for change in (*segments, *canvases)
        if change.path_before and change.path_after
    }
    new, resolved = _compare_diagnostics(before.diagnostics, after.diagnostics, moved)
    return SiteDiff(
        sides[0],
        sides[1],
        tuple(sorted(canvases, key=_drop_order)),
        tuple(sorted(segments, key=lambda c: c.id)),
        unchanged,
        new,
        resolved,
        compare_experiments(before, after),
        bool(before.site.experiments or after.site.experiments or any(kind == "experiment" for kind, _ in before.unloaded | after.unloaded)),
    )


def _drop_order(change: DocumentChange) -> tuple[float, float, str]:
    points = change.fit.points if change.fit is not None else None
    verified = change.fit.verified_points if change.fit is not None else None
    return (points or 0.0, verified or 0.0, change.id)


def _documents(site: Site, kind: str) -> dict[str, Document]:
    return site.segments if kind == "segment" else site.value_maps


def _compare_documents(kind: str, before: CheckResult, after: CheckResult) -> list[DocumentChange]:
    """The changes of one type of document."""
    old, new = _documents(before.site, kind), _documents(after.site, kind)
    changes: list[DocumentChange] = []
    removed = [key for key in old if key not in new]
    added = [key for key in new if key not in old]
    invalid = {key for key in removed if (kind, _stem(old[key])) in after.unloaded}
    fixed = {key for key in added if (kind, _stem(new[key])) in before.unloaded}
    renames = _renames(kind, [old[key] for key in removed if key not in invalid], [new[key] for key in added if key not in fixed])
    names = {a: b for a, b, _ in renames}
    for key in old:
        if key in new:
            change = _changed(kind, old[key], new[key], before, after, "changed")
            if change is not None:
                changes.append(change)
    for a, b, similarity in renames:
        change = _changed(kind, old[a], new[b], before, after, "renamed", similarity)
        assert change is not None
        changes.append(change)
    renamed_to = set(names.values())
    for key in removed:
        if key not in names:
            changes.append(_one_side(kind, "invalid" if key in invalid else "removed", old[key], before, first=True))
    for key in added:
        if key not in renamed_to:
            changes.append(_one_side(kind, "fixed" if key in fixed else "added", new[key], after, first=False))
    return changes


def _stem(document: Document) -> str:
    return document.relative.rsplit("/", 1)[-1].removesuffix(".md")


def _fit(result: CheckResult, key: str) -> tuple[float | None, float | None, str | None]:
    found = result.fits.get(key)
    if found is None:
        return None, None, None
    return found.overall.value, found.verified.value, found.band


def _one_side(kind: str, status: Status, document: Document, result: CheckResult, *, first: bool) -> DocumentChange:
    fit = None
    if kind == "value-map":
        value, verified, band = _fit(result, document.model.id)
        fit = FitChange(value, None, verified, None, band, None) if first else FitChange(None, value, None, verified, None, band)
    if first:
        return DocumentChange(kind, status, document.model.id, None, document.path, None, fit=fit)
    return DocumentChange(kind, status, None, document.model.id, None, document.path, fit=fit)


def _changed(
    kind: str,
    a: Document,
    b: Document,
    before: CheckResult,
    after: CheckResult,
    status: Status,
    similarity: float | None = None,
) -> DocumentChange | None:
    """The change of a document present on both sides, or None when nothing differs."""
    fields = []
    for name in ("title", "summary", "draft", "segment"):
        old, new = getattr(a.model, name, None), getattr(b.model, name, None)
        if old != new:  # a renamed segment shows here too, under both its names
            fields.append(FieldChange(name, old, new))
    same = a.digest == b.digest and bool(a.digest)  # the same bytes: only the fit may differ
    if a.body != b.body:
        fields.append(FieldChange("notes", None, None))
    items = () if same else _item_changes(kind, a, b, _set_by(kind, b.model.id, before, after))
    links = () if same or kind != "value-map" else _link_changes(a, b)
    fit = None
    if kind == "value-map":
        fit = FitChange(*_pairs(_fit(before, a.model.id), _fit(after, b.model.id)))
    moved = a.path != b.path
    if status == "changed" and not (fields or items or links or moved or (fit is not None and fit.changed)):
        return None
    return DocumentChange(kind, status, a.model.id, b.model.id, a.path, b.path, tuple(fields), items, links, fit, similarity)


def _pairs(old: tuple[Any, Any, Any], new: tuple[Any, Any, Any]) -> tuple[Any, ...]:
    return (old[0], new[0], old[1], new[1], old[2], new[2])


def _dump(item: Any, section: str) -> dict[str, Any]:
    data = item.model_dump(mode="json")
    for key in LINK_KEYS.get(section, ()):
        data.pop(key, None)
    data.pop("id", None)
    for key in RANK_KEYS:
        if key in data:
            data["rank"] = data.pop(key)
    return data


def _set_by(kind: str, document_id: str, before: CheckResult, after: CheckResult) -> dict[str, str]:
    """Item id → the experiment that sets its status, on the second side or else the first."""
    found = {key[2]: verdict.experiment for key, verdict in before.verdicts.items() if key[:2] == (kind, document_id)}
    found.update({key[2]: verdict.experiment for key, verdict in after.verdicts.items() if key[:2] == (kind, document_id)})
    return found


def _item_changes(kind: str, a: Document, b: Document, set_by: dict[str, str] | None = None) -> tuple[ItemChange, ...]:
    changes: list[ItemChange] = []
    for section in SECTIONS[kind]:
        old = {item.id: item for item in getattr(a.model, section)}
        new = {item.id: item for item in getattr(b.model, section)}
        for key, item in old.items():
            if key not in new:
                changes.append(ItemChange("removed", section, key, item.text))
        for key, item in new.items():
            if key not in old:
                changes.append(ItemChange("added", section, key, item.text))
                continue
            was, now = _dump(old[key], section), _dump(item, section)
            names = [name for name in FIELD_ORDER if name in was or name in now]
            names += sorted((set(was) | set(now)) - set(FIELD_ORDER))
            fields = tuple(FieldChange(name, was.get(name), now.get(name)) for name in names if was.get(name) != now.get(name))
            if fields:
                status_moved = any(field.name == "status" for field in fields)
                changes.append(ItemChange("changed", section, key, item.text, fields, (set_by or {}).get(key) if status_moved else None))
    return tuple(changes)


def _links(document: Document) -> set[tuple[str, str, str, str]]:
    return {
        (section, item.id, key, target)
        for section, keys in LINK_KEYS.items()
        for item in getattr(document.model, section)
        for key in keys
        for target in getattr(item, key)
    }


def _link_changes(a: Document, b: Document) -> tuple[LinkChange, ...]:
    old, new = _links(a), _links(b)
    order = {section: index for index, section in enumerate(LINK_KEYS)}
    changes = [LinkChange(False, *link) for link in old - new] + [LinkChange(True, *link) for link in new - old]
    return tuple(sorted(changes, key=lambda c: (order[c.section], c.item, c.key, c.target, c.added)))


def _fingerprint(kind: str, document: Document) -> set[str]:
    """What a document is made of, for telling a rename from a removal and an addition."""
    parts = {json.dumps(["title", document.model.title])}
    for section in SECTIONS[kind]:
        for item in getattr(document.model, section):
            parts.add(json.dumps([section, item.model_dump(mode="json")], sort_keys=True))
    return parts


def _renames(kind: str, removed: list[Document], added: list[Document]) -> list[tuple[str, str, float]]:
    """(old id, new id, similarity) of documents removed on one side and added on the
    other that are mostly the same: best matches first, each document used once."""
    if not removed or not added or len(removed) * len(added) > RENAME_PAIRS_LIMIT:
        return []
    olds = [(document.model.id, _fingerprint(kind, document)) for document in removed]
    news = [(document.model.id, _fingerprint(kind, document)) for document in added]
    candidates = []
    for old_id, old_parts in olds:
        for new_id, new_parts in news:
            similarity = len(old_parts & new_parts) / max(len(old_parts), len(new_parts))
            if similarity >= RENAME_SIMILARITY:
                candidates.append((-similarity, old_id, new_id))
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    found = []
    for negative, old_id, new_id in sorted(candidates):
        if old_id not in taken_old and new_id not in taken_new:
            taken_old.add(old_id)
            taken_new.add(new_id)
            found.append((old_id, new_id, -negative))
    return found


def _compare_diagnostics(
    before: list[Diagnostic], after: list[Diagnostic], moved: dict[str, tuple[str, str, str]]
) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """Diagnostics new on the second side and gone from it, compared by code, file and
    message, not line (an edit above a finding moves it without making it new); a
    finding in a renamed document is compared under its old path and id."""

    def old_key(d: Diagnostic) -> tuple[str, str | None, str]:
        return (d.code, d.path, d.message)

    def new_key(d: Diagnostic) -> tuple[str, str | None, str]:
        if d.path not in moved:
            return (d.code, d.path, d.message)
        path, new_id, old_id = moved[d.path]
        return (d.code, path, d.message.replace(new_id, old_id))

    old = {old_key(d) for d in before}
    new_keys = {new_key(d) for d in after}
    new = tuple(d for d in after if new_key(d) not in old)
    gone = tuple(d for d in before if old_key(d) not in new_keys)
    return new, gone

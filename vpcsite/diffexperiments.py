"""The experiments' part of a site diff: experiments added, removed and changed between
two checked snapshots, the ones that concluded, and the item statuses that follow.

An experiment *concluded* between the sides when it is done with a result on the second
side and was not on the first (an experiment added already done counts too). Its effect
on the canvas is shown where it lands: the status of every item it sets (DESIGN §3,
evidence.py) that differs between the sides; those items also show as item changes of
their segment or value map, and the fits move with them. Experiments are matched by id
(no rename detection: a renamed experiment is one removed and one added).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .model import SINGULAR, Document, Site, items_of

if TYPE_CHECKING:
    from .check import CheckResult

ExperimentStatus = Literal["added", "removed", "changed", "invalid", "fixed"]

#: The experiment's keys in the order changes are told (the test card, the plan, the
#: learning card); ratings are told one by one as ratings.<name>.
FIELD_ORDER = (
    "title",
    "value_map",
    "segment",
    "tests",
    "kind",
    "hypothesis",
    "test",
    "metric",
    "criteria",
    "ratings",
    "owner",
    "deadline",
    "state",
    "concluded",
    "result",
    "observation",
    "learning",
    "decision",
    "summary",
    "draft",
)


@dataclass(frozen=True)
class FieldChange:
    """One key's value before and after (of an item, an experiment): diff.py compares
    with it too, and imports it from here, the module below it."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class StatusChange:
    """An item whose status follows an experiment and differs between the sides."""

    type: str  # "segment" or "value-map": the document holding the item
    document: str
    section: str
    item: str
    text: str
    before: str | None  # None: no such item on the first side
    after: str | None


@dataclass(frozen=True)
class ExperimentChange:
    status: ExperimentStatus
    id: str
    title: str
    path_before: str | None
    path_after: str | None
    state_before: str | None
    state_after: str | None
    #: The result and decision on the second side (the first, for a removed experiment).
    result: str | None
    decision: str | None
    #: Done with a result on the second side, and not on the first.
    concluded: bool
    fields: tuple[FieldChange, ...] = ()
    statuses: tuple[StatusChange, ...] = ()


def compare_experiments(before: CheckResult, after: CheckResult) -> tuple[ExperimentChange, ...]:
    """Every experiment that differs between the sides: concluded ones first, then by id."""
    old, new = before.site.experiments, after.site.experiments
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None:
            fields = _fields(a, b)
            statuses = _statuses(key, before, after)
            if fields or statuses:
                changes.append(_change("changed", key, a, b, fields, statuses))
        elif a is not None:
            status: ExperimentStatus = "invalid" if ("experiment", _stem(a)) in after.unloaded else "removed"
            changes.append(_change(status, key, a, None, (), _statuses(key, before, after)))
        elif b is not None:
            status = "fixed" if ("experiment", _stem(b)) in before.unloaded else "added"
            changes.append(_change(status, key, None, b, (), _statuses(key, before, after)))
    return tuple(sorted(changes, key=lambda change: (not change.concluded, change.id)))


def _stem(document: Document) -> str:
    return document.relative.rsplit("/", 1)[-1].removesuffix(".md")


def _is_concluded(document: Document | None) -> bool:
    return document is not None and document.model.state == "done" and document.model.result is not None


def _change(
    status: ExperimentStatus,
    key: str,
    a: Document | None,
    b: Document | None,
    fields: tuple[FieldChange, ...],
    statuses: tuple[StatusChange, ...],
) -> ExperimentChange:
    shown = b if b is not None else a
    assert shown is not None
    return ExperimentChange(
        status,
        key,
        shown.model.title,
        a.path if a is not None else None,
        b.path if b is not None else None,
        a.model.state if a is not None else None,
        b.model.state if b is not None else None,
        shown.model.result,
        shown.model.decision,
        _is_concluded(b) and not _is_concluded(a),
        fields,
        statuses,
    )


def _flat(document: Document) -> dict[str, Any]:
    data = document.model.model_dump(mode="json")
    for name, value in (data.pop("ratings", None) or {}).items():
        data[f"ratings.{name}"] = value
    return data


def _fields(a: Document, b: Document) -> tuple[FieldChange, ...]:
    was, now = _flat(a), _flat(b)
    names = [name for base in FIELD_ORDER for name in sorted(set(was) | set(now)) if name == base or name.startswith(f"{base}.")]
    found = [FieldChange(name, was.get(name), now.get(name)) for name in names if was.get(name) != now.get(name)]
    if a.body != b.body:
        found.append(FieldChange("notes", None, None))
    return tuple(found)


def _statuses(key: str, before: CheckResult, after: CheckResult) -> tuple[StatusChange, ...]:
    """The items whose status differs between the sides because of this experiment: it
    sets them on the second side, or it set them on the first and no other does on the
    second (an older experiment overtaken by a newer one is not their cause)."""

    def cause(item: tuple[str, str, str]) -> str:
        verdict = after.verdicts.get(item) or before.verdicts[item]
        return verdict.experiment

    items = sorted({item for result in (before, after) for item, verdict in result.verdicts.items() if verdict.experiment == key})
    found = []
    for kind, document_id, item_id in (item for item in items if cause(item) == key):
        was, now = _item(before.site, kind, document_id, item_id), _item(after.site, kind, document_id, item_id)
        if (was and was[2]) == (now and now[2]):
            continue
        section, text = (now or was)[:2]  # type: ignore[index]
        found.append(StatusChange(kind, document_id, section, item_id, text, was[2] if was else None, now[2] if now else None))
    return tuple(found)


def _item(site: Site, kind: str, document_id: str, item_id: str) -> tuple[str, str, str] | None:
    """(section, text, status) of an item on one side, or None."""
    documents = site.segments if kind == "segment" else site.value_maps
    document = documents.get(document_id)
    if document is None:
        return None
    for section, _, item in items_of(document.model):
        if item.id == item_id:
            return section, item.text, item.status
    return None


# --- in words (diffformat.py lays them out) ---------------------------------------------

_STATUS = {"added": "added", "removed": "removed", "changed": "changed", "invalid": "now invalid", "fixed": "valid again"}
STATUSES = ("concluded", "changed", "added", "removed", "invalid", "fixed")


def counts(changes: tuple[ExperimentChange, ...]) -> dict[str, int]:
    """How many experiments concluded, and how many of each status."""
    found = {status: sum(change.status == status for change in changes) for status in STATUSES[1:]}
    return {"concluded": sum(change.concluded for change in changes), **found}


def summary_part(changes: tuple[ExperimentChange, ...]) -> str:
    """ "experiments: 1 concluded, 2 changed" (a concluded experiment is also changed or added)."""
    said = [f"{n} {_STATUS.get(status, status)}" for status, n in counts(changes).items() if n]
    return "experiments: " + (", ".join(said) if said else "no change")


def what_words(change: ExperimentChange) -> str:
    """ "concluded, refuted, decision pivot", "added and concluded, supported", "removed"."""
    if not change.concluded:
        return _STATUS[change.status]
    what = f"concluded, {change.result}" + (f", decision {change.decision}" if change.decision else "")
    return what if change.status == "changed" else f"{_STATUS[change.status]} and {what}"


def heading_words(change: ExperimentChange) -> str:
    """ "experiment pilot: concluded, refuted (content/experiments/pilot.md)"."""
    return f"experiment {change.id}: {what_words(change)} ({change.path_after or change.path_before})"


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and " " in value:
        short = value if len(value) <= 80 else value[:77] + "..."
        return f'"{short}"'
    return str(value)


def field_words(field: FieldChange) -> str:
    if field.name == "notes":
        return "notes changed"
    return f"{field.name} {_value(field.before)} → {_value(field.after)}"


def status_words(change: StatusChange) -> str:
    """ "job 'stay-motivated' of segment busy-professional: assumed → invalidated"."""
    owner = "segment" if change.type == "segment" else "canvas"
    return f"{SINGULAR[change.section]} '{change.item}' of {owner} {change.document}: status {change.before or '—'} → {change.after or '—'}"


def detail_lines(change: ExperimentChange) -> list[tuple[str, str]]:
    """(sign, words) of what changed in an experiment and what its result set."""
    lines = [("~", field_words(field)) for field in change.fields]
    if change.status in ("added", "fixed") and change.title:
        lines.insert(0, ("+", f'"{change.title}", {change.state_after}'))
    lines += [("=", status_words(status)) for status in change.statuses]
    return lines


def as_json(change: ExperimentChange) -> dict[str, Any]:
    return {
        "status": change.status,
        "id": change.id,
        "title": change.title,
        "path_before": change.path_before,
        "path_after": change.path_after,
        "state_before": change.state_before,
        "state_after": change.state_after,
        "concluded": change.concluded,
        "result": change.result,
        "decision": change.decision,
        "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in change.fields],
        "statuses": [
            {"type": s.type, "document": s.document, "section": s.section, "item": s.item, "text": s.text, "before": s.before, "after": s.after}
            for s in change.statuses
        ],
    }

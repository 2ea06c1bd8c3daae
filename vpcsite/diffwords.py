"""A site diff's changes in words, shared by every way of showing it (diffformat.py):
a canvas's heading, its fit before → after, each field, item and link changed, and the
summary line.
"""

from __future__ import annotations

import json
from typing import Any

from . import diffexperiments as experiments
from .diff import DocumentChange, FieldChange, FitChange, ItemChange, LinkChange, Side, SiteDiff
from .fit import percent

_SINGULAR = {"jobs": "job", "pains": "pain", "gains": "gain", "products": "product", "relievers": "reliever", "creators": "creator"}
_VERB = {"relieves": "relieves", "creates": "creates", "jobs": "serves", "by": "is delivered by"}
NOUN = {"segment": "segment", "value-map": "canvas"}
STATUS = {"added": "added", "removed": "removed", "renamed": "renamed", "changed": "changed", "invalid": "now invalid", "fixed": "valid again"}
_STATUSES = ("changed", "added", "removed", "renamed", "invalid", "fixed")


def side_name(side: Side) -> str:
    return side.label if side.commit is None or side.label == side.commit else f"{side.label} ({side.commit[:7]})"


def points(value: float | None) -> str:
    """A change in percentage points: "+5 pts", "-0.4 pts", "±0 pts"."""
    if value is None:
        return ""
    if abs(value) < 0.05:
        return "±0 pts"
    text = f"{value:+.1f}".replace(".0", "") if abs(value - round(value)) < 0.05 else f"{value:+.1f}"
    return f"{text} pts"


def pair(before: Any, after: Any, show: Any = percent) -> str:
    if before == after:
        return str(show(before))
    if show is percent and percent(before) == percent(after):
        show = _fine_percent  # a change smaller than the rounding still shows
    return f"{show(before)} → {show(after)}"


def _fine_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def fit_words(fit: FitChange, status: str) -> str:
    """ "fit 57 % → 62 % (+5 pts), verified 20 %, band within"."""
    if status in ("removed", "invalid"):
        return f"fit was {percent(fit.before)}, verified {percent(fit.verified_before)}, band {fit.band_before or '—'}"
    if status in ("added", "fixed"):
        return f"fit {percent(fit.after)}, verified {percent(fit.verified_after)}, band {fit.band_after or '—'}"
    change = points(fit.points)
    verified = points(fit.verified_points) if fit.verified_before != fit.verified_after else ""
    return (
        f"fit {pair(fit.before, fit.after)}{f' ({change})' if fit.before != fit.after and change else ''}, "
        f"verified {pair(fit.verified_before, fit.verified_after)}{f' ({verified})' if verified else ''}, "
        f"band {pair(fit.band_before or '—', fit.band_after or '—', str)}"
    )


def _value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, str) and name not in ("kind", "status", "segment"):
        short = value if len(value) <= 80 else value[:77] + "..."
        return json.dumps(short, ensure_ascii=False)
    return str(value)


def field_words(field: FieldChange) -> str:
    if field.name == "notes":
        return "notes changed"
    if field.name == "note":
        return "note changed"
    return f"{field.name} {_value(field.name, field.before)} → {_value(field.name, field.after)}"


def item_words(item: ItemChange) -> tuple[str, str]:
    """(sign, words): "+", "reliever 'r2' added: \"10-minute workouts\""."""
    owner = f"{_SINGULAR[item.section]} '{item.id}'"
    if item.change == "added":
        return "+", f"{owner} added: {_value('text', item.text)}"
    if item.change == "removed":
        return "-", f"{owner} removed: {_value('text', item.text)}"
    because = f" (experiment '{item.experiment}')" if item.experiment else ""
    return "~", f"{owner}: " + "; ".join(field_words(field) + (because if field.name == "status" else "") for field in item.fields)


def link_words(link: LinkChange) -> tuple[str, str]:
    """(sign, words): "+", "reliever 'r2' now relieves 'p4'"."""
    return (
        "+" if link.added else "-",
        f"{_SINGULAR[link.section]} '{link.item}' {'now' if link.added else 'no longer'} {_VERB[link.key]} '{link.target}'",
    )


def heading_words(change: DocumentChange) -> str:
    noun = NOUN[change.type]
    if change.status == "renamed":
        similar = f", {round((change.similarity or 0) * 100)} % identical" if change.similarity is not None else ""
        return f"{noun} {change.id_after}: renamed from {change.id_before}{similar} ({change.path_before} → {change.path_after})"
    path = change.path_after or change.path_before
    if change.status == "changed" and change.path_before != change.path_after:
        path = f"{change.path_before} → {change.path_after}"
    return f"{noun} {change.id}: {STATUS[change.status]} ({path})"


def detail_lines(change: DocumentChange) -> list[tuple[str, str]]:
    """What changed inside a document, one (sign, words) each."""
    lines = [("~", field_words(field)) for field in change.fields]
    lines += [item_words(item) for item in change.items]
    lines += [link_words(link) for link in change.links]
    return lines


def counts(changes: tuple[DocumentChange, ...]) -> dict[str, int]:
    return {status: sum(change.status == status for change in changes) for status in _STATUSES}


def summary_words(diff: SiteDiff) -> str:
    """ "canvases: 1 changed, 1 added, 3 unchanged; segments: no change; 2 new diagnostics, 0 resolved"."""

    def part(plural: str, found: dict[str, int], unchanged: int | None = None) -> str:
        said = [f"{n} {STATUS[status]}" for status, n in found.items() if n]
        if unchanged is not None:
            said.append(f"{unchanged} unchanged")
        return f"{plural}: " + (", ".join(said) if said else "no change")

    drops = len(diff.dropped)
    new = len(diff.new_diagnostics)
    return "; ".join(
        [
            part("canvases", counts(diff.canvases), diff.unchanged),
            part("segments", counts(diff.segments)),
            *([experiments.summary_part(diff.experiments)] if diff.has_experiments else []),
            f"{new} new diagnostic{'s' * (new != 1)}, {len(diff.resolved)} resolved",
        ]
    ) + (f"; fit dropped on {drops} canvas{'es' * (drops != 1)}" if drops else "")

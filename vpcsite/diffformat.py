"""A site diff in words: `text` for people at a terminal, `json` for tools (its format
is documented in docs/diff.md and versioned), `markdown` for a pull-request comment.

The comment leads with a table of fit changes, largest drop first, and folds the rest;
it stays under GitHub's 65,536-character limit by cutting what does not fit, with a
note that says so. Text from the content is escaped: a canvas cannot mention people,
open HTML or break the table.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import diffexperiments as experiments
from .diagnostics import format_text
from .diff import DocumentChange, SiteDiff
from .diffwords import NOUN, STATUS, counts, detail_lines, fit_words, heading_words, pair, points, side_name, summary_words
from .fit import percent

#: GitHub refuses a comment longer than this many characters.
COMMENT_LIMIT = 65_536
#: The hidden first line that marks vpcsite's comment, so CI updates it instead of
#: adding another on every push.
MARKER = "<!-- vpcsite-diff -->"
#: Rows of the fit table shown before the rest is folded.
OPEN_ROWS = 10
JSON_VERSION = 1

# --- text -------------------------------------------------------------------------


def format_text_diff(diff: SiteDiff, colour: bool = False) -> str:
    lines = [f"vpcsite diff {side_name(diff.before)} → {side_name(diff.after)}", summary_words(diff)]
    for change in (*diff.canvases, *diff.segments):
        lines.append("")
        lines.append(heading_words(change))
        if change.fit is not None:
            lines.append("  " + fit_words(change.fit, change.status))
        lines += [f"  {sign} {words}" for sign, words in detail_lines(change)]
        if change.status == "changed" and not (change.fields or change.items or change.links) and change.type == "value-map":
            lines.append("  (its segment changed)")
    for experiment in diff.experiments:
        lines.append("")
        lines.append(experiments.heading_words(experiment))
        lines += [f"  {sign} {words}" for sign, words in experiments.detail_lines(experiment)]
    text = "\n".join(lines) + "\n"
    if diff.new_diagnostics:
        text += f"\nnew diagnostics in {diff.after.label} ({len(diff.new_diagnostics)}):\n" + format_text(list(diff.new_diagnostics), colour)
    return text


# --- json -------------------------------------------------------------------------


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _document_json(change: DocumentChange) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": change.type,
        "status": change.status,
        "id": change.id,
        "id_before": change.id_before,
        "id_after": change.id_after,
        "path_before": change.path_before,
        "path_after": change.path_after,
        "similarity": _round(change.similarity, 4),
        "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in change.fields],
        "items": [
            {
                "change": i.change,
                "section": i.section,
                "id": i.id,
                "text": i.text,
                "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in i.fields],
                "experiment": i.experiment,
            }
            for i in change.items
        ],
    }
    if change.type == "value-map":
        fit = change.fit
        assert fit is not None
        data["links"] = [
            {"change": "added" if link.added else "removed", "section": link.section, "item": link.item, "key": link.key, "target": link.target}
            for link in change.links
        ]
        data["fit"] = {
            "before": _round(fit.before, 4),
            "after": _round(fit.after, 4),
            "points": _round(fit.points, 2),
            "verified_before": _round(fit.verified_before, 4),
            "verified_after": _round(fit.verified_after, 4),
            "verified_points": _round(fit.verified_points, 2),
            "band_before": fit.band_before,
            "band_after": fit.band_after,
            "dropped": fit.dropped,
        }
    return data


def format_json_diff(diff: SiteDiff) -> str:
    data = {
        "version": JSON_VERSION,
        "before": {"label": diff.before.label, "commit": diff.before.commit},
        "after": {"label": diff.after.label, "commit": diff.after.commit},
        "summary": {
            "canvases": {**counts(diff.canvases), "unchanged": diff.unchanged},
            "segments": counts(diff.segments),
            "experiments": experiments.counts(diff.experiments),
            "dropped": [change.id for change in diff.dropped],
            "new_diagnostics": len(diff.new_diagnostics),
            "resolved_diagnostics": len(diff.resolved),
        },
        "canvases": [_document_json(change) for change in diff.canvases],
        "segments": [_document_json(change) for change in diff.segments],
        "experiments": [experiments.as_json(change) for change in diff.experiments],
        "new_diagnostics": [d.as_dict() for d in diff.new_diagnostics],
        "resolved_diagnostics": [d.as_dict() for d in diff.resolved],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- markdown ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~@&])")
_SIGNS = {"+": "➕", "-": "➖", "~": "✏️", "=": "➡️"}


def md(text: str) -> str:
    """Content text made inert in a comment: no markup, no HTML, no @mention, one line."""
    text = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "&#64;"}.get(m.group(1), "\\" + m.group(1)), text)


def _code(text: str) -> str:
    """An id or path in code spans (ids hold letters, digits, '-', '_' and '/')."""
    return f"<code>{md(text)}</code>"


def _row(change: DocumentChange) -> str:
    fit = change.fit
    assert fit is not None
    name = _code(change.id) if change.status != "renamed" else f"{_code(change.id_before or '')} → {_code(change.id_after or '')}"
    status = STATUS[change.status]
    if change.status in ("removed", "invalid"):
        cells = [f"{percent(fit.before)} → —", "", f"{percent(fit.verified_before)} → —", f"{fit.band_before or '—'} → —"]
    elif change.status in ("added", "fixed"):
        cells = [f"— → {percent(fit.after)}", "", f"— → {percent(fit.verified_after)}", f"— → {fit.band_after or '—'}"]
    else:
        arrow = "" if fit.points is None or abs(fit.points) < 0.05 else ("▼ " if fit.points < 0 else "▲ ")
        cells = [
            pair(fit.before, fit.after),
            arrow + points(fit.points).replace("-", "−"),
            pair(fit.verified_before, fit.verified_after) + (f" ({points(fit.verified_points).replace('-', '−')})" if fit.verified_points else ""),
            pair(fit.band_before or "—", fit.band_after or "—", str),
        ]
    return "| " + " | ".join([name, status, *cells]) + " |"


_TABLE_HEAD = "| Canvas | Change | Fit | Points | Verified fit | Band |\n|---|---|---|---|---|---|"


def _details(change: DocumentChange) -> str | None:
    lines = detail_lines(change)
    if not lines:
        if change.type == "value-map":
            return None  # its row in the table says it all
        renamed = f" from {_code(change.id_before or '')}" if change.status == "renamed" else ""
        return f"- segment {_code(change.id)}: {md(STATUS[change.status])}{renamed}\n"
    summary = f"{NOUN[change.type]} {_code(change.id)}: {md(STATUS[change.status])}, {len(lines)} change{'s' * (len(lines) != 1)}"
    body = "\n".join(f"- {_SIGNS[sign]} {md(words)}" for sign, words in lines)
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>\n"


def _concluded_line(change: experiments.ExperimentChange) -> str:
    """ "- `pilot` Paid pilot: **refuted**, decision pivot; sets 2 statuses"."""
    decision = f", decision {md(change.decision)}" if change.decision else ""
    sets = len(change.statuses)
    moved = f"; {sets} item status{'es' * (sets != 1)} follow{'s' * (sets == 1)}" if sets else ""
    return f"- {_code(change.id)} {md(change.title)}: **{md(change.result or '')}**{decision}{moved}"


def _experiment_details(change: experiments.ExperimentChange) -> str:
    lines = experiments.detail_lines(change)
    summary = f"experiment {_code(change.id)}: {md(experiments.what_words(change))}"
    if not lines:
        return f"- {summary}\n"
    body = "\n".join(f"- {_SIGNS[sign]} {md(text)}" for sign, text in lines)
    return f"<details><summary>{summary}, {len(lines)} change{'s' * (len(lines) != 1)}</summary>\n\n{body}\n\n</details>\n"


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


class _Comment:
    """The comment as it grows, refusing a block that would take it past its budget."""

    def __init__(self, budget: int):
        self.parts: list[str] = []
        self.size = 0
        self.budget = budget
        self.cut = 0

    def add(self, block: str, closing: str = "") -> bool:
        """Add `block` if it and `closing` (what must still follow it) fit; after the
        first block that did not, nothing more is added."""
        if self.cut or self.size + len(block) + 1 + len(closing) > self.budget:
            self.cut += 1
            return False
        self.parts.append(block)
        self.size += len(block) + 1
        return True

    def close(self, block: str) -> None:
        """Add what must follow blocks already added (a closing tag, the note), from
        the room kept for it outside the budget."""
        self.parts.append(block)
        self.size += len(block) + 1


def _diagnostics_block(diff: SiteDiff, room: int) -> str:
    """The new diagnostics as compilers print them, as many as fit in `room`."""
    found = list(diff.new_diagnostics)
    lines = [format_text([d]) for d in found]
    fence = _fence("".join(lines))
    head = f"\n#### New diagnostics in {md(diff.after.label)} ({len(found)})\n\n<details open><summary>{len(found)} new</summary>\n\n{fence}text\n"
    tail = f"{fence}\n\n</details>"
    room -= len(head) + len(tail) + 200
    shown: list[str] = []
    for line in lines:
        if len(line) > room:
            break
        shown.append(line)
        room -= len(line)
    more = len(found) - len(shown)
    return head + "".join(shown) + (f"... and {more} more\n" if more else "") + tail


def format_markdown_diff(diff: SiteDiff, command: str = "vpcsite diff", limit: int = COMMENT_LIMIT) -> str:
    """The pull-request comment: the fit table first, then the details, folded."""
    note_room = 400
    out = _Comment(limit - note_room)
    out.add(MARKER)
    out.add(f"### Canvas changes: {md(side_name(diff.before))} → {md(side_name(diff.after))}\n")
    out.add(md(summary_words(diff)) + "\n")
    if diff.dropped:
        out.add(f"**Fit dropped** on {', '.join(_code(change.id) for change in diff.dropped[:20])}{' and more' if len(diff.dropped) > 20 else ''}.\n")
    rows = [_row(change) for change in diff.canvases]
    if rows:
        out.add(_TABLE_HEAD)
        for row in rows[:OPEN_ROWS]:
            out.add(row)
        if len(rows) > OPEN_ROWS:
            out.add(f"\n<details><summary>{len(rows) - OPEN_ROWS} more canvases</summary>\n\n{_TABLE_HEAD}", "\n</details>")
            for row in rows[OPEN_ROWS:]:
                if not out.add(row, "\n</details>"):
                    break
            out.close("\n</details>")
        out.add("")
    concluded = [change for change in diff.experiments if change.concluded]
    if concluded:
        out.add("#### Experiments concluded\n")
        for change in concluded:
            out.add(_concluded_line(change))
        out.add("")
    blocks = [block for block in (_details(change) for change in (*diff.canvases, *diff.segments)) if block is not None]
    blocks += [_experiment_details(change) for change in diff.experiments]
    if blocks:
        out.add("#### What changed\n")
        for block in blocks:
            out.add(block)
    if diff.new_diagnostics and not out.cut:
        out.add(_diagnostics_block(diff, out.budget - out.size))
    if out.cut:
        out.close(f"\n> [!NOTE]\n> Cut to stay under GitHub's {limit:,}-character limit for a comment: run `{command}` for the whole diff.")
    return "\n".join(out.parts) + "\n"


def format_diff(diff: SiteDiff, fmt: str, *, colour: bool = False, command: str = "vpcsite diff") -> str:
    if fmt == "json":
        return format_json_diff(diff)
    if fmt == "markdown":
        return format_markdown_diff(diff, command)
    return format_text_diff(diff, colour)


__all__ = ["COMMENT_LIMIT", "MARKER", "format_diff", "format_json_diff", "format_markdown_diff", "format_text_diff"]

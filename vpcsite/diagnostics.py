"""The one diagnostic type every user-facing problem travels in, and its formatters.

Stages return diagnostics instead of printing or raising, so one run can report every
finding, sorted, in the format the caller asked for (text, JSON, GitHub annotations).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


#: Every stable code with its severity and a short title. docs/content-format.md lists
#: them with examples; tests check the two agree so a new code cannot go undocumented.
CODES: dict[str, tuple[Severity, str]] = {
    # Reading the file and its front matter
    "VPC001": (Severity.ERROR, "file is not valid UTF-8"),
    "VPC002": (Severity.ERROR, "missing front matter"),
    "VPC003": (Severity.ERROR, "unclosed front matter"),
    "VPC004": (Severity.ERROR, "YAML syntax error"),
    "VPC005": (Severity.ERROR, "TOML syntax error"),
    "VPC006": (Severity.ERROR, "front matter is not a mapping"),
    "VPC007": (Severity.ERROR, "duplicate key"),
    "VPC008": (Severity.ERROR, "YAML anchor, alias or tag not allowed"),
    "VPC009": (Severity.ERROR, "front matter too large or too deeply nested"),
    "VPC010": (Severity.ERROR, "file cannot be read"),
    "VPC011": (Severity.ERROR, "file name is not valid UTF-8"),
    "VPC012": (Severity.ERROR, "folder cannot be read"),
    "VPC013": (Severity.ERROR, "file too large"),
    # The schema of one document
    "VPC101": (Severity.ERROR, "missing required key"),
    "VPC102": (Severity.ERROR, "unknown key"),
    "VPC103": (Severity.ERROR, "wrong type"),
    "VPC104": (Severity.ERROR, "value out of range"),
    "VPC105": (Severity.ERROR, "value not in the vocabulary"),
    "VPC106": (Severity.ERROR, "unquoted text read as a boolean, number or date"),
    "VPC107": (Severity.ERROR, "duplicate id in a document"),
    "VPC108": (Severity.ERROR, "duplicate segment or value-map id in the site"),
    "VPC109": (Severity.ERROR, "invalid id"),
    "VPC110": (Severity.ERROR, "page would overwrite another page"),
    "VPC111": (Severity.ERROR, "experiment names both a value map and a segment"),
    # Links between documents and items
    "VPC201": (Severity.ERROR, "reliever relieves an unknown pain"),
    "VPC202": (Severity.ERROR, "creator creates an unknown gain"),
    "VPC203": (Severity.ERROR, "product serves an unknown job"),
    "VPC204": (Severity.ERROR, "reliever or creator delivered by an unknown product"),
    "VPC205": (Severity.ERROR, "value map names an unknown segment"),
    "VPC206": (Severity.ERROR, "reference to the wrong kind of item"),
    # Experiments and business models
    "VPC207": (Severity.ERROR, "experiment names an unknown value map or segment"),
    "VPC208": (Severity.ERROR, "experiment tests an unknown item"),
    "VPC209": (Severity.ERROR, "experiment tests an id found in both the value map and its segment"),
    "VPC210": (Severity.ERROR, "business model names an unknown segment or value map"),
    # Warnings about the canvas
    "VPC301": (Severity.WARNING, "reliever relieves nothing"),
    "VPC302": (Severity.WARNING, "creator creates nothing"),
    "VPC303": (Severity.WARNING, "product serves no job and delivers nothing"),
    "VPC304": (Severity.WARNING, "severe pain not relieved"),
    "VPC305": (Severity.WARNING, "relevant gain not created"),
    "VPC306": (Severity.WARNING, "segment targeted by no value map"),
    "VPC307": (Severity.WARNING, "fit below the target band"),
    "VPC308": (Severity.WARNING, "declared status contradicts a concluded experiment"),
    "VPC309": (Severity.WARNING, "done experiment without a result"),
    "VPC310": (Severity.WARNING, "value proposition targets none of the business model's segments"),
    # Markdown (VPC501 and VPC506 reported by check and build, the others by build)
    "VPC501": (Severity.WARNING, "link or image with a disallowed URL scheme dropped"),
    "VPC502": (Severity.WARNING, "linked local file does not exist"),
    "VPC503": (Severity.WARNING, "linked file outside the content folder not copied"),
    "VPC504": (Severity.WARNING, "symbolic link leading outside the site not followed"),
    "VPC505": (Severity.WARNING, "linked file would replace a page of the site"),
    "VPC506": (Severity.WARNING, "raw HTML in Markdown shown as text"),
    "VPC507": (Severity.WARNING, "image cannot be read"),
    "VPC508": (Severity.WARNING, "Markdown nested too deeply"),
    # PDF handouts (reported by build)
    "VPC601": (Severity.WARNING, "file not embedded in a PDF"),
    "VPC602": (Severity.WARNING, "canvas does not fit on one PDF page"),
    "VPC603": (Severity.WARNING, "PDF rendering took too long"),
    # The dev server (shown in the browser's overlay and the terminal)
    "VPC701": (Severity.ERROR, "template error"),
    "VPC702": (Severity.ERROR, "internal error while building"),
    # The output folder (reported by build)
    "VPC801": (Severity.WARNING, "an earlier build's folder could not be deleted"),
    # site.toml (configuration errors: exit 2)
    "VPC401": (Severity.ERROR, "site.toml syntax error"),
    "VPC402": (Severity.ERROR, "unknown configuration key"),
    "VPC403": (Severity.ERROR, "invalid configuration value"),
}

CONFIG_CODES = frozenset(code for code in CODES if code.startswith("VPC4"))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding pinned to the place in the user's file that caused it."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


def diagnostic(code: str, path: str, line: int, column: int, message: str, hint: str | None = None) -> Diagnostic:
    """Build a diagnostic whose severity comes from the code table, so they never disagree."""
    return Diagnostic(code, CODES[code][0], path, line, column, message, hint)


def diagnostic_from(data: dict) -> Diagnostic:
    """A diagnostic from its `as_dict` form (as the build record keeps it)."""
    return Diagnostic(
        str(data["code"]),
        Severity(data["severity"]),
        str(data["path"]),
        int(data["line"]),
        int(data["column"]),
        str(data["message"]),
        None if data.get("hint") is None else str(data["hint"]),
    )


def display_path(path: Path, root: Path) -> str:
    """How a file is named in diagnostics: relative to the working folder when it lies
    inside it (so editors and CI annotations find it), else relative to the site root."""
    absolute = os.path.abspath(path)
    here = os.getcwd()
    if absolute == here or absolute.startswith(here.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, here)).as_posix()
    return Path(os.path.relpath(absolute, os.path.abspath(root))).as_posix()


def sort_diagnostics(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, line and column, dropping exact repeats (one cause, one line)."""
    return sorted(set(found), key=lambda d: d.sort_key)


def has_errors(found: Iterable[Diagnostic], strict: bool = False) -> bool:
    return any(d.severity is Severity.ERROR or strict for d in found)


# --- formatters -------------------------------------------------------------------

_COLOURS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


#: Characters that would start a new line, move the cursor, recolour the terminal or
#: reorder what follows: a key, a value or a file name holding one must not forge or
#: hide a line of output, so each is shown as an escape.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """`text` with every control, line-breaking or direction-changing character escaped
    (a newline as `\\n`, others as `\\xNN` or `\\uNNNN`), so it stays on its line."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(
        lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"), text
    )


def format_text(found: Sequence[Diagnostic], colour: bool = False) -> str:
    """`path:line:col: severity CODE message` plus an indented hint, like compilers print.
    Every finding is exactly its lines: what the user wrote is shown escaped (`visible`)."""
    lines: list[str] = []
    for d in found:
        where = f"{visible(d.path)}:{d.line}:{d.column}:"
        severity = d.severity.value
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLOURS[d.severity]}{severity}{_RESET}"
        lines.append(f"{where} {severity} {d.code} {visible(d.message)}")
        if d.hint:
            hint = f"{_DIM}hint:{_RESET}" if colour else "hint:"
            lines.append(f"  {hint} {visible(d.hint)}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary_line(found: Sequence[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in found)
    warnings = len(found) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_json(found: Sequence[Diagnostic]) -> str:
    """One JSON document: the counts first, so a tool need not count the list itself."""
    errors = sum(d.severity is Severity.ERROR for d in found)
    return (
        json.dumps(
            {
                "errors": errors,
                "warnings": len(found) - errors,
                "diagnostics": [d.as_dict() for d in found],
                "summary": summary_line(found),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _github_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(found: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so findings show on the pull request's diff."""
    lines = []
    for d in found:
        # The one line break is the one between message and hint; any in what the user
        # wrote is shown escaped, as in the text format.
        message = f"{d.code} {visible(d.message)}" + (f"\n{visible(d.hint)}" if d.hint else "")
        props = ",".join(
            [
                f"file={_github_escape(visible(d.path), prop=True)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={_github_escape(d.code, prop=True)}",
            ]
        )
        lines.append(f"::{d.severity.value} {props}::{_github_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")

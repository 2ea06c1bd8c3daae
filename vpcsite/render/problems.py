"""Template failures told as findings: a site's own template (or its theme's) that does
not compile, names something undefined, includes a missing file or recurses without end
is the site's mistake, reported at the template's file and line (VPC701), never as a
bug in vpcsite. Both `build` (exit 2) and `serve` (the overlay) tell them this way.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from ..diagnostics import Diagnostic, diagnostic, display_path

_HINT = "fix the template; the page reloads when it builds"
_BUILD_HINT = "fix the template, or delete it to use the built-in one"

#: vpcsite's own templates and themes: a failure that starts in one of them alone is
#: vpcsite's bug, not the site's.
_PACKAGE = Path(__file__).resolve().parent.parent


class TemplateProblem(Exception):
    """A template of the site's own failed; carries the finding. Raised in a worker
    process as well as in the parent, so it pickles with its one argument."""

    def __init__(self, found: Diagnostic):
        super().__init__(found)
        self.found = found


def _ours(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(_PACKAGE)
    except (OSError, ValueError):
        return False


def _template_frames(exc: BaseException) -> list[tuple[str, int]]:
    """(file, line) of every template frame of the traceback, outermost first. Jinja
    rewrites a rendering error's traceback so its frames name the template source."""
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".svg", ".xml", ".txt", ".j2", ".jinja")) and not frame.filename.endswith(".py"):
            frames.append((frame.filename, frame.lineno or 1))
    return frames


def _message(exc: BaseException) -> str:
    from jinja2 import TemplateNotFound, TemplatesNotFound, TemplateSyntaxError

    if isinstance(exc, RecursionError):
        return "template error: it calls itself without end (a macro or include that never stops)"
    if isinstance(exc, (TemplateNotFound, TemplatesNotFound)):
        return f"template error: template '{exc.name}' not found"
    if isinstance(exc, TemplateSyntaxError):
        return f"template error: {exc.message}"
    return f"template error: {' '.join(str(exc).split())[:300]}"


def locate(exc: BaseException, root: Path, hint: str = _BUILD_HINT) -> Diagnostic | None:
    """The finding for a template failure of the site's own, at the template's file and
    line; None when the failure is not a template's, or lies in vpcsite's own templates
    alone (a bug to report)."""
    from jinja2 import TemplateError, TemplateSyntaxError

    if isinstance(exc, TemplateProblem):
        return exc.found
    if not isinstance(exc, (TemplateError, RecursionError)):
        return None
    if isinstance(exc, TemplateSyntaxError) and exc.filename and not _ours(exc.filename):
        return diagnostic("VPC701", display_path(Path(exc.filename), root), exc.lineno or 1, 1, _message(exc), hint)
    frames = [frame for frame in _template_frames(exc) if not _ours(frame[0])]
    if not frames:
        return None
    # The innermost template of the site's own: where the failing line was written.
    filename, line = frames[-1]
    return diagnostic("VPC701", display_path(Path(filename), root), line, 1, _message(exc), hint)


def template_problem(exc: BaseException, root: Path) -> Diagnostic:
    """For the dev server, which shows every failure instead of dying: a template's at
    its line, anything else as what it is (the terminal shows the details)."""
    from jinja2 import TemplateError

    found = locate(exc, root, _HINT)
    if found is not None:
        return found
    if isinstance(exc, TemplateError):
        return diagnostic("VPC701", "templates", 1, 1, _message(exc), _HINT)
    return diagnostic(
        "VPC702", "vpcsite", 1, 1, f"internal error: {type(exc).__name__}: {exc}", "this is a bug in vpcsite; the terminal shows the details"
    )

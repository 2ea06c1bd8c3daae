"""One site being served: a private build folder (in memory where the system has one),
the documents kept parsed between rebuilds, and what each rebuild tells the pages and
the terminal."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildOptions, ConfigError, build_site
from ..content import DocumentCache
from ..diagnostics import Diagnostic, Severity, format_text, summary_line
from ..render.problems import template_problem
from .reload import BuildState, Channel

#: Folders and files of a site that a rebuild reads (DESIGN §12).
WATCHED_FOLDERS = ("templates", "themes", "static")
WATCHED_FILES = ("site.toml",)


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    pdf: bool = False
    drafts: bool = False
    jobs: int = 0
    open_browser: bool = False


def _scratch_parent() -> str | None:
    """Where the private build goes: a memory-backed folder when there is one (a
    thousand folders are made there in milliseconds, against a third of a second on
    some disks), else the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


class DevSite:
    """Builds a site into a private folder again and again, keeping what it can."""

    def __init__(self, root: Path, options: ServeOptions, say: Callable[[str], None]):
        self.root = root
        self.options = options
        self.say = say
        self.scratch = Path(tempfile.mkdtemp(prefix="vpcsite-serve-", dir=_scratch_parent()))
        self.output = self.scratch / "site"
        self.cache = DocumentCache()
        self.channel = Channel()
        self.number = 0
        self.warm = False

    def folder(self) -> Path:
        """The last good build (the server reads files from here)."""
        return self.output

    def rebuild(self, changed: list[str]) -> BuildState:
        """Build, and tell the pages and the terminal what came of it. Broken content,
        configuration or templates are findings to show, never a reason to stop."""
        start = time.perf_counter()
        findings: list[Diagnostic]
        written = False
        outputs: list[str] = []
        try:
            result = build_site(
                self.root,
                BuildOptions(pdf=self.options.pdf, drafts=self.options.drafts, jobs=self.options.jobs),
                cache=self.cache,
                private=self.output,
            )
            findings, written, outputs = result.diagnostics, result.written, result.changed
            if written and result.checked is not None and not self.warm:
                # The first build made data/site.json and the search index in a worker
                # process, so what it remembered is gone with it: remember it here,
                # once, for the rebuilds.
                from ..render.data import site_json
                from ..render.search import search_script

                site_json(result.checked.config, result.checked)
                search_script(result.checked.site)
                self.warm = True
        except ConfigError as exc:
            findings = exc.diagnostics
        except Exception as exc:  # a template of the site's own, or a bug: shown, not fatal
            findings = [template_problem(exc, self.root)]
        self.number += 1
        # What kept the build from being written: its errors, or its warnings under --strict.
        stopping = [] if written else ([d for d in findings if d.severity is Severity.ERROR] or findings)
        warnings = sum(d.severity is Severity.WARNING for d in findings)
        state = BuildState(self.number, outputs, [d.as_dict() for d in stopping], warnings)
        self.channel.publish(state)
        took = (time.perf_counter() - start) * 1000
        # An editor's save passes through temporary files; name what is there now.
        named = [path for path in changed if (self.root / path).exists() or path.endswith((".md", ".toml"))] or changed
        what = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "") if named else "first build"
        if written:
            pages = sum(1 for url in outputs if url.endswith(".html"))
            self.say(f"{what}: rebuilt in {took:.0f} ms, {pages} pages changed ({summary_line(findings)})")
        else:
            self.say(f"{what}: not built, {took:.0f} ms ({summary_line(findings)}); still serving the last good build")
            self.say(textwrap.indent(format_text(stopping), "  ").rstrip("\n"))
        return state

    def close(self) -> None:
        self.channel.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

"""One site being served: a private build folder (in memory where the system has one),
the documents kept parsed between rebuilds, and what each rebuild tells the pages and
the terminal."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildOptions, ConfigError, build_site
from ..content import DocumentCache
from ..diagnostics import Diagnostic, Severity, format_text, summary_line
from ..memory import paused_gc
from ..output import GaveWay, Later, never
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
        #: What the rebuild under way writes once its pages are served (build_site's
        #: `later`): the index and the fit summary, site.json, the search index and
        #: the record, with what writes each. A request for one of them waits until
        #: it is written (`settle`).
        self._later: Later = []
        self._written = threading.Condition()
        #: Whether a change waits to be built (the watcher's): what a build leaves for
        #: after its pages is then left to the next one, which comes at once.
        self.waiting: Callable[[], bool] = never
        #: Files changed since the last build written (absolute paths, as the watcher
        #: saw them; a build that fails leaves its own for the next); None: not known,
        #: as before the first build: every file is looked at.
        self._unbuilt: set[str] | None = None

    def folder(self) -> Path:
        """The last good build (the server reads files from here)."""
        return self.output

    def settle(self, relative: str) -> None:
        """Wait until the output at `relative` is written, if the rebuild under way writes
        it after its pages (site.json, the search index)."""
        with self._written:
            self._written.wait_for(lambda: all(path != relative for path, _ in self._later), timeout=120)

    def rebuild(self, changed: list[str]) -> BuildState:
        """Build, and tell the pages and the terminal what came of it. Broken content,
        configuration or templates are findings to show, never a reason to stop.

        site.json and the search index are written after the pages are served and the
        reload is sent, in this process, which then remembers their entries for the
        next rebuild; a request for either waits for it (`settle`)."""
        start = time.perf_counter()
        findings: list[Diagnostic]
        written = False
        outputs: list[str] = []
        later = self._later
        unbuilt = self._unbuilt
        if unbuilt is not None:
            unbuilt.update(str(self.root.resolve() / path) for path in changed)
        try:
            result = build_site(
                self.root,
                BuildOptions(pdf=self.options.pdf, drafts=self.options.drafts, jobs=self.options.jobs),
                cache=self.cache,
                private=self.output,
                later=later,
                changed=unbuilt,
            )
            findings, written, outputs = result.diagnostics, result.written, result.changed
        except ConfigError as exc:
            findings = exc.diagnostics
        except Exception as exc:  # a template of the site's own, or a bug: shown, not fatal
            findings = [template_problem(exc, self.root)]
        if written:
            self._unbuilt = set()
        else:
            self._done_later()
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
        self._write_later()
        return state

    def _write_later(self) -> None:
        """Write what the build left for after its pages, one file after the other. If
        one cannot be written, the build record goes: the next rebuild makes everything
        again rather than trust a file that is not what the record says. A template of
        the site's own that fails on a page written here (the index, the fit summary) is
        shown in the overlay as it would be had it failed with the others.

        When the author saves again meanwhile, the outputs not yet written are left to
        the next build (their keys forgotten: staging.unwritten), which then comes at
        once: a save never waits for the lists of the one before. What must be done in
        any case (the record, last; letting the build's views go) does not ask."""
        from ..record import RECORD_FILE
        from ..staging import tidy_spare, unwritten

        try:
            while self._later:
                relative, write = self._later[0]
                try:
                    with paused_gc():  # as a build's own writes are (memory.py)
                        write(self.output, self.waiting)
                except GaveWay:
                    unwritten(self.output, [relative])
                with self._written:
                    self._later.pop(0)
                    self._written.notify_all()
            if not self.waiting():
                tidy_spare(self.output)  # what the next build would do first
        except Exception as exc:
            (self.output / RECORD_FILE).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                self.say(f"error: {relative} could not be written ({exc}); the next rebuild makes the whole site again")
            else:
                found = template_problem(exc, self.root)
                self.number += 1
                self.channel.publish(BuildState(self.number, [], [found.as_dict()], 0))
                self.say(f"{relative}: not built ({summary_line([found])}); the rest of the site is served")
                self.say(textwrap.indent(format_text([found]), "  ").rstrip("\n"))
        finally:
            self._done_later()

    def _done_later(self) -> None:
        with self._written:
            self._later.clear()
            self._written.notify_all()

    def close(self) -> None:
        self.channel.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

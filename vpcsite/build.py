"""The pipeline: check (check.py) → render what changed → write, atomically.

A build reads the last build's record (record.py) first: with nothing changed it repeats
that build's findings and writes nothing; otherwise it checks the site, renders the
pages whose inputs changed into a staging folder beside the output, takes every other
file over from the last build, and swaps the staging folder in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .check import CheckResult
    from .content import DocumentCache
    from .output import Later
    from .record import BuildRecord
    from .theme import Theme

from .config import CONFIG_FILE, ConfigError, SiteConfig, load_config, theme_problem
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .memory import give_back, paused_gc


# `check_site`, `CheckResult` and `ConfigError` are imported from here by callers that
# build as well as check. The first two load the parsers and the models, which a build
# with nothing changed never needs: they are imported when first asked for.
def __getattr__(name: str) -> object:
    if name in ("check_site", "CheckResult"):
        from . import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- build ------------------------------------------------------------------------


class Stages:
    """How long each stage of a build took (`-v` prints them)."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - start))


class _NotWritten(Exception):
    def __init__(self, found: list[Diagnostic]):
        super().__init__("not written")
        self.found = found


@dataclass(frozen=True)
class BuildOptions:
    output: Path | None = None
    pdf: bool = True
    strict: bool = False
    drafts: bool = False
    jobs: int = 0  # 0: all cores
    base_url: str | None = None
    force: bool = False
    #: Ignore the last build's record: read, check and render everything.
    force_all: bool = False


@dataclass(frozen=True)
class BuildResult:
    checked: CheckResult | None
    diagnostics: list[Diagnostic]
    written: bool
    output: Path
    pages: int
    #: Canvas PDFs laid out in this build, and those taken unchanged from the last one.
    pdf_rendered: list[str] = field(default_factory=list)
    pdf_reused: list[str] = field(default_factory=list)
    #: Outputs rendered, taken over from the last build, and gone since it.
    rendered: int = 0
    reused: int = 0
    deleted: int = 0
    #: Nothing changed since the last build: nothing was read, checked or written.
    unchanged: bool = False
    #: Outputs whose key differs from the last build's (all of them without one), and
    #: outputs gone since: what a browser showing the last build must reload.
    changed: list[str] = field(default_factory=list)
    #: (stage, seconds) in order.
    timings: list[tuple[str, float]] = field(default_factory=list)
    #: Things the build could not do that are not the content's fault (fit history in a
    #: shallow clone): told, never an error.
    notes: list[str] = field(default_factory=list)


def build_site(
    root: Path,
    options: BuildOptions = BuildOptions(),
    *,
    cache: DocumentCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    private: Path | None = None,
    later: Later | None = None,
    changed: Collection[str] | None = None,
) -> BuildResult:
    """Check, then render what changed into a staging folder and swap it in on success.

    Raises ConfigError (site.toml, theme) and OutputRefused (unsafe output folder) before
    anything is written; content errors return a result with `written = False`.
    `private` is an output folder vpcsite made for itself outside the site (the dev
    server's), used instead of the configured one and its guards. `later` (with
    `private` only): site.json, the search index and, when they changed and a build
    went before, the index and fit summary are not written but put there, each with
    what writes it into the output folder; the caller does so once this returns
    (render/write.py's write_site says why), before it builds again. `changed` (with
    `private` only): every file changed since the last build written there, by absolute
    path, as a watcher saw them; None: every file is looked at.
    """
    from .output import guard_output
    from .theme import ThemeError, find_theme, theme_chain

    config, problems = load_config(root)
    if config is None:
        raise ConfigError(sort_diagnostics(problems))
    if options.base_url is not None:
        config = config.model_copy(update={"base_url": options.base_url})
    try:
        theme = find_theme(config.theme, root)
        theme_chain(theme, root)  # a theme that extends a missing one is found here, not mid-render
    except ThemeError as exc:
        from .theme import available_themes

        raise ConfigError([theme_problem(root, str(exc), available_themes(root))]) from None
    output = root / (options.output if options.output is not None else Path(config.output_dir))
    protected = [root / config.content_dir, root / "templates", root / "themes", root / "static", root / CONFIG_FILE]
    target = private if private is not None else guard_output(output, root, protected, force=options.force)
    with paused_gc():
        try:
            return _build(
                root, config, theme, target, options, cache, progress, trusted=private is not None, later=later if private else None, changed=changed
            )
        except Exception as exc:
            from .render.problems import locate

            found = locate(exc, root)  # a template of the site's own failed: its mistake
            if found is None:
                raise
            raise ConfigError([found]) from None


def _build(
    root: Path,
    config: SiteConfig,
    theme: Theme,
    target: Path,
    options: BuildOptions,
    cache: DocumentCache | None,
    progress: Callable[[str, int, int], None] | None,
    trusted: bool = False,
    later: Later | None = None,
    changed: Collection[str] | None = None,
) -> BuildResult:
    """The build proper. `trusted`: the output folder is the caller's own (the dev
    server's private one), so nobody edits it between builds and its files need not be
    compared with the record."""
    from .output import MARKER, linking, prune
    from .record import (
        BuildRecord,
        asset_paths,
        build_setting,
        fingerprint_files,
        fingerprints_after,
        input_paths,
        load_documents,
        load_record,
        save_documents,
        save_record,
        template_stamp,
    )
    from .staging import recover as recover_output
    from .staging import served, served_record, spare_known, staged_output, stuck_tree

    stages = Stages()
    pdf = options.pdf and config.pdf.enabled
    setting = build_setting(root, config, options.drafts, pdf, options.strict)
    with stages("scan"):
        # What an interrupted build left (a swap cut in two, staging folders, replaced
        # trees) is put right first, so the record below is read from a whole output.
        stuck = recover_output(target)
        last = served_record(target, setting) if trusted else None
        if last is None and (target / MARKER).is_file():
            last = load_record(target, setting)
        # --force-all trusts nothing the last build recorded: every input is hashed and
        # every output made again (its files still serve as a template, see `ahead`).
        record = None if options.force_all else last
        scanned = time.time_ns()
        # Absolute paths: the record holds the same names from whatever folder it runs.
        site = root.resolve()
        # The dev server names what changed since its last build (its watcher saw it).
        inputs = fingerprints_after(record.inputs, changed, scanned) if trusted and changed is not None and record is not None else None
        if inputs is None:
            paths = input_paths(site, config, theme, pdf) + asset_paths(site, config, record.pages if record else {})
            inputs = fingerprint_files(paths, record.inputs if record else {}, scanned)
        whole = last is not None and (trusted or last.intact(target))
        git = _open_repository(root) if config.git.history else None
        head = git[1] if git else ""
    previous = record if whole else None
    if previous is not None and previous.inputs == inputs and previous.head == head and previous.whole():
        return _replayed(previous, target, stages.timings, [stuck_tree(tree, root) for tree in stuck])
    from . import memo
    from .memostore import keep_part, recall_parts

    # What this build asks the memo for is what it keeps for the next (memostore.py);
    # the dev server's builds keep it in their process.
    memo.track(not trusted)
    # Every output of the last build, when the output folder holds them as it wrote
    # them, is linked into staging ahead of time (its folders made while the site is
    # checked). What this build makes replaces its file there unless the bytes are the
    # same (output.write_file), so an unchanged file keeps its inode and its time, even
    # under --force-all; what this build no longer makes is pruned.
    ahead = sorted(last.outputs) if whole and last is not None else []
    spare = spare_known(target, last) if trusted else None
    strict = options.strict or config.check.strict
    ignored = set(config.check.ignore)
    renderer = None
    try:
        with staged_output(target, stuck=stuck, in_thread=trusted, recycle=True) as staging, linking(target, staging, ahead, spare) as linked:
            with stages("check"):
                from .check import check_site
                from .content import DocumentCache

                if cache is None:
                    # Pickles of another vpcsite are never loaded: only a record of this code.
                    cache = load_documents(target) if record is not None else DocumentCache()
                if previous is not None and not trusted:
                    # A new process: what the last build's process worked out, it kept.
                    recall_parts(target)
                known = {path: fp[3] for path, fp in inputs.items() if fp is not None}
                checked = check_site(root, config, drafts=options.drafts, cache=cache, last_layout=False, jobs=options.jobs, digests=known)
                give_back()  # before the render workers are forked with it
            if checked.failed(strict):
                raise _NotWritten(checked.diagnostics)
            from .render.site import SiteRenderer
            from .render.write import write_site

            history = None
            if config.git.history:
                with stages("history"):
                    from .history import SiteHistory, canvas_files, site_history

                    if git is None:  # not in a git repository: no history, and nothing to say
                        history = SiteHistory(note=None)
                    else:
                        files = canvas_files(checked.site, config.content_dir)
                        history = site_history(
                            root, config.content_dir, files, config.git.history, config.fit.target, record.history if record else None, git
                        )
            with stages("prepare"):
                renderer = SiteRenderer(root, config, theme, checked, pdf=pdf, history=history)
            with stages("link"):
                linked()
            with stages("pages"):
                stamp = template_stamp(site, theme, inputs)

                # The parsed documents are pickled for the next build's process by a
                # worker while the other renders pages (a tenth of a second at 1,000
                # canvases). The dev server's builds keep them in its own memory.
                def keep(folder: Path) -> None:
                    save_documents(cache, folder, target if record is not None else None)
                    keep_part(folder, "checks")  # a worker forked after the checks holds them

                memory = None if trusted else target
                tasks = () if trusted else (keep,)
                pages = write_site(
                    renderer,
                    staging,
                    jobs=options.jobs,
                    progress=progress,
                    previous=previous,
                    template_stamp=stamp,
                    tasks=tasks,
                    memory=memory,
                    later=later,
                )
            rendered: list[str] = []
            reused: list[str] = []
            made = set(renderer.output_keys)
            if pdf:
                from .render.pdf import write_pdfs

                with stages("pdf"):
                    report = write_pdfs(renderer, staging, target if (target / MARKER).is_file() else None, workers=options.jobs, progress=progress)
                renderer.absorb((report.diagnostics, {}))
                rendered, reused = report.rendered, report.reused
                made.update(report.written)
            gone = [path for path in ahead if path not in made]
            prune(staging, gone)
            left = [stuck_tree(tree, root) for tree in stuck]
            found = sort_diagnostics(d for d in [*checked.diagnostics, *renderer.diagnostics(), *left] if d.code not in ignored)
            notes = [history.note] if history is not None and history.note else []
            if has_errors(found, strict):
                # Rendering found something (a dropped link under --strict): keep the old site.
                raise _NotWritten(found)
            with stages("record"):
                linked_files = [path for path in asset_paths(site, config, renderer.page_records) if path not in inputs]
                fresh = BuildRecord(
                    setting,
                    scanned,
                    {**inputs, **fingerprint_files(linked_files, {}, scanned)},
                    {url: (key, 0, 0, 0) for url, key in renderer.output_keys.items()},
                    renderer.page_records,
                    renderer.card_keys.record(),
                    renderer.template_keys.record() if renderer.template_keys else {},
                    [d.as_dict() for d in found if d.code != "VPC801"],  # said again only while it stays
                    {"pages": pages, "pdf_rendered": rendered, "pdf_reused": reused, "notes": notes},
                    history.cache if history else {},
                    head,
                )
                save_record(staging, fresh, made if trusted else None, later if trusted else None)
    except _NotWritten as refused:
        if renderer is not None:
            renderer.deferred = []  # nothing is written later
        return BuildResult(checked, refused.found, False, target, 0, timings=stages.timings)
    finally:
        if renderer is not None and not renderer.deferred:
            renderer.release()
    if trusted:
        # The output just replaced is kept as the spare (staging.py), and will be the next
        # build's staging folder.
        served(target, fresh, last)
    return BuildResult(
        checked,
        found,
        True,
        target,
        pages,
        rendered,
        reused,
        rendered=len(renderer.rendered),
        reused=len(renderer.reused),
        deleted=len(gone),
        timings=stages.timings,
        notes=notes,
        changed=sorted({*(url for url, key in renderer.output_keys.items() if previous is None or previous.key_of(url) != key), *gone}),
    )


def _replayed(record: BuildRecord, target: Path, timings: list[tuple[str, float]], stuck: list[Diagnostic]) -> BuildResult:
    """Nothing changed since the last build: its output stands, and its findings are
    this build's findings, exactly (and what could not be cleaned up beside it)."""
    from .diagnostics import diagnostic_from

    found = sort_diagnostics([*(diagnostic_from(d) for d in record.diagnostics), *stuck])
    summary = record.summary
    return BuildResult(
        None,
        found,
        True,
        target,
        int(summary.get("pages", 0)),
        [],
        sorted({*summary.get("pdf_rendered", ()), *summary.get("pdf_reused", ())}),
        reused=int(summary.get("pages", 0)),
        unchanged=True,
        timings=timings,
        notes=list(summary.get("notes", ())),
    )


def _open_repository(root: Path) -> tuple[Any, str] | None:
    """The site's repository and where HEAD is (history.open_repository): a build
    after a new commit shows that commit."""
    from .history import open_repository

    return open_repository(root)

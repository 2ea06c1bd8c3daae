"""A site as it stands at a git revision or in the working tree, checked by the same
pipeline as `vpcsite check`: what `vpcsite diff` compares (and fit history will score).

A revision is read from git's objects into memory (gitrepo.py), never written to disk;
its own site.toml decides its content folder, target band and ignored codes. A
revision whose site.toml or content is broken is still a snapshot: its problems are
its diagnostics, and what could be loaded is scored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .check import CheckResult, assemble, check_loaded, check_site
from .config import CONFIG_FILE, ConfigError, SiteConfig, content_dir_missing_at, parse_config
from .content import DocumentCache, Pending, content_from, undecodable_name
from .diagnostics import Diagnostic, diagnostic, display_path, sort_diagnostics
from .gitrepo import EXECUTABLE, REGULAR, SYMLINK, Repository, TreeEntry, link_target
from .memory import paused_gc
from .paths import digest_of
from .schema import default_type
from .workers import cpu_count

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: what it is called, its commit (None for the working
    tree) and the result of checking it."""

    label: str
    commit: str | None
    result: CheckResult


def _empty(config: SiteConfig, found: list[Diagnostic]) -> CheckResult:
    return CheckResult(config, assemble([]), {}, sort_diagnostics(found))


def worktree_snapshot(root: Path, *, drafts: bool = False, jobs: int = 0, cache: DocumentCache | None = None) -> Snapshot:
    """The site as `vpcsite check` sees it now (files not yet committed included). A
    broken site.toml is reported, and the content checked with the defaults. A `cache`
    shared with other snapshots parses a file unchanged between them once."""
    try:
        return Snapshot(WORKING_TREE, None, check_site(root, drafts=drafts, last_layout=False, jobs=jobs, cache=cache))
    except ConfigError as exc:
        problems = list(exc.diagnostics)
    try:
        result = check_site(root, SiteConfig(), drafts=drafts, last_layout=False, jobs=jobs, cache=cache)
    except ConfigError as exc:
        return Snapshot(WORKING_TREE, None, _empty(SiteConfig(), problems + exc.diagnostics))
    return Snapshot(
        WORKING_TREE, None, CheckResult(result.config, result.site, result.fits, sort_diagnostics(problems + result.diagnostics), result.unloaded)
    )


def revision_snapshot(
    repo: Repository, commit: str, label: str, *, drafts: bool = False, jobs: int = 0, cache: DocumentCache | None = None
) -> Snapshot:
    """The site at `commit`: its site.toml, then every content file, read in one batch.
    A `cache` shared with other snapshots parses a file unchanged between them once."""
    root = repo.root
    shown_config = display_path(root / CONFIG_FILE, root)
    data = repo.read(commit, CONFIG_FILE)
    config: SiteConfig | None = SiteConfig()
    problems: list[Diagnostic] = []
    if data is not None:
        config, problems = parse_config(data, shown_config)
    config = config or SiteConfig()
    entries = repo.list_files(commit, config.content_dir)
    if not entries:
        where = shown_config if data is not None else display_path(root / config.content_dir, root)
        problems.append(content_dir_missing_at(where, config.content_dir, label))
        return Snapshot(label, commit, _empty(config, problems))
    pending, failed = _pending(repo, commit, config.content_dir, entries, problems)
    with paused_gc():  # as check_site loads: many short-lived objects, no cycles
        loaded = content_from(pending, drafts=drafts, cache=cache, workers=jobs or cpu_count(), found=problems, failed=failed)
        return Snapshot(label, commit, check_loaded(config, loaded))


def _walk_order(relative: str) -> tuple[tuple[int, str], ...]:
    """The order `paths.content_files` walks a folder in (its files, then its folders,
    each sorted), so documents load in the same order as from the working tree."""
    parts = relative.split("/")
    return (*tuple((1, part) for part in parts[:-1]), (0, parts[-1]))


def _pending(
    repo: Repository, commit: str, content_dir: str, entries: list[TreeEntry], found: list[Diagnostic]
) -> tuple[list[Pending], set[tuple[str, str]]]:
    """The content files of a revision, read in one request, as `content_from` takes them;
    problems with single files (a name that is not UTF-8, a link that leads nowhere)
    are added to `found` as the working tree's check reports them."""
    root = repo.root
    base = content_dir.rstrip("/") + "/"
    by_path = {entry.path: entry for entry in entries}
    wanted: list[tuple[str, TreeEntry]] = []
    for entry in entries:
        relative = entry.path[len(base) :]
        parts = relative.split("/")
        if not relative.endswith(".md") or any(part.startswith(".") for part in parts):
            continue
        if entry.mode not in (REGULAR, EXECUTABLE, SYMLINK):
            continue  # a submodule
        wanted.append((relative, entry))
    wanted.sort(key=lambda pair: _walk_order(pair[0]))
    blobs = repo.read_blobs([entry.blob for _, entry in wanted])
    failed: set[tuple[str, str]] = set()
    pending: list[Pending] = []
    for relative, entry in wanted:
        path = root / base / relative
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:
            found.append(undecodable_name(path, root))
            continue
        display = display_path(path, root)
        data = blobs.get(entry.blob)
        if entry.mode == SYMLINK and data is not None:
            data = _follow(repo, commit, entry, data, by_path, blobs, display, found)
        if data is None:
            failed.add((default_type(relative), PurePosixPath(relative).stem))
            continue
        pending.append((display, relative, data, digest_of(data)))
    return pending, failed


def _follow(
    repo: Repository,
    commit: str,
    link: TreeEntry,
    target: bytes,
    by_path: dict[str, TreeEntry],
    blobs: dict[str, bytes],
    display: str,
    found: list[Diagnostic],
) -> bytes | None:
    """The bytes a symbolic link in a revision points at, when it stays inside the site."""
    path = link_target(link.path, target)
    if path is None:
        # named as the working tree's check names it, so the finding compares equal
        where = os.path.realpath(os.path.join(repo.root, os.path.dirname(link.path), target.decode("utf-8", "replace")))
        found.append(
            diagnostic(
                "VPC504",
                display,
                1,
                1,
                f"symbolic link to {where} leads outside the site and is not followed",
                "copy the file into the site instead of linking to it",
            )
        )
        return None
    entry = by_path.get(path)
    data = blobs.get(entry.blob) if entry is not None and entry.mode != SYMLINK else repo.read(commit, path)
    if data is None:
        found.append(
            diagnostic(
                "VPC010",
                display,
                1,
                1,
                f"symbolic link to {target.decode('utf-8', 'replace')}, which does not exist at this revision",
                "point the link at an existing file, or delete it",
            )
        )
    return data

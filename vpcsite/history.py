"""Fit history from git: for each canvas, its fit at the last commits that touched its
value map, its segment or an experiment on them, and the commit that last changed it
(DESIGN §11).

Git is read in at most four processes per build, whatever the site's size: one
`rev-parse` (is this a repository, is it shallow, where is HEAD), one `log` of the
content folder and site.toml, one `status` (which files are not committed yet), and one
`cat-file --batch` for the revisions no earlier build has scored. Points are cached by
commit id, value-map path, segment path, target band and a hash of the experiments'
paths (the build record keeps them), so a rebuild with no new commit reads no old revision again, and one
after a new commit reads only what that commit changed.

Each point is scored the way `check` scores the files at that commit, with today's
target band: the experiments on the canvas (those that test its value map or its
segment today, as they were at that commit) set the statuses of what they test first
(evidence.py), so the verified fit of a point is the one the site showed then. A
revision that does not load (invalid then) or whose value map targeted another segment
is left out of the series; an experiment that did not exist or did not load then is
left out of that point.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Notes shown on the fit summary when history cannot be read in full.
SHALLOW_NOTE = "this is a shallow clone, so fit history is cut short: run 'git fetch --unshallow' (in CI: fetch-depth: 0)"
NO_COMMITS_NOTE = "the repository has no commits yet: fit history starts with the first commit"


@dataclass(frozen=True)
class Commit:
    oid: str
    time: int
    subject: str
    #: Paths relative to the site root that the commit changed (under content/, site.toml).
    files: frozenset[str]

    @property
    def date(self) -> str:
        """The commit's day in UTC: the same on every machine."""
        return time.strftime("%Y-%m-%d", time.gmtime(self.time))


@dataclass(frozen=True)
class Point:
    commit: str
    date: str
    fit: float | None
    verified: float | None


@dataclass(frozen=True)
class CanvasHistory:
    """One canvas's series, oldest first, and its last change."""

    points: tuple[Point, ...]
    last_commit: str
    last_date: str
    last_subject: str
    #: The value map or segment has changes not committed yet.
    uncommitted: bool

    def as_data(self) -> dict[str, Any]:
        return {
            "last_change": {"commit": self.last_commit, "date": self.last_date, "subject": self.last_subject} if self.last_commit else None,
            "uncommitted": self.uncommitted,
            "fit": [{"commit": p.commit, "date": p.date, "fit": p.fit, "verified_fit": p.verified} for p in self.points],
        }


@dataclass
class SiteHistory:
    """What the build shows of git: a history per canvas id, or a note why there is none."""

    head: str = ""
    canvases: dict[str, CanvasHistory] = field(default_factory=dict)
    note: str | None = None
    #: Scored points, for the next build: "commit:value map:segment:band" → [fit,
    #: verified], or None where the revision did not load.
    cache: dict[str, list[float | None] | None] = field(default_factory=dict)
    #: Revisions read from git by this build (0 when every point was cached).
    read: int = 0

    def key(self, map_id: str) -> str:
        """What a page showing this canvas's history depends on."""
        found = self.canvases.get(map_id)
        return repr(found) if found is not None else ""


# --- git, at the edge (gitrepo.Repository) --------------------------------------------


def open_repository(root: Path) -> tuple[Any, str] | None:
    """The repository holding the site and the commit HEAD names ("" before the first
    commit), or None outside git: two `rev-parse` processes."""
    from .gitrepo import GitError, Repository

    try:
        repo = Repository(root)
    except GitError:
        return None
    return repo, repo.head()


def parse_log(out: bytes) -> list[Commit]:
    """`Repository.log` output → commits, newest first."""
    commits = []
    for chunk in out.split(b"\x01")[1:]:
        head, _, rest = chunk.partition(b"\x00")
        oid, stamp, subject = head.decode("utf-8", "replace").split("\x1f", 2)
        names = frozenset(n.decode("utf-8", "surrogateescape").lstrip("\n") for n in rest.split(b"\x00"))
        commits.append(Commit(oid, int(stamp), subject, frozenset(n for n in names if n)))
    return commits


# --- scoring a series ---------------------------------------------------------------------


@dataclass(frozen=True)
class CanvasFiles:
    """A canvas's two files, relative to the site root and to the content folder."""

    map_id: str
    value_map: str
    segment: str
    value_map_relative: str
    segment_relative: str
    #: The experiments that may set a status on the canvas (those on its value map, on
    #: its segment, or on another value map of its segment, which may test the
    #: segment's items), as (path from the site root, path in the content folder),
    #: sorted: their commits are points too.
    experiments: tuple[tuple[str, str], ...] = ()
    #: The other value maps those experiments name, read only to resolve what they test.
    beside: tuple[tuple[str, str], ...] = ()

    def touched_by(self, files: frozenset[str]) -> bool:
        return self.value_map in files or self.segment in files or any(path in files for path, _ in self.experiments)

    def key(self, commit: str, band: str) -> str:
        """A point's key: "commit:value map:segment:band:others", others a short hash of
        the other files' paths (empty when there are none), so the build record stays
        small on a site with many experiments."""
        others = [path for path, _ in (*self.experiments, *self.beside)]
        tag = hashlib.blake2b("\n".join(others).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest() if others else ""
        return f"{commit}:{self.value_map}:{self.segment}:{band}:{tag}"

    def files_at(self, commit: str) -> list[tuple[str, str]]:
        """The (commit, path) of every file a point at `commit` is made of."""
        return [(commit, path) for path in (self.value_map, self.segment, *(p for p, _ in self.experiments), *(p for p, _ in self.beside))]


def site_history(
    root: Path,
    content_dir: str,
    canvases: Iterable[CanvasFiles],
    depth: int,
    target: tuple[float, float],
    cached: dict[str, list[float | None] | None] | None = None,
    opened: tuple[Any, str] | None = None,
) -> SiteHistory:
    """The history of every canvas, or an empty one with a note. Never raises: a site
    without git builds as it did before. `opened` is `open_repository(root)`, when the
    caller has opened it already."""
    from .gitrepo import GitError

    canvases = list(canvases)
    opened = opened or open_repository(root)
    if opened is None:
        return SiteHistory(note=None)
    repo, head = opened
    try:
        return _site_history(repo, head, content_dir, canvases, depth, target, cached or {})
    except GitError as exc:
        return SiteHistory(head=head, note=f"fit history is left out: {exc.message}")
    finally:
        repo.close()


def _site_history(
    repo: Any, head: str, content_dir: str, canvases: list[CanvasFiles], depth: int, target: tuple[float, float], cached: dict
) -> SiteHistory:
    if not head:
        return SiteHistory(note=NO_COMMITS_NOTE)
    log = parse_log(repo.log([content_dir, "site.toml"]))
    dirty = repo.uncommitted([content_dir])
    band = f"{target[0]!r},{target[1]!r}"
    wanted: dict[str, list[tuple[Commit, str]]] = {}
    owners: dict[str, CanvasFiles] = {}
    for canvas in canvases:
        touching = [c for c in log if canvas.touched_by(c.files)][:depth]
        wanted[canvas.map_id] = [(c, canvas.key(c.oid, band)) for c in touching]
        owners.update((key, canvas) for _, key in wanted[canvas.map_id])
    missing = sorted({key for series in wanted.values() for _, key in series if key not in cached})
    by_id = {c.map_id: c for c in canvases}
    scored = dict.fromkeys(missing)
    read = 0
    if missing:
        names = sorted({name for key in missing for name in owners[key].files_at(key.split(":", 1)[0])})
        blobs = repo.read_many(names)
        read = len(names)
        scored = _score_all(missing, blobs, target, owners)
    fresh = {key: cached[key] if key in cached else scored[key] for series in wanted.values() for _, key in series}
    histories = {}
    for map_id, series in wanted.items():
        canvas = by_id[map_id]
        points = []
        for commit, key in reversed(series):
            value = fresh.get(key)
            if value is not None:
                points.append(Point(commit.oid, commit.date, value[0], value[1]))
        last = series[0][0] if series else None
        histories[map_id] = CanvasHistory(
            tuple(points),
            last.oid if last else "",
            last.date if last else "",
            last.subject if last else "",
            canvas.touched_by(frozenset(dirty)),
        )
    return SiteHistory(head, histories, SHALLOW_NOTE if repo.shallow else None, dict(sorted(fresh.items())), read)


def _score_all(
    keys: list[str], blobs: dict[tuple[str, str], bytes | None], target: tuple[float, float], owners: dict[str, CanvasFiles]
) -> dict[str, list[float | None] | None]:
    """Each revision's fit, loading each distinct file version once; the experiments of
    the point set the statuses they decide before it is scored."""
    from .content import load_document
    from .evidence import with_evidence
    from .fit import fit
    from .model import Site

    loaded: dict[tuple[str, bytes], Any] = {}

    def load(path: str, relative: str, data: bytes | None) -> Any:
        if data is None:
            return None
        memo = (relative, data)
        if memo not in loaded:
            document, _ = load_document(path, relative, data)
            loaded[memo] = document
        return loaded[memo]

    scored: dict[str, list[float | None] | None] = {}
    for key in keys:
        canvas = owners[key]
        oid, map_path, segment_path = key.split(":", 1)[0], canvas.value_map, canvas.segment
        experiment_paths = [path for path, _ in (*canvas.experiments, *canvas.beside)]
        value_map = load(map_path, canvas.value_map_relative, blobs.get((oid, map_path)))
        segment = load(segment_path, canvas.segment_relative, blobs.get((oid, segment_path)))
        if value_map is None or segment is None or value_map.model.segment != segment.model.id:
            scored[key] = None
            continue
        relative = dict((*canvas.experiments, *canvas.beside))
        others = [load(path, relative[path], blobs.get((oid, path))) for path in experiment_paths]
        found = {d.model.id: d for d in others if d is not None and d.model.type == "experiment" and not d.partial}
        if found:
            maps = {d.model.id: d for d in others if d is not None and d.model.type == "value-map" and d.model.segment == segment.model.id}
            site = Site({segment.model.id: segment}, {**maps, value_map.model.id: value_map}, [], found)
            site = with_evidence(site)[0]
            segment, value_map = site.segments[segment.model.id], site.value_maps[value_map.model.id]
        result = fit(segment.model, value_map.model, target)
        scored[key] = [result.overall.value, result.verified.value]
    return scored


def canvas_files(site: Any, content_dir: str) -> list[CanvasFiles]:
    """The files of every canvas of a checked site (`model.Site`): its value map, its
    segment and the experiments that test either."""
    import posixpath

    folder = posixpath.normpath(content_dir.replace("\\", "/"))
    on: dict[tuple[str, str], list[str]] = {}
    for experiment in site.experiments.values():
        on.setdefault(experiment.model.target, []).append(experiment.relative)
    siblings: dict[str, list[str]] = {}
    for map_id, document in sorted(site.value_maps.items()):
        siblings.setdefault(document.model.segment, []).append(map_id)
    found = []
    for map_id, document in sorted(site.value_maps.items()):
        segment = site.segments.get(document.model.segment)
        if segment is not None:
            tests = {*on.get(("segment", segment.model.id), ())}
            beside = set()
            for sibling in siblings[document.model.segment]:
                if on.get(("value-map", sibling)):
                    tests.update(on[("value-map", sibling)])
                    if sibling != map_id:
                        beside.add(site.value_maps[sibling].relative)
            found.append(
                CanvasFiles(
                    map_id,
                    f"{folder}/{document.relative}",
                    f"{folder}/{segment.relative}",
                    document.relative,
                    segment.relative,
                    tuple((f"{folder}/{relative}", relative) for relative in sorted(tests)),
                    tuple((f"{folder}/{relative}", relative) for relative in sorted(beside)),
                )
            )
    return found

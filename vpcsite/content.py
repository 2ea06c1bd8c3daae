"""The content folder → documents. The only reader of content files.

Each file is read, parsed and validated on its own, keyed by its content hash, so a
caller that keeps a `DocumentCache` (the dev server) re-does only the files that changed.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, diagnostic, display_path
from .model import Document, slug
from .paths import content_files, content_paths, digest_of, inside  # noqa: F401 - imported from here too
from .schema import default_type, parse_document
from .source import read_source
from .workers import can_fork, fork_pool


def load_document(display: str, relative: str, data: bytes, digest: str = "") -> tuple[Document | None, list[Diagnostic]]:
    """One file's bytes → its validated document. Pure, so its result can be cached."""
    source, problems = read_source(display, data)
    if source is None:
        return None, problems
    stem = relative.rsplit("/", 1)[-1].removesuffix(".md")
    document, found = parse_document(source, relative, stem, digest)
    if problems and document is not None and not document.partial:
        document = replace(document, partial=True)  # read with errors: checked, never published
    return document, problems + found


#: (display path, path under content/, bytes, content hash) of one file to load.
Pending = tuple[str, str, bytes, str]
Loaded = tuple[Document | None, list[Diagnostic]]

#: Below this many files to load, forking workers costs more than it saves; and no
#: process gets fewer than half as many.
PARALLEL_LOAD_THRESHOLD = 64

_pending: list[Pending] = []


def _load_slice(bounds: tuple[int, int]) -> list[Loaded]:
    """Files `start` to `end` of `_pending` (a forked worker's share)."""
    return [load_document(*item) for item in _pending[bounds[0] : bounds[1]]]


def load_documents(items: list[Pending], workers: int = 1) -> list[Loaded]:
    """Load files in order, across `workers` processes when there are enough.

    Each file is parsed and validated on its own, so this is the one stage before
    rendering that parallelises. The parent loads the first share itself while forked
    workers load the others (as many processes as cores, none idle), and each worker
    sends its documents back in one piece, their positions packed."""
    if workers <= 1 or len(items) < PARALLEL_LOAD_THRESHOLD or not can_fork():
        return [load_document(*item) for item in items]
    bounds = _shares(items, max(1, min(workers, 2 * len(items) // PARALLEL_LOAD_THRESHOLD)))
    global _pending
    _pending = items
    try:
        with fork_pool(len(bounds) - 1) as pool:  # a worker per share beyond the parent's
            theirs = pool.map_async(_load_slice, bounds[1:], chunksize=1)
            mine = _load_slice(bounds[0])
            return mine + [loaded for part in theirs.get() for loaded in part]
    finally:
        _pending = []


#: How much more the parent loads than a worker: a worker also pickles its documents and
#: the parent unpickles them (a fifth of the loading time at 1,000 canvases), so equal
#: shares left the parent waiting.
PARENT_SHARE = 1.25


def _shares(items: list[Pending], count: int) -> list[tuple[int, int]]:
    """Up to `count` runs of consecutive files, each with about its share of the bytes
    (the time a file takes follows its size; the first, the parent's, PARENT_SHARE
    times a worker's): each cut falls at the file boundary nearest to its share."""
    prefix = list(accumulate((len(item[2]) for item in items), initial=0))
    total = prefix[-1]
    cuts = [0]
    whole = PARENT_SHARE + count - 1
    for k in range(1, count):
        target = total * (PARENT_SHARE + k - 1) / whole
        at = bisect_left(prefix, target, lo=cuts[-1] + 1)  # the first boundary at or past it
        if at > cuts[-1] + 1 and target - prefix[at - 1] < prefix[at] - target:
            at -= 1  # the boundary before is nearer
        if at >= len(items):
            break
        cuts.append(at)
    cuts.append(len(items))
    return list(pairwise(cuts))


@dataclass
class DocumentCache:
    """Results of `load_document` by path, each with the content hash it was loaded from:
    an entry is loaded again when its file's content changes."""

    entries: dict[str, tuple[str, Document | None, list[Diagnostic]]] = field(default_factory=dict)

    def load_many(self, items: list[Pending], workers: int = 1) -> list[Loaded]:
        """Every file's document, loading only those whose content hash is not cached.
        `items` is the whole content folder: entries of files no longer in it are dropped."""
        missing = [item for item in items if (cached := self.entries.get(item[0])) is None or cached[0] != item[3]]
        for (display, _, _, digest), (document, found) in zip(missing, load_documents(missing, workers)):
            self.entries[display] = (digest, document, found)
        if len(self.entries) > len(items):
            listed = {display for display, _, _, _ in items}
            self.entries = {display: entry for display, entry in self.entries.items() if display in listed}
        return [self.entries[display][1:] for display, _, _, _ in items]


def _display_prefix(base: Path, root: Path) -> str | None:
    """How the content folder is named in diagnostics, when every file in it is named
    by that and its path below it (not when the working folder lies inside it)."""
    here = os.getcwd()
    absolute = os.path.abspath(base)
    if here == absolute or here.startswith(absolute.rstrip(os.sep) + os.sep):
        return None
    return display_path(base, root)


def outside_link(link: Path, root: Path) -> Diagnostic:
    """Symlinks may organise a site, but never pull in files from outside it."""
    return diagnostic(
        "VPC504",
        display_path(link, root),
        1,
        1,
        f"symbolic link to {os.path.realpath(link)} leads outside the site and is not followed",
        "copy the file into the site instead of linking to it",
    )


class _NotRegular(OSError):
    """A pipe, socket or device named *.md: reading it could block or never end."""


class _TooLarge(OSError):
    """A file over `[check] max_file_size`: refused unread."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"{size} bytes")
        self.size, self.limit = size, limit


def _read_regular(path: Path, limit: int | None = None) -> bytes:
    info = os.stat(path)  # a dangling link raises here
    if not stat.S_ISREG(info.st_mode):
        raise _NotRegular("not a regular file")
    if limit is not None and info.st_size > limit:
        raise _TooLarge(info.st_size, limit)
    return path.read_bytes()


def _size(count: int) -> str:
    """A size as people read it: 52.4 MB, 812 kB, 90 bytes."""
    for unit, scale in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{count} bytes"


def unreadable(path: Path, root: Path, error: OSError) -> Diagnostic:
    """A file that is listed but cannot be opened: most often a link whose target was
    moved or deleted."""
    if path.is_symlink() and not path.exists():
        message = f"symbolic link to {os.readlink(path)}, which does not exist"
        hint = "point the link at an existing file, or delete it"
    elif isinstance(error, _TooLarge):
        message = f"file is {_size(error.size)}, over the limit of {_size(error.limit)} for a content file, so it is not read"
        hint = 'split it into smaller files, or raise the limit in site.toml: [check] max_file_size = "20 MB"'
    elif isinstance(error, _NotRegular):
        message = "not a regular file (a pipe, socket or device), so it is not read"
        hint = "content files must be ordinary files; move this one out of the content folder"
    else:
        message = f"file cannot be read: {error.strerror or error}"
        hint = "check that the file exists and that you may read it"
    code = "VPC013" if isinstance(error, _TooLarge) else "VPC010"
    return diagnostic(code, display_path(path, root), 1, 1, message, hint)


def unreadable_folder(folder: Path, root: Path) -> Diagnostic:
    """A folder under content/ that cannot be listed: its documents would be left out
    in silence, and the site published without them."""
    return diagnostic(
        "VPC012",
        display_path(folder, root) + "/",
        1,
        1,
        "folder cannot be read, so the documents in it are not loaded",
        "check that you may read and enter the folder (chmod u+rx), or move it out of the content folder",
    )


def _utf8_name(relative: Path | str) -> bool:
    try:
        str(relative).encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system could not decode (surrogates)
        return False
    return True


def undecodable_name(path: Path, root: Path) -> Diagnostic:
    """Ids and URLs are made from file names, so a name must be text."""
    shown = os.fsencode(display_path(path, root)).decode("utf-8", "backslashreplace")
    return diagnostic(
        "VPC011",
        shown,
        1,
        1,
        f"file name is not valid UTF-8: {shown.rsplit('/', 1)[-1]}",
        "rename the file (ids and page URLs are made from file names); it was saved by a system using another encoding",
    )


@dataclass(frozen=True)
class LoadedContent:
    documents: list[Document]
    diagnostics: list[Diagnostic]
    #: Ids of segments and value maps left out because they are drafts.
    drafts: frozenset[str]
    #: (type, id by file name) of documents that failed validation: references to them
    #: are not reported again, since the file's own errors explain them.
    failed: frozenset[tuple[str, str]] = frozenset()
    #: Segments that value maps which could not be loaded, or whose `segment` could not
    #: be read, may name: they are targeted all the same (no "targeted by no value map"
    #: for another file's error).
    targeted: frozenset[str] = frozenset()


#: A top-level `key: value` (YAML) or `key = value` (TOML) line: (key, the rest).
_TOP_LINE = re.compile(r"""^(segment|id|type)[ \t]*[:=][ \t]*(.*?)[ \t]*(?:#.*)?$""", re.MULTILINE)
_WORD = re.compile(r"""[^\s"'#,\[\]{}]+""")


@dataclass(frozen=True)
class Identity:
    """What the plain lines of a file that failed say of it: its type, its id (from its
    `id:` line, else its file name) and the segments its `segment:` line may name."""

    kind: str
    id: str
    segments: frozenset[str]


def read_lines(relative: str, data: bytes) -> Identity:
    """A failed file's identity, read from its top-level lines (an unclosed front matter,
    a syntax error elsewhere, a `segment` that is not an id), so that references to it are
    not reported as unknown and the segment it targets is not called untargeted."""
    text = data.decode("utf-8", "replace")
    lines: dict[str, str] = {}
    for found in _TOP_LINE.finditer(text):
        lines.setdefault(found.group(1), found.group(2))
    kind = lines.get("type", "").strip("\"' ") or default_type(relative)
    raw_id = lines.get("id", "").strip("\"' ")
    stem = PurePosixPath(relative).stem
    segments: set[str] = set()
    if kind == "value-map" and "segment" in lines:
        raw = lines["segment"]
        segments.update(_WORD.findall(raw))
        segments.add(slug(raw))
        segments.discard("")
    return Identity(kind, raw_id if _WORD.fullmatch(raw_id or "-") and raw_id else stem, frozenset(segments))


def load_content(
    root: Path,
    content_dir: str,
    *,
    drafts: bool = False,
    cache: DocumentCache | None = None,
    workers: int = 1,
    digests: dict[str, str] | None = None,
    max_size: int | None = None,
) -> LoadedContent:
    """Every document under the content folder. `digests` holds content hashes of files
    by absolute path, taken by the build's scan a moment ago: a file whose hash is
    cached is not read again. A file over `max_size` bytes is refused unread."""
    cache = cache if cache is not None else DocumentCache()
    digests = digests or {}
    base = root / content_dir
    shown = _display_prefix(base, root)
    found: list[Diagnostic] = []
    failed: set[tuple[str, str]] = set()
    site_root = root.resolve()
    pending: list[Pending] = []
    unlisted: list[Path] = []
    cut = len(str(base)) + 1
    # Names below an absolute, normal folder are absolute paths as they are (abspath on
    # each of 7,500 files was a tenth of the loading of a rebuild).
    plain = os.path.isabs(str(base)) and os.path.normpath(str(base)) == str(base)
    links: set[str] = set()
    for name in content_paths(base, unlisted, links):
        # Strings, not Paths, for the thousands of files that are fine (a tenth of a
        # second at 5,000 canvases, on every rebuild while serving).
        below = name[cut:]
        if not _utf8_name(below):
            found.append(undecodable_name(Path(name), root))
            continue
        if name in links and not inside(Path(os.path.realpath(name)), site_root):
            found.append(outside_link(Path(name), root))
            continue
        relative = below.replace(os.sep, "/") if os.sep != "/" else below
        display = f"{shown}/{relative}" if shown is not None else display_path(Path(name), root)
        known = digests.get(name if plain else os.path.abspath(name))
        cached = cache.entries.get(display)
        if known is not None and cached is not None and cached[0] == known:
            pending.append((display, relative, b"", known))  # loaded before, unchanged
            continue
        try:
            data = _read_regular(Path(name), max_size)
        except OSError as exc:
            found.append(unreadable(Path(name), root, exc))
            failed.add((default_type(relative), Path(name).stem))
            continue
        pending.append((display, relative, data, digest_of(data)))
    for folder in unlisted:
        found.append(unreadable_folder(folder, root))
    return content_from(
        pending, drafts=drafts, cache=cache, workers=workers, found=found, failed=failed, reread=lambda relative: _read_again(base / relative)
    )


def content_from(
    pending: list[Pending],
    *,
    drafts: bool = False,
    cache: DocumentCache | None = None,
    workers: int = 1,
    found: list[Diagnostic] | None = None,
    failed: set[tuple[str, str]] | None = None,
    reread: Callable[[str], bytes] = lambda relative: b"",
) -> LoadedContent:
    """Documents from files already read (from the content folder, or from a git
    revision by `vpcsite diff`), with what reading them found so far. `reread` gives a
    file's bytes again (by path under the content folder) where the cache spared
    reading them."""
    cache = cache if cache is not None else DocumentCache()
    found = list(found or [])
    failed = set(failed or ())
    documents: list[Document] = []
    left_out: set[str] = set()
    targeted: set[str] = set()
    for (_, relative, data, _), (document, problems) in zip(pending, cache.load_many(pending, workers)):
        found.extend(problems)
        unread_segment = document is not None and document.model.type == "value-map" and not document.model.segment  # type: ignore[union-attr]
        if document is None or unread_segment:
            lines = read_lines(relative, data or reread(relative))
            targeted.update(lines.segments)
            if document is None:
                failed.update({(default_type(relative), PurePosixPath(relative).stem), (lines.kind, lines.id)})
                continue
        if document.model.draft and not drafts:
            left_out.add(document.model.id)
            continue
        documents.append(document)
    return LoadedContent(documents, found, frozenset(left_out), frozenset(failed), frozenset(targeted))


def _read_again(path: Path) -> bytes:
    """A failed file's bytes when the cache spared reading them (only failed files are
    read twice, to find the segment they name)."""
    try:
        return _read_regular(path)
    except OSError:
        return b""

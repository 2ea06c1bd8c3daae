"""The build record: what the last build read and wrote, kept inside its output
(`.cache/`), so the next build redoes only what changed (DESIGN §12).

It holds, for every input file, its stat and content hash; for every output file, the
key of the inputs it was made from and its stat; what rendering found on each page; and
the last run's diagnostics. A record from another vpcsite, a corrupt one, or an output
folder edited by hand is never trusted: the build then starts from nothing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .output import MARKER, Later
from .paths import content_paths, digest_of

if TYPE_CHECKING:
    from .content import DocumentCache

CACHE_FOLDER = ".cache"
RECORD_FILE = f"{CACHE_FOLDER}/build.json"
#: Parsed documents, in shards by path, so an edit re-writes one shard and the others
#: are carried over as they are.
DOCUMENTS_FOLDER = f"{CACHE_FOLDER}/documents"
DOCUMENT_SHARDS = 16
#: Bumped when the record's layout changes; any other value is a record to ignore.
RECORD_FORMAT = 4
#: A file changed within this long before a scan may change again within the same
#: timestamp tick, unseen by a stat: such files are compared by content as well.
RACY_NS = 2_000_000_000

#: The key of an output a build made but did not write (BuildRecord.whole).
UNWRITTEN = "unwritten"

#: An input's fingerprint: size, mtime (ns), inode, content hash; None when missing.
Fingerprint = tuple[int, int, int, str] | None


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_CODE_KEY: str | None = None


def code_key() -> str:
    """vpcsite's own version and code, and the versions of the libraries whose output
    ends up in the site: a build by other code never reuses this one's output."""
    global _CODE_KEY
    if _CODE_KEY is None:
        from importlib.metadata import PackageNotFoundError, version

        package = Path(__file__).resolve().parent
        parts: list[str | bytes] = [__version__, sys.version]
        for source in sorted(package.rglob("*.py")):
            parts += [source.relative_to(package).as_posix(), source.read_bytes()]
        for name in ("jinja2", "markdown-it-py", "mdit-py-plugins", "pydantic", "pyyaml", "weasyprint", "pypdf", "orjson"):
            try:
                parts.append(f"{name}={version(name)}")
            except PackageNotFoundError:
                parts.append(f"{name}=-")
        _CODE_KEY = digest(*parts)
    return _CODE_KEY


def fingerprint_files(paths: Iterable[str], previous: dict[str, Any], now_ns: int) -> dict[str, Fingerprint]:
    """Each file's fingerprint. A file whose stat matches the previous scan, and that
    was not changed just before it, keeps its hash unread (the cheap check first)."""
    found: dict[str, Fingerprint] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL in a link's target ("%00")
            found[path] = None
            continue
        before = previous.get(path)
        if (
            before is not None
            and before[0] == info.st_size
            and before[1] == info.st_mtime_ns
            and before[2] == info.st_ino
            and info.st_mtime_ns < now_ns - RACY_NS
        ):
            found[path] = (info.st_size, info.st_mtime_ns, info.st_ino, before[3])
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            found[path] = None
            continue
        found[path] = (info.st_size, info.st_mtime_ns, info.st_ino, digest_of(data))
    return found


def fingerprints_after(previous: dict[str, Fingerprint], changed: Iterable[str], now_ns: int) -> dict[str, Fingerprint] | None:
    """The last scan's fingerprints with those of the `changed` files (absolute paths, as
    a watcher saw them) taken again: what a full scan would give when no file came or
    went, without walking every folder and looking at every file (7,500 at 5,000
    canvases). None when one came or went (or a folder did): then only a scan will do.
    A path that is no input and no longer there (an editor's temporary file) is no
    change."""
    touched = [path for path in dict.fromkeys(changed) if path in previous or os.path.lexists(path)]
    if any(path not in previous for path in touched):
        return None
    fresh = fingerprint_files(touched, {}, now_ns)
    if any(found is None for found in fresh.values()):
        return None
    return {**previous, **fresh}


def files_under(folder: Path) -> list[str]:
    """Every file below a folder, hidden ones skipped, in a stable order."""
    found: list[str] = []
    for here, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(here, name) for name in sorted(names) if not name.startswith("."))
    return found


def build_setting(root: Path, config: Any, drafts: bool, pdf: bool, strict: bool) -> str:
    """What besides the input files decides a build's output and findings: the code,
    the options, and where diagnostics are named from (paths are shown relative to the
    working folder)."""
    from .diagnostics import display_path

    shown = display_path(root / config.content_dir, root)
    return digest(code_key(), repr((drafts, pdf, strict, config.base_url, shown)))


def input_paths(root: Path, config: Any, theme: Any, pdf: bool) -> list[str]:
    """Every file a build may read but linked ones: site.toml, content, the templates,
    themes and static files (the print theme's too when PDFs are made)."""
    from .theme import find_theme, static_folders, template_folders, theme_chain

    themes = [theme]
    if pdf:
        themes.append(find_theme("print", root))
    folders: list[Path] = [root / "static"]
    paths = [str(root / "site.toml")]
    for chosen in themes:
        folders += template_folders(root, chosen) + static_folders(root, chosen)
        paths += [str(t.folder / "theme.toml") for t in theme_chain(chosen, root)]
    for folder in dict.fromkeys(folders):
        paths += files_under(folder)
    paths += content_paths(root / config.content_dir)
    return list(dict.fromkeys(os.path.abspath(path) for path in paths))


def template_stamp(root: Path, theme: Any, inputs: dict[str, Fingerprint]) -> str:
    """The hash of every template file the site's pages may use, from a scan."""
    from .theme import template_folders

    folders = tuple(os.path.abspath(folder) + os.sep for folder in template_folders(root, theme))
    return digest(*(f"{path}={fp[3]}" for path, fp in sorted(inputs.items()) if fp is not None and path.startswith(folders)))


def asset_paths(root: Path, config: Any, pages: dict[str, Any]) -> list[str]:
    """The local files pages link to, as the build record names them (whether or not
    they exist: one that appears changes the build)."""
    content = root / config.content_dir
    found = {
        os.path.normpath(content / os.path.dirname(relative) / target)
        for findings in pages.values()
        for relative, target, _, _ in findings.get("assets", ())
    }
    return sorted(found)


# --- the output folder as the record left it ------------------------------------------------


def output_files(target: Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime, inode) of every file of a built site but the record's own folder."""
    found: dict[str, tuple[int, int, int]] = {}
    prefix = len(str(target)) + 1
    for here, dirs, names in os.walk(target, followlinks=False):
        if here == str(target):
            dirs[:] = [d for d in dirs if d != CACHE_FOLDER]
            names = [n for n in names if n != MARKER]
        for name in names:
            path = os.path.join(here, name)
            info = os.lstat(path)
            found[path[prefix:].replace(os.sep, "/")] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found


@dataclass
class BuildRecord:
    """What one build read and wrote (see the module's docstring)."""

    #: Build options, configuration and code the outputs were made with.
    setting: str
    scanned_ns: int = 0
    inputs: dict[str, Fingerprint] = field(default_factory=dict)
    #: Output path → (key, size, mtime, inode). The key is "" for outputs reused by
    #: their own cache (PDFs) or compared by their bytes.
    outputs: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)
    #: Page URL → what rendering it found (render.files.PageFindings as plain data).
    pages: dict[str, Any] = field(default_factory=dict)
    #: Canvas id → (hash of its sources, hash of what lists show of it).
    cards: dict[str, Any] = field(default_factory=dict)
    #: The template keys of the build (render.keys.TemplateKeys.record).
    templates: dict[str, Any] = field(default_factory=dict)
    #: The run's diagnostics as dicts, and what it reported.
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    #: Fit history points scored from git (history.SiteHistory.cache), and the commit
    #: HEAD named: a new commit changes pages even when no file did.
    history: dict[str, Any] = field(default_factory=dict)
    head: str = ""

    def whole(self) -> bool:
        """Whether every output the build made was written: the dev server leaves what
        comes after the pages to the next build when the author saves meanwhile
        (staging.unwritten), which must then make them even if nothing else changed."""
        return all(entry[0] != UNWRITTEN for entry in self.outputs.values())

    def intact(self, target: Path) -> bool:
        """Whether the output folder holds exactly the files this record wrote, as it
        wrote them: one edited, added or removed by hand makes the record worthless."""
        try:
            now = output_files(target)
        except OSError:
            return False
        if len(now) != len(self.outputs):
            return False
        for path, stat in now.items():
            entry = self.outputs.get(path)
            if entry is None or tuple(entry[1:]) != stat:
                return False
        return True

    def key_of(self, output: str) -> str | None:
        entry = self.outputs.get(output)
        return entry[0] if entry else None


def load_record(target: Path, setting: str) -> BuildRecord | None:
    """The record of the last build into `target`, if it can be trusted for a build
    with these settings."""
    import orjson

    try:
        data = orjson.loads((target / RECORD_FILE).read_bytes())
        if data.get("format") != RECORD_FORMAT or data.get("code") != code_key() or data.get("setting") != setting:
            return None
        return BuildRecord(
            setting,
            int(data["scanned_ns"]),
            {path: (tuple(fp) if fp is not None else None) for path, fp in data["inputs"].items()},  # type: ignore[misc]
            {path: tuple(entry) for path, entry in data["outputs"].items()},  # type: ignore[misc]
            dict(data["pages"]),
            dict(data["cards"]),
            dict(data["templates"]),
            list(data["diagnostics"]),
            dict(data["summary"]),
            dict(data["history"]),
            str(data["head"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_record(staging: Path, record: BuildRecord, made: set[str] | None = None, later: Later | None = None) -> None:
    """Write the record last, once every output it names is in place in `staging`.

    `made`: the outputs, when the caller knows them and owns the output folder (the dev
    server's private one, which nobody edits and whose record is never checked against
    it): the folder is then not walked for their stats (15,000 files at 5,000 canvases).
    `later` (with `made`): the file is written by the caller once the output is swapped
    in and served (build_site's `later`); the process keeps the record itself
    (staging.served), and reads its file only after a build that failed."""
    if made is not None:
        record.outputs = {path: (record.outputs.get(path, ("",))[0], 0, 0, 0) for path in sorted(made)}
    else:
        outputs = output_files(staging)
        record.outputs = {path: (record.outputs.get(path, ("",))[0], *stat) for path, stat in sorted(outputs.items())}
    if later is None:
        _write_record(staging, record)
    else:
        (staging / RECORD_FILE).unlink(missing_ok=True)  # the spare's, two builds old
        later.append((RECORD_FILE, lambda folder, give_way: _write_record(folder, record)))


def _write_record(staging: Path, record: BuildRecord) -> None:
    import orjson

    data = {
        "format": RECORD_FORMAT,
        "code": code_key(),
        "setting": record.setting,
        "scanned_ns": record.scanned_ns,
        "inputs": record.inputs,
        "outputs": record.outputs,
        "pages": record.pages,
        "cards": record.cards,
        "templates": record.templates,
        "diagnostics": record.diagnostics,
        "summary": record.summary,
        "history": record.history,
        "head": record.head,
    }
    path = staging / RECORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))


# --- parsed documents ----------------------------------------------------------------------


def _shard(display: str) -> int:
    return int(digest(display)[:8], 16) % DOCUMENT_SHARDS


def _shard_key(entries: dict[str, Any]) -> str:
    """A shard's key: the paths and content hashes of the documents it holds."""
    return digest(*(part for display, entry in sorted(entries.items()) for part in (display, entry[0])))


def load_documents(target: Path) -> DocumentCache:
    """The parsed documents the last build kept; whatever cannot be read is left out
    (its files are simply parsed again)."""
    from .content import DocumentCache

    cache = DocumentCache()
    folder = target / DOCUMENTS_FOLDER
    for shard in range(DOCUMENT_SHARDS):
        try:
            files = list(folder.glob(f"{shard:02d}-*.pickle"))
            if len(files) != 1:
                continue
            entries = pickle.loads(files[0].read_bytes())
            if isinstance(entries, dict):
                cache.entries.update(entries)
        except Exception:  # a damaged cache is only a slower build
            continue
    return cache


def save_documents(cache: DocumentCache, staging: Path, previous: Path | None) -> None:
    """Write each shard of parsed documents, or link it from the previous output when
    its members are unchanged. The cache lives in the output folder the user owns, as
    Python's own __pycache__ does beside the sources: it is trusted like them."""
    folder = staging / DOCUMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    shards: list[dict[str, Any]] = [{} for _ in range(DOCUMENT_SHARDS)]
    for display, entry in sorted(cache.entries.items()):
        shards[_shard(display)][display] = entry
    for shard, entries in enumerate(shards):
        name = f"{shard:02d}-{_shard_key(entries)}.pickle"
        if previous is not None:
            try:
                os.link(previous / DOCUMENTS_FOLDER / name, folder / name)
                continue
            except OSError:
                pass
        with open(folder / name, "wb") as file:  # streamed: see memostore.PartWriter
            pickle.dump(entries, file, protocol=pickle.HIGHEST_PROTOCOL)

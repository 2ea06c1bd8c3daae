"""New files from templates: `vpcsite init` (a whole starter site) and `vpcsite new`
(one segment or value map). It writes only files that do not exist yet; it never prints.

The templates are files under `starter/` inside the package, so they ship in the wheel
and read as what they are: `starter/site/` is copied as it is, `starter/new/` is filled in.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import yaml

from .config import load_config
from .content import content_files
from .diagnostics import display_path
from .model import ID_PATTERN, MAX_DOCUMENT_ID_BYTES, slug
from .schema import default_type, did_you_mean
from .source import read_source

STARTER = Path(__file__).resolve().parent / "starter"

#: Starter files stored under another name: setuptools' package-data globs skip dotfiles,
#: and a real .gitignore inside the package would apply to vpcsite's own repository.
_RENAMED = {"gitignore": ".gitignore"}

#: What a folder may hold and still count as empty: a fresh `git init` leaves `.git`.
_EMPTY_ENOUGH = frozenset({".git"})


_ID = re.compile(ID_PATTERN)


class ScaffoldError(Exception):
    """Why nothing was written, and what to do instead (the CLI exits 2 on it)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Scaffolded:
    """What `init_site` did: files (relative to `folder`) written, and those it left alone."""

    folder: Path
    written: list[str]
    skipped: list[str]


def starter_files() -> dict[str, bytes]:
    """The starter site by path relative to the site root, in a stable order."""
    base = STARTER / "site"
    found: dict[str, bytes] = {}
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        relative = path.relative_to(base).as_posix()
        found[_RENAMED.get(relative, relative)] = path.read_bytes()
    return dict(sorted(found.items()))


def init_site(folder: Path, *, force: bool = False) -> Scaffolded:
    """Write the starter site into `folder` (made if missing).

    A non-empty folder is refused unless `force`; even then an existing file is never
    replaced: it is listed in `skipped`, and every other starter file is written."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"'{folder}' is a file, not a folder", "name a new or empty folder: vpcsite init DIR")
    if not force and _holds_anything(folder):
        raise ScaffoldError(
            f"folder '{folder}' is not empty",
            "pass --force to add the starter files beside what is there (existing files are never overwritten), "
            "or name a new folder: vpcsite init DIR",
        )
    written: list[str] = []
    skipped: list[str] = []
    for relative, data in starter_files().items():
        if _write_new(folder / relative, data):
            written.append(relative)
        else:
            skipped.append(relative)
    return Scaffolded(folder, written, skipped)


def _holds_anything(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(entry.name not in _EMPTY_ENOUGH for entry in folder.iterdir())
    except OSError as exc:
        raise ScaffoldError(f"cannot read folder '{folder}': {exc.strerror}") from exc


def _write_new(path: Path, data: bytes) -> bool:
    """Write `path` only if nothing is there (not even a dangling link); False if something is."""
    if os.path.lexists(path):
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as file:  # exclusive: never replaces what appeared meanwhile
            file.write(data)
    except (FileExistsError, NotADirectoryError):
        return False  # a file stands where a folder of the starter site belongs
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror}") from exc
    return True


# --- vpcsite new ---------------------------------------------------------------------


def title_from_id(document_id: str) -> str:
    """The default title: the id in words ("busy-parents" → "Busy parents")."""
    words = " ".join(re.split(r"[-_]+", document_id)).strip()
    return words[:1].upper() + words[1:]


def id_problem(document_id: str) -> ScaffoldError | None:
    """Why `document_id` cannot name a segment or value map: the rule of model ids."""
    if not _ID.match(document_id):
        suggestion = slug(document_id)
        return ScaffoldError(
            f"'{document_id}' is not a valid id",
            "an id starts with a letter or digit and holds only letters, digits, '-' and '_'"
            + (f"; try '{suggestion}'" if suggestion and _ID.match(suggestion) else ""),
        )
    if len(document_id.encode("utf-8")) > MAX_DOCUMENT_ID_BYTES:
        return ScaffoldError(
            f"id is longer than {MAX_DOCUMENT_ID_BYTES} bytes",
            "ids name folders and files of the built site; pick a shorter one",
        )
    return None


def new_segment(root: Path, segment_id: str, title: str | None = None) -> Path:
    """Write `<content_dir>/segments/<id>.md` from the commented template; its path."""
    _refuse_bad_id(segment_id)
    title = _title(segment_id, title)
    content, known = _site_documents(root)
    _refuse_taken("segment", segment_id, known)
    return _write_template(root, content / "segments" / f"{segment_id}.md", "segment.md", title=title)


def new_value_map(root: Path, map_id: str, segment: str, title: str | None = None) -> Path:
    """Write `<content_dir>/value-maps/<id>.md` targeting `segment`, which must exist."""
    _refuse_bad_id(map_id)
    title = _title(map_id, title)
    content, known = _site_documents(root)
    _refuse_taken("value-map", map_id, known)
    _refuse_unknown("segment", segment, known["segment"], "the site has no segments yet: write one first with vpcsite new segment ID")
    path = content / "value-maps" / f"{map_id}.md"
    return _write_template(root, path, "value-map.md", title=title, segment=_yaml_text(segment))


def new_experiment(root: Path, experiment_id: str, value_map: str, title: str | None = None) -> Path:
    """Write `<content_dir>/experiments/<id>.md` testing the canvas of `value_map`, which must exist."""
    _refuse_bad_id(experiment_id)
    title = _title(experiment_id, title)
    content, known = _site_documents(root)
    _refuse_taken("experiment", experiment_id, known)
    _refuse_unknown(
        "value map", value_map, known["value-map"], "the site has no value maps yet: write one first with vpcsite new value-map ID --segment S"
    )
    path = content / "experiments" / f"{experiment_id}.md"
    return _write_template(root, path, "experiment.md", title=title, value_map=_yaml_text(value_map))


def new_business_model(root: Path, model_id: str, title: str | None = None) -> Path:
    """Write `<content_dir>/business-models/<id>.md`, its nine blocks to fill in."""
    _refuse_bad_id(model_id)
    title = _title(model_id, title)
    content, known = _site_documents(root)
    _refuse_taken("business-model", model_id, known)
    return _write_template(root, content / "business-models" / f"{model_id}.md", "business-model.md", title=title)


def _refuse_unknown(noun: str, document_id: str, known: dict[str, str], empty_hint: str) -> None:
    if document_id in known:
        return
    guess = did_you_mean(document_id, known)
    if known:
        listed = ", ".join(sorted(known)[:20]) + (", …" if len(known) > 20 else "")
        hint = (f"did you mean '{guess}'? " if guess else "") + f"{noun}s: {listed}"
    else:
        hint = empty_hint
    raise ScaffoldError(f"{noun} '{document_id}' does not exist", hint)


def _refuse_bad_id(document_id: str) -> None:
    problem = id_problem(document_id)
    if problem:
        raise problem


def _title(document_id: str, title: str | None) -> str:
    """The title as it goes into the template's YAML (default: the id in words)."""
    title = title_from_id(document_id) if title is None else title
    if not title.strip():
        raise ScaffoldError("the title is empty", "leave --title out to use the id in words")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError:
        raise ScaffoldError("the title is not valid text", "type it again, or leave --title out") from None
    return _yaml_text(title)


def _site_documents(root: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """The content folder (from site.toml) and the ids of its segments and value maps.

    Read cheaply: only front matter, and only of files that are segments or value maps
    by their folder or may say so with `type`; an id is the file name unless front
    matter sets `id`. Raises build.ConfigError when site.toml is wrong."""
    config, problems = load_config(root)
    if config is None:
        from .build import ConfigError

        raise ConfigError(problems)
    content = root / config.content_dir
    known: dict[str, dict[str, str]] = {"segment": {}, "value-map": {}, "experiment": {}, "business-model": {}}
    if not content.is_dir():
        return content, known
    for path in content_files(content):
        relative = path.relative_to(content).as_posix()
        by_folder = default_type(relative)
        try:
            data = path.read_bytes()
        except OSError:
            continue  # check reports it; it names nothing new can clash with
        if by_folder == "page" and b"type" not in data:
            continue
        source, _ = read_source(relative, data)
        values = source.front_matter.values if source is not None else {}
        kind = values.get("type", by_folder)
        document_id = values.get("id")
        if isinstance(kind, str) and kind in known:
            known[kind].setdefault(document_id if isinstance(document_id, str) else path.stem, display_path(path, root))
    return content, known


def _refuse_taken(kind: str, document_id: str, known: dict[str, dict[str, str]]) -> None:
    if document_id in known[kind]:
        raise ScaffoldError(
            f"{kind.replace('-', ' ')} '{document_id}' already exists: {known[kind][document_id]}",
            "pick another id, or edit that file",
        )


def _write_template(root: Path, path: Path, template: str, **values: str) -> Path:
    shown = display_path(path, root)
    text = Template((STARTER / "new" / template).read_text(encoding="utf-8")).substitute(values)
    if os.path.lexists(path):
        raise ScaffoldError(f"{shown} already exists", "pick another id, or edit that file")
    if not _write_new(path, text.encode("utf-8")):
        raise ScaffoldError(f"cannot write {shown}: something is in the way", "pick another id")
    return Path(shown)


def _yaml_text(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when it can be
    (`Busy parents`), else double-quoted (`"yes"`, `"2024"`, `"Q3: #1"`), with every
    character YAML cannot hold as it is escaped."""
    try:
        if yaml.safe_load(f"key: {value}  # comment\n") == {"key": value}:
            return value
    except yaml.YAMLError:
        pass
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in quoted)

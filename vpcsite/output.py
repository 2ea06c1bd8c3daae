"""The output folder: guards against writing anywhere dangerous, and writing into the
staging folder (staging.py makes it and swaps it in): files linked over from the last
build, files replaced rather than written through, outputs no longer made pruned.

Nothing here follows a symlink when it deletes, and nothing is written outside the
output folder (or its staging sibling, which is removed on every exit path).
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TypeVar

from .paths import inside as _inside

T = TypeVar("T")

#: Written into every output folder vpcsite creates; its presence is what allows a later
#: build to replace the folder.
MARKER = ".vpcsite-output"
#: What a site's own folder holds (DESIGN §2): an output folder never does.
SOURCE_NAMES = ("site.toml", "content", "templates", "themes", "static")


class OutputRefused(Exception):
    """The output folder is unsafe to build into (a usage error, exit 2)."""


def guard_output(output: Path, site_root: Path, protected: list[Path], *, force: bool = False) -> Path:
    """Refuse, before touching anything, an output folder that could destroy user files.

    `protected` holds the content, templates, themes and static folders of the site.
    The folder may lie outside the site root, never on or above it. Returns the absolute, symlink-resolved output path.
    """
    root = site_root.resolve()
    target = Path(os.path.abspath(output))
    if target.is_symlink():
        raise OutputRefused(f"output folder {output} is a symbolic link; name a real folder")
    target = target.resolve()
    home = Path.home().resolve()
    if target == Path(target.anchor):
        raise OutputRefused("the output folder cannot be the file system root")
    if target == home:
        raise OutputRefused("the output folder cannot be your home folder")
    if target == root:
        raise OutputRefused("the output folder cannot be the site root; use a subfolder such as 'public'")
    if _inside(root, target):
        raise OutputRefused(f"the output folder {output} contains the site; use a subfolder of the site such as 'public'")
    for folder in protected:
        folder = folder.resolve()
        if _inside(folder, target) or _inside(target, folder):
            raise OutputRefused(f"the output folder {output} overlaps {folder.relative_to(root)}/, which holds your files")
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"the output path {output} is a file, not a folder")
    # Outside the site (a sibling ../site, as Hugo and Zola allow) the folder may be
    # another site's: one holding sources is never replaced, --force or not.
    sources = [name for name in SOURCE_NAMES if (target / name).exists()]
    if sources and not (target / MARKER).is_file():
        raise OutputRefused(f"the output folder {output} holds {', '.join(sources)}, the sources of a site; choose another folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file() and not force:
        raise OutputRefused(
            f"the output folder {output} is not empty and was not created by vpcsite; "
            "empty it, choose another with --output, or pass --force to replace it"
        )
    return target


def safe_join(base: Path, relative: str) -> Path:
    """`base/relative` for a site-relative POSIX path, refusing anything that climbs out."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("..", "") for p in parts) or "\\" in relative:
        raise ValueError(f"unsafe output path: {relative!r}")
    return base.joinpath(*parts)


def remove_tree(path: Path) -> None:
    """Delete a folder vpcsite made, never following symlinks (a link is unlinked, not entered)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if not path.exists():
        return
    shutil.rmtree(path)  # rmtree does not follow symlinks inside the tree


def link_files(source: Path, staging: Path, files: list[str]) -> None:
    """Hard-link files of the previous output into the staging folder (same bytes, same
    mtime, nothing copied). A file already there stays if it is the same file (a spare
    output's, unchanged since, or one linked by an earlier try); another is replaced."""
    made: set[str] = set()
    for relative in files:
        folder = os.path.dirname(relative)
        if folder and folder not in made:
            os.makedirs(os.path.join(staging, folder), exist_ok=True)
            made.add(folder)
        old, new = os.path.join(source, relative), os.path.join(staging, relative)
        try:
            os.link(old, new)
        except FileExistsError:
            here, there = os.lstat(new), os.lstat(old)
            if (here.st_ino, here.st_dev) != (there.st_ino, there.st_dev):
                os.unlink(new)
                os.link(old, new)


def sweep(staging: Path, files: list[str]) -> None:
    """Remove from a recycled staging folder (staging.SPARE) every entry that is not one
    of `files`, and the folders left empty: what the last output but one held and the
    last one did not. Symbolic links are removed, never followed."""
    keep = set(files)
    base = str(staging)
    prefix = len(base) + 1
    for here, folders, names in os.walk(base, topdown=False):
        for name in names:
            path = os.path.join(here, name)
            if path[prefix:].replace(os.sep, "/") not in keep:
                os.unlink(path)
        for name in folders:
            path = os.path.join(here, name)
            if os.path.islink(path):
                os.unlink(path)
            else:
                with suppress(OSError):  # not empty: it holds files to keep
                    os.rmdir(path)


@contextmanager
def linking(
    source: Path, staging: Path, files: list[str], known: Callable[[], tuple[set[str], list[str]]] | None = None
) -> Iterator[Callable[[], None]]:
    """Link the previous output's files into staging in a forked child while the build
    checks and prepares: a thousand canvases are a thousand folders to make, and on some
    file systems a folder costs most of a millisecond. Yields `wait`, to call before
    anything is written into staging; outputs that change are then replaced (write_file
    never writes through a link) and outputs that are gone are removed (`prune`).

    `known`, for a staging folder recycled from an output whose outputs the caller knows
    (the dev server's, which only vpcsite writes): the files of `files` already the same
    there, and the files there that are not in `files`. Only the others are linked and
    removed, here and now: a saved file in a site of 5,000 canvases is a few files to
    put right, not a walk of 15,000."""
    recycled = next(os.scandir(staging), None) is not None
    if recycled and known is not None:
        settled, extra = known()
        prune(staging, extra)
        link_files(source, staging, [relative for relative in files if relative not in settled])
        yield lambda: None
        return

    def prepare() -> None:
        if recycled:
            sweep(staging, files)
        link_files(source, staging, files)

    if not (files or recycled) or not hasattr(os, "fork"):
        prepare()
        yield lambda: None
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers Ctrl-C
            prepare()
            code = 0
        finally:
            os._exit(code)
    done = False

    def wait() -> None:
        nonlocal done
        if not done:
            _, status = os.waitpid(child, 0)
            done = True
            if status != 0:
                prepare()  # finish what the child could not

    try:
        yield wait
    finally:
        if not done:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def prune(staging: Path, files: list[str]) -> None:
    """Remove outputs linked ahead of time that this build does not make, and the
    folders they leave empty."""
    for relative in files:
        path = os.path.join(staging, relative)
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        folder = os.path.dirname(relative)
        while folder:
            try:
                os.rmdir(os.path.join(staging, folder))
            except OSError:
                break
            folder = os.path.dirname(folder)


class GaveWay(Exception):
    """Making a file was given up for something more pressing (`until`)."""


#: What a build leaves its caller to write once the output is served (build_site's
#: `later`): (output path, or "" for what is no output; what writes it into the output
#: folder, given a question to give way to: stopped by `GaveWay`, it wrote nothing).
Later = list[tuple[str, Callable[[Path, Callable[[], bool]], None]]]


def never() -> bool:
    """A question to give way to (`until`) that is never answered yes."""
    return False


def until(parts: Iterable[T], give_way: Callable[[], bool], every: int = 16) -> Iterator[T]:
    """`parts` as they come, given up (GaveWay) as soon as `give_way()` says so, asked
    every few parts: the dev server's lists, site.json and search index, made after
    the author's page, give way to the author's next save."""
    for count, part in enumerate(parts):
        if count % every == 0 and give_way():
            raise GaveWay
        yield part


def write_file(base: Path, relative: str, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or parts of them) to `base/relative` in a staging folder.
    A file there already is a hard link to the previous output's (`linking`): it stays
    when it holds the same bytes (the file keeps its inode and its time, and no new file
    is made: on some file systems a new file costs half a millisecond), else it is
    replaced, never written through (that would change the site still being served).

    Parts still being made (an iterator) are written, or compared, as they come: no page
    and no site.json is ever whole in memory. If making them fails, no file is left
    half-written."""
    path = safe_join(base, relative)
    if not isinstance(data, (bytes, list)):
        _write_stream(path, iter(data))
        return
    parts = [data] if isinstance(data, bytes) else data
    size = sum(map(len, parts))
    try:
        with open(path, "rb") as held:
            # A file of another size differs: not read (site.json is 85 MB at 5,000 canvases).
            same = os.fstat(held.fileno()).st_size == size and _holds(held.read(size + 1), parts)
        if same:
            return
        path.unlink()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.writelines(parts)


def _write_stream(path: Path, parts: Iterator[bytes]) -> None:
    """`parts` compared with the file at `path` as they come, a megabyte at a time;
    from the first that differs, a new file (the same bytes so far, then the rest)
    replaces it."""
    try:
        held = open(path, "rb")  # noqa: SIM115 - closed below, on every path
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path, None, 0, (), parts)
        return
    with held:
        matched = 0
        pending: list[bytes] = []
        size = 0
        for part in parts:
            pending.append(part)
            size += len(part)
            if size >= _BLOCK:
                if held.read(size) != b"".join(pending):
                    _write_new(path, held, matched, pending, parts)
                    return
                matched += size
                pending, size = [], 0
        if held.read(size + 1) != b"".join(pending):  # differs, or the file is longer
            _write_new(path, held, matched, pending, parts)


#: Bytes compared, or copied, at a time.
_BLOCK = 1 << 20


def _write_new(path: Path, held: BinaryIO | None, matched: int, first: Iterable[bytes], rest: Iterator[bytes]) -> None:
    """A new file at `path`: the first `matched` bytes of `held`, then `first` and
    `rest`, written beside it and moved over it; nothing is left if making it fails."""
    fresh = path.with_name(f".{path.name}.writing") if held is not None else path
    try:
        with open(fresh, "wb") as out:
            if held is not None:
                _copy_start(held, out, matched, path)
            out.writelines(first)
            out.writelines(rest)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    if fresh != path:
        os.replace(fresh, path)


def _copy_start(held: BinaryIO, out: BinaryIO, count: int, path: Path) -> None:
    """The first `count` bytes of `held` into `out` (empty yet): by the kernel where it
    can (Linux), else read and written."""
    copied = 0
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is not None:
        with suppress(OSError):  # another file system or kernel: the slow way below
            while copied < count:
                done = copy_range(held.fileno(), out.fileno(), count - copied, copied)
                if done == 0:
                    break
                copied += done
        out.seek(copied)
    held.seek(copied)
    while copied < count:
        chunk = held.read(min(count - copied, _BLOCK))
        if not chunk:
            raise OSError(f"{path} was cut short while it was written")
        out.write(chunk)
        copied += len(chunk)


def _holds(found: bytes, parts: list[bytes]) -> bool:
    """Whether `found` is `parts` joined."""
    if len(parts) == 1:
        return found == parts[0]
    at = 0
    for part in parts:
        if not found.startswith(part, at):  # compared in place, not copied out
            return False
        at += len(part)
    return at == len(found)

"""The staging folder a build writes into, the swap that puts it in place of the output,
and putting right what an interrupted build left: a build killed at any moment leaves
the old output or the new one, and the next build removes every leftover of its making.

The swap is one exchange where the system allows (Linux's renameat2), else two renames;
a staging folder is named with its build's process id, so a later build knows when it
was abandoned.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .output import MARKER, OutputRefused, prune, remove_tree
from .record import CACHE_FOLDER, RECORD_FILE, UNWRITTEN, BuildRecord

_STAGING_PREFIX = ".vpcsite-staging-"
_OLD_PREFIX = ".vpcsite-old-"
#: The output a swap replaced, kept inside the new output's cache for the next build to
#: start from (`recycle`), instead of being deleted.
SPARE = f"{CACHE_FOLDER}/spare"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2 with RENAME_EXCHANGE), so a kill
    at any moment leaves one or the other in place. False where the system or the file
    system cannot, and the caller swaps in two renames."""
    if _renameat2 is None:
        return False
    result = _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))


def _find_renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _find_renameat2() if sys.platform.startswith("linux") else None


def _leftovers(target: Path, prefix: str) -> list[tuple[str, Path]]:
    """(token, folder) of every folder vpcsite made beside `target` with `prefix`, never
    a symlink or a look-alike of someone else's making."""
    pattern = re.compile(re.escape(f"{prefix}{target.name}-") + "((?:[0-9]+-)?[0-9a-f]{12})")
    try:
        entries = sorted(target.parent.iterdir())
    except OSError:
        return []
    found = []
    for path in entries:
        match = pattern.fullmatch(path.name)
        if match and not path.is_symlink() and path.is_dir():
            found.append((match.group(1), path))
    return found


def replaced_trees(target: Path) -> list[Path]:
    """Earlier outputs of `target` waiting to be deleted: renamed aside by a swap and
    left behind when their deletion was cut short (the machine stopped, a kill)."""
    return [path for _, path in _leftovers(target, _OLD_PREFIX)]


def _busy(folder: Path) -> bool:
    """Whether a running vpcsite process holds `folder`'s lock: a build writing its
    staging folder, or a deletion under way."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _owner_gone(token: str) -> bool:
    """Whether the build that named a staging folder `<pid>-<hex>` has ended. Its worker
    processes may outlive a killed build and still hold the lock they inherited."""
    pid = token.split("-", 1)[0] if "-" in token else ""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _abandoned(token: str, staging: Path) -> bool:
    """Whether the build that made `staging` has ended. A staging folder is named with
    its build's process id: a build that runs keeps it, even in the moment between
    making the folder and locking it; one that died leaves it, even while a worker it
    forked still holds the lock. Without an id, or with this process's, the lock decides."""
    if "-" in token and token.split("-", 1)[0] != str(os.getpid()):
        return _owner_gone(token)
    return not _busy(staging)  # an older vpcsite's, or this process's own (the dev server)


def _delete_locked(tree: Path) -> None:
    """Delete a replaced tree holding its lock, so no other build deletes it too."""
    try:
        fd = os.open(tree, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.rmtree(tree, ignore_errors=True)
    except OSError:
        pass  # another process is deleting it
    finally:
        os.close(fd)


def _delete_all(trees: list[Path]) -> None:
    for tree in trees:
        _delete_locked(tree)


def discard_trees(trees: list[Path], *, wait: bool = False, in_thread: bool = False) -> None:
    """Delete replaced outputs without making the build wait for them.

    Removing a tree of folders written seconds before can take seconds on some file
    systems (on ext4 each rmdir waited on the journal; 3-5 s for a thousand canvases,
    longer than their whole build). A detached grandchild process does it instead;
    anything it leaves is found by `recover` at the start of the next build.
    `in_thread`: a thread of this process does it (the dev server, which lives on:
    forking its heap twice cost more than deleting its tree in memory).
    """
    if not trees:
        return
    if wait or not hasattr(os, "fork"):
        for tree in trees:
            remove_tree(tree)
        return
    if in_thread:
        threading.Thread(target=_delete_all, args=(trees,), daemon=True, name="vpcsite-discard").start()
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked processes
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to answer
            if os.fork() == 0:
                os.setsid()
                os.nice(19)  # never compete with the next build for the processor
                for tree in trees:
                    _delete_locked(tree)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def recover(target: Path) -> list[Path]:
    """Put right what an interrupted build left beside `target`, before a new one starts.

    A kill between the swap's two renames leaves no output folder, the previous output
    renamed aside and the new one complete in staging: the swap is completed (the new
    output was whole; its marker is written before the first rename). Then every
    staging folder of a build that no longer runs, and every replaced tree nobody is
    deleting, is removed. Returns the trees that could not be deleted (a read-only
    folder), for the build to report."""
    olds = dict(_leftovers(target, _OLD_PREFIX))
    stagings = _leftovers(target, _STAGING_PREFIX)
    if not os.path.lexists(target):
        for token, staging in reversed(stagings):
            if token in olds and (staging / MARKER).is_file() and _abandoned(token, staging):
                os.rename(staging, target)
                break
    stuck: list[Path] = []
    for token, staging in _leftovers(target, _STAGING_PREFIX):
        if _abandoned(token, staging):
            stuck += _remove_reporting(staging)
    for _token, old in _leftovers(target, _OLD_PREFIX):
        if not _busy(old):
            stuck += _remove_reporting(old)
    return stuck


def _remove_reporting(tree: Path) -> list[Path]:
    """Delete `tree`; [tree] when some of it stays (a read-only folder), else []."""
    failed: list[str] = []
    shutil.rmtree(tree, onerror=lambda function, path, info: None if isinstance(info[1], FileNotFoundError) else failed.append(path))
    return [tree] if failed or tree.exists() else []


@contextmanager
def staged_output(
    target: Path, *, wait: bool = False, stuck: list[Path] | None = None, in_thread: bool = False, recycle: bool = False
) -> Iterator[Path]:
    """Yield a fresh staging folder beside `target`; on success swap it in, on any
    failure (an exception, Ctrl-C) remove it and leave `target` as it was.

    What earlier builds left is put right first (`recover`); trees that could not be
    deleted are added to `stuck`. The replaced output is deleted in the background
    (by a thread of this process with `in_thread`) unless `wait` is set.

    With `recycle`, the output the last swap replaced (kept as `target`'s SPARE) is the
    staging folder when there is one, with the files and folders it had but without its
    cache: the caller makes it what it needs (output.linking does). On success the
    output this swap replaces becomes the new output's spare. A thousand canvases are a
    thousand folders, and on some file systems a new folder costs most of a millisecond
    (a third of the build after a one-file edit), a rename nothing."""
    parent = target.parent
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    staging = parent / f"{_STAGING_PREFIX}{target.name}-{token}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        left = recover(target)
        if not (recycle and _take_spare(target, staging)):
            staging.mkdir()
    except OSError as exc:
        # A read-only site, a full disk: the machine's refusal, told as such (exit 2).
        raise OutputRefused(f"cannot write beside the output folder in {parent}: {exc.strerror or exc}") from None
    if stuck is not None:
        stuck.extend(tree for tree in left if tree not in stuck)
    # Held while the build runs (and by its workers, which inherit it): a later build
    # removes a staging folder only when no running build holds its lock.
    lock = os.open(staging, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    old = parent / f"{_OLD_PREFIX}{target.name}-{token}"
    try:
        yield staging
        (staging / MARKER).write_text("This folder was written by vpcsite build and is replaced by the next build.\n")
        if not target.exists():
            os.rename(staging, target)
        elif exchange(staging, target):
            # One step: the output folder is never missing, not even for a moment.
            os.rename(staging, old)
        else:
            # Two steps; a kill between them is put right by the next build (`recover`).
            os.rename(target, old)
            try:
                os.rename(staging, target)
            except BaseException:
                os.rename(old, target)
                raise
    except BaseException:
        if os.path.lexists(staging) and not os.path.lexists(old):
            remove_tree(staging)
        raise
    finally:
        os.close(lock)
    if recycle:
        _keep_spare(old, target)
    discard_trees(replaced_trees(target), wait=wait, in_thread=in_thread)


def _take_spare(target: Path, staging: Path) -> bool:
    """Make the spare of `target` the staging folder, less its cache and marker: they
    are the replaced build's, and its parsed documents are hard links shared with the
    output being served, never to be written through."""
    spare = target / SPARE
    if not (target / MARKER).is_file() or spare.is_symlink() or not spare.is_dir():
        return False
    try:
        os.rename(spare, staging)
    except OSError:
        return False
    remove_tree(staging / CACHE_FOLDER)
    (staging / MARKER).unlink(missing_ok=True)
    return True


def _keep_spare(old: Path, target: Path) -> None:
    """Keep the replaced output as the new output's spare; if that cannot be, it is
    deleted as any replaced tree."""
    if old.is_symlink() or not old.is_dir():
        return
    try:
        (target / CACHE_FOLDER).mkdir(exist_ok=True)
        os.rename(old, target / SPARE)
    except OSError:
        pass


def stuck_tree(tree: Path, root: Path) -> Diagnostic:
    """A folder an earlier build left beside the output (a replaced output, an
    interrupted build's staging) that could not be deleted: said, so it is not left to
    fill the disk unseen."""
    shown = os.path.relpath(tree, root.resolve()) if tree.is_absolute() else str(tree)
    return diagnostic(
        "VPC801",
        shown + "/",
        1,
        1,
        "an earlier build's folder could not be deleted",
        "delete it yourself (it may be read-only: chmod -R u+w it first); vpcsite no longer needs it",
    )


# --- what this process knows of a private output folder it built ----------------------

#: For a private output folder (the dev server's) this process built last: that build's
#: record, and the outputs of the folder's spare (the output it replaced, which becomes
#: the next build's staging folder), if there is one.
_SERVED: dict[str, tuple[BuildRecord, dict[str, tuple] | None]] = {}


def served(target: Path, record: BuildRecord, last: BuildRecord | None) -> None:
    """Note the build of `record` swapped into the private folder `target`; `last` is the
    record of the output it replaced, now the spare."""
    _SERVED[str(target)] = (record, last.outputs if last is not None and (target / SPARE).is_dir() else None)


def served_record(target: Path, setting: str) -> BuildRecord | None:
    """The record of the last build into the private folder `target`, as this process
    made it (read back from its file, it cost a rebuild of 5,000 canvases 25 ms), while
    that file is still there: a record deleted makes the next build start over."""
    found = _SERVED.get(str(target))
    if found is not None and found[0].setting == setting and (target / RECORD_FILE).is_file():
        return found[0]
    return None


def unwritten(target: Path, paths: list[str]) -> None:
    """Outputs the last build into the private folder `target` left for after its pages
    and did not write (the author saved again meanwhile): their files are the build's
    before, so their keys are forgotten and the next build makes them."""
    found = _SERVED.get(str(target))
    if found is not None:
        outputs = found[0].outputs
        for path in paths:
            if path in outputs and (target / path).is_file():
                outputs[path] = (UNWRITTEN, 0, 0, 0)
            else:  # never written: the file is not there to take over
                outputs.pop(path, None)


def tidy_spare(target: Path) -> None:
    """Remove from the spare of the private folder `target` the outputs that differ from
    the ones served, which the next build would replace there (`spare_known`). Done
    while the author reads the new page, not in the next build: at 5,000 canvases a
    title edit left 35 MB of the spare's old lists and site.json, whose memory the
    system took 20 ms to free."""
    found = _SERVED.get(str(target))
    if found is None or found[1] is None:
        return
    current, spare = found[0].outputs, found[1]
    stale = [path for path, entry in spare.items() if not _same_output(entry, current.get(path))]
    prune(target / SPARE, stale)
    for path in stale:
        del spare[path]


def _same_output(entry: tuple, other: tuple | None) -> bool:
    """Whether two records' entries for an output name the same bytes: an equal key does
    (keys.py); an empty one (an output compared by its bytes) says nothing."""
    return bool(entry[0]) and other is not None and other[0] == entry[0]


def spare_known(target: Path, last: BuildRecord | None) -> Callable[[], tuple[set[str], list[str]]] | None:
    """For a private output folder this process built last: how its spare (the output
    before it, which becomes the staging folder) differs from it, from the two builds'
    outputs and keys. An equal key means equal bytes (keys.py). None when this process
    does not know both. Asked once a build goes ahead, which changes the spare: what was
    known of it is forgotten."""
    found = _SERVED.pop(str(target), None)
    if found is None or last is None or found[1] is None or found[0].outputs != last.outputs:
        return None
    current, spare = found[0].outputs, found[1]

    def known() -> tuple[set[str], list[str]]:
        settled = {path for path, entry in current.items() if _same_output(entry, spare.get(path))}
        return settled, [path for path in spare if path not in current]

    return known

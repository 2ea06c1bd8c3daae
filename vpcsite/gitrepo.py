"""Reading a site's files at a git revision, straight from git's objects: resolving
revisions, listing a folder's files, reading their bytes in one batched process.

Nothing here checks anything out: the working tree, the index and the stash are never
touched, and git runs with GIT_OPTIONAL_LOCKS=0 so a read does not even refresh the
index in passing. The git command line is used (no new dependency): a whole revision
costs one `ls-tree` and one request to a `cat-file --batch` process shared by every read.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Modes of tree entries (git's object model): what a path at a revision is.
REGULAR, EXECUTABLE, SYMLINK, SUBMODULE = "100644", "100755", "120000", "160000"

UNSHALLOW_HINT = "this is a shallow clone: fetch more history with 'git fetch --unshallow' (in GitHub Actions: fetch-depth: 0)"


class GitError(Exception):
    """git cannot answer: not installed, not a repository, an unknown revision. The
    command line reports it in a sentence with a hint (exit 2), never a traceback."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class TreeEntry:
    """One file of a revision: its path from the repository's top, mode and blob id."""

    path: str
    mode: str
    blob: str


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a read never writes the index (status refreshes it)
    env["GIT_LITERAL_PATHSPECS"] = "1"  # a folder named 'a*' means that folder
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_INDEX_FILE", None)
    return env


class Repository:
    """The git repository holding a site, opened from the site's root folder.

    `commands` lists every git process started, so callers and tests can see that reads
    are batched (one `cat-file --batch` for the life of the object)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.commands: list[tuple[str, ...]] = []
        self._env = _environment()
        self._batch: subprocess.Popen[bytes] | None = None
        if not self.root.is_dir():
            raise GitError(f"no folder {self.root}", "name the site's folder with -s DIR")
        top, prefix, shallow = self._git(
            "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository", missing=self._not_a_repository
        ).split("\n")[:3]
        self.top = Path(top)
        #: The site root's path from the repository's top ("" or "docs/site/").
        self.prefix = prefix
        self.shallow = shallow == "true"

    # --- processes ---------------------------------------------------------------

    def _git(self, *args: str, missing: Callable[[str], GitError] | None = None) -> str:
        command = ("git", *args)
        self.commands.append(command)
        try:
            done = subprocess.run(command, cwd=self.root, env=self._env, capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH)", "install git to compare revisions") from None
        except NotADirectoryError:
            raise self._not_a_repository("") from None
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace").strip()
            if missing is not None:
                raise missing(error)
            raise GitError(f"git {args[0]} failed: {error.splitlines()[0] if error else done.returncode}")
        return done.stdout.decode("utf-8", "surrogateescape").rstrip("\n")

    def _git_bytes(self, *args: str) -> bytes:
        """`_git` for output read as bytes (file names in any encoding, NUL-separated)."""
        return self._git(*args).encode("utf-8", "surrogateescape")

    def _not_a_repository(self, error: str) -> GitError:
        if "dubious ownership" in error:
            return GitError(
                f"git refuses the repository at {self.root}: it belongs to another user", "see 'git config --global --add safe.directory'"
            )
        return GitError(f"{self.root} is not inside a git repository", "run vpcsite diff in a git clone of the site (or 'git init' one)")

    def close(self) -> None:
        """End the batch process, if one was started."""
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- revisions ---------------------------------------------------------------

    def resolve(self, revision: str) -> str:
        """The commit id a revision names (a branch, tag, `HEAD~2`, an id)."""
        if not revision or revision.startswith("-"):
            raise GitError(f"'{revision}' is not a revision", "name a branch, a tag or a commit, such as HEAD~1 or origin/main")

        def unknown(error: str) -> GitError:
            hint = UNSHALLOW_HINT if self.shallow else "list revisions with 'git log --oneline' or 'git branch -a'"
            return GitError(f"unknown revision '{revision}'", hint)

        return self._git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", missing=unknown)

    def head(self) -> str:
        """The commit HEAD names, or "" before the first commit."""
        try:
            return self._git("rev-parse", "--verify", "--quiet", "HEAD", missing=lambda error: GitError(error))
        except GitError:
            return ""

    def log(self, paths: list[str]) -> bytes:
        """`git log` of the commits that changed `paths` (under the site root), newest
        first, in the form history.parse_log reads: one process for the whole site."""
        return self._git_bytes("log", "--no-renames", "--relative", "-z", "--name-only", "--format=%x01%H%x1f%ct%x1f%s", "--", *paths)

    def uncommitted(self, paths: list[str]) -> set[str]:
        """Paths under the site root, within `paths`, that differ from HEAD or are not
        tracked (GIT_OPTIONAL_LOCKS=0: `status` does not refresh the index)."""
        out = self._git_bytes("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths)
        changed: set[str] = set()
        entries = out.split(b"\0")
        index = 0
        while index < len(entries):
            entry = entries[index].decode("utf-8", "surrogateescape")
            index += 1
            if len(entry) < 4:
                continue
            if entry[0] in "RC":
                index += 1  # a rename's source path follows
            path = entry[3:]
            changed.add(path[len(self.prefix) :] if path.startswith(self.prefix) else path)
        return changed

    def read_many(self, names: list[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
        """(commit, path under the site root) → the file's bytes then (None where it was
        not there), all through the one batch process."""
        unique = list(dict.fromkeys(names))
        answers = self._request([f"{commit}:{self.site_path(path)}" for commit, path in unique])
        return dict(zip(unique, answers))

    # --- files -------------------------------------------------------------------

    def site_path(self, relative: str) -> str:
        """A path under the site root as the repository names it."""
        return self.prefix + relative

    def list_files(self, commit: str, folder: str) -> list[TreeEntry]:
        """Every file under `folder` (a path under the site root) at `commit`, with paths
        from the site root, sorted as git sorts them. A folder absent there lists nothing."""
        full = self.site_path(folder.rstrip("/"))
        listing = self._git("ls-tree", "-r", "-z", "--full-tree", commit, "--", full)
        found = []
        for record in listing.split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, _, blob = meta.split(" ")
            if path == full or path.startswith(full + "/"):
                found.append(TreeEntry(path[len(self.prefix) :], mode, blob))
        return found

    def read(self, commit: str, relative: str) -> bytes | None:
        """One file under the site root at `commit`, or None when it is not there."""
        return self._request([f"{commit}:{self.site_path(relative)}"])[0]

    def read_blobs(self, blobs: list[str]) -> dict[str, bytes]:
        """The bytes of many blobs, all through the one batch process."""
        unique = list(dict.fromkeys(blobs))
        return {blob: data for blob, data in zip(unique, self._request(unique)) if data is not None}

    def _request(self, names: list[str]) -> list[bytes | None]:
        """Ask the batch process for objects by name; None for one that is missing.
        Requests are written by a thread while the answers are read, so neither pipe
        fills up and blocks the other side."""
        if not names:
            return []
        if any("\n" in name for name in names):
            raise GitError("a path with a line break cannot be read from git")
        batch = self._batch_process()
        assert batch.stdin is not None and batch.stdout is not None
        requests = "".join(name + "\n" for name in names).encode("utf-8", "surrogateescape")
        stdin = batch.stdin

        def write() -> None:
            stdin.write(requests)
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        answers: list[bytes | None] = []
        stdout = batch.stdout
        for _ in names:
            header = stdout.readline()
            if not header:
                raise GitError("git cat-file ended early")
            parts = header.split()
            if len(parts) != 3:  # "<name> missing" or "<name> ambiguous"
                answers.append(None)
                continue
            size = int(parts[2])
            data = stdout.read(size)
            stdout.read(1)  # the newline after the object
            answers.append(data if parts[1] == b"blob" else None)
        writer.join()
        return answers

    def _batch_process(self) -> subprocess.Popen[bytes]:
        if self._batch is None:
            command = ("git", "cat-file", "--batch")
            self.commands.append(command)
            try:
                self._batch = subprocess.Popen(command, cwd=self.root, env=self._env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            except FileNotFoundError:
                raise GitError("git is not installed (or not on PATH)", "install git to compare revisions") from None
        return self._batch


def link_target(link: str, target: bytes) -> str | None:
    """Where a symbolic link stored in git points, as a path from the same root as
    `link`; None when it leaves that root."""
    try:
        text = target.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("/"):
        return None
    parts: list[str] = []
    for part in PurePosixPath(link).parent.joinpath(text).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)

"""What the dev server watches: site.toml and the content, templates, themes and static
folders, never the output (which may sit inside the site root) nor anything else there
(a virtual environment, .git). A burst of saves is one change."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import watchfiles

#: After a change, wait this long for more before rebuilding: an editor's save (write,
#: rename, chmod) or a `git checkout` is one rebuild.
QUIET_S = 0.05


class Watcher:
    """Changes under the watched places of a site, grouped into bursts (`bursts`)."""

    def __init__(self, root: Path, folders: list[str], files: list[str]):
        self.root = root.resolve()
        self.folders = folders
        self.files = files
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._stop = threading.Event()
        self._folder_stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _watched_folders(self) -> list[Path]:
        return [self.root / name for name in self.folders if (self.root / name).is_dir()]

    def start(self) -> None:
        self._spawn(self._watch_root)
        self._restart_folders()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="vpcsite-watch")  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _restart_folders(self) -> None:
        self._folder_stop.set()
        self._folder_stop = threading.Event()
        folders = self._watched_folders()
        if folders:
            self._spawn(self._watch, folders, True, self._folder_stop)

    def _watch_root(self) -> None:
        """The site root itself, not below it: site.toml, and a watched folder created
        after the server started (then its own watcher starts)."""
        interesting = set(self.files) | set(self.folders)
        for changes in watchfiles.watch(
            self.root, recursive=False, stop_event=self._stop, raise_interrupt=False, debounce=1600, step=20, watch_filter=None
        ):
            names = {Path(path).name for _, path in changes} & interesting
            if names & set(self.folders):
                self._restart_folders()
            if names:
                self._changes.put({name for name in names})

    def _watch(self, folders: list[Path], recursive: bool, stop: threading.Event) -> None:
        for changes in watchfiles.watch(*folders, recursive=recursive, stop_event=stop, raise_interrupt=False, debounce=1600, step=20):
            self._changes.put({self._shown(path) for _, path in changes})

    def _shown(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path

    def waiting(self) -> bool:
        """Whether a change came that no burst has yielded yet."""
        return not self._changes.empty()

    def bursts(self, poll: float = 0.2) -> Iterator[list[str]]:
        """Each burst of changes once it has been quiet for QUIET_S, until `stop`."""
        while not self._stop.is_set():
            try:
                burst = self._changes.get(timeout=poll)
            except queue.Empty:
                continue
            deadline = time.monotonic() + QUIET_S
            while True:
                try:
                    burst |= self._changes.get(timeout=max(0.0, deadline - time.monotonic()))
                    deadline = time.monotonic() + QUIET_S
                except queue.Empty:
                    break
            yield sorted(burst)

    def stop(self) -> None:
        self._stop.set()
        self._folder_stop.set()
        for thread in self._threads:
            thread.join(timeout=2)

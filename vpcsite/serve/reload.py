"""The reload channel: each open page listens (Server-Sent Events) for the state of the
last build, and reloads itself when its own page changed, or shows the diagnostics in an
overlay while the content is broken."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

#: Injected before </body> of every HTML page while serving, and nowhere else.
SCRIPT_TAG = b'<script src="/__vpcsite/reload.js"></script>'


@dataclass
class BuildState:
    """What the pages need to know of the last build: its number, what changed, and
    the findings that keep it from being shown (errors) or that come with it."""

    number: int = 0
    changed: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: int = 0

    def event(self) -> bytes:
        data = json.dumps({"build": self.number, "changed": self.changed, "errors": self.errors, "warnings": self.warnings})
        return f"event: build\nid: {self.number}\ndata: {data}\n\n".encode()


class Channel:
    """The latest build state, and a way to wait for the next one."""

    def __init__(self) -> None:
        self._state = BuildState()
        self._changed = threading.Condition()
        self.closed = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def publish(self, state: BuildState) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def wait(self, after: int, timeout: float) -> BuildState | None:
        """The first state newer than build `after`, or None after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state.number > after, timeout)
            return self._state if self._state.number > after else None

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def inject(html: bytes) -> bytes:
    """The page with the reload script before its last </body> (or at its end)."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]

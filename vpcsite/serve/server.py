"""The HTTP side of the dev server: files of the last good build, the reload script
injected into its pages, and the event stream each page listens to."""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .files import OWN, content_type, is_folder, locate, site_path
from .reload import Channel, inject

SCRIPT = Path(__file__).with_name("reload.js")
NO_BUILD = b"<!doctype html><html lang=en><meta charset=utf-8><title>vpcsite serve</title><body><p>Not found, or no good build yet.</p></body></html>"
#: How often an idle event stream sends a comment, so a closed tab is noticed.
KEEPALIVE = 15.0


class PortInUse(Exception):
    def __init__(self, host: str, port: int, free: int | None):
        super().__init__(f"port {port} on {host} is in use")
        self.host, self.port, self.free = host, port, free


def free_port(host: str, start: int) -> int | None:
    """The first port from `start` that can be bound on `host` (ten tries)."""
    for port in range(start, start + 10):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    return None


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    # A port left in TIME_WAIT by the last run is reused; a port another process
    # listens on is still refused (SO_REUSEADDR does not allow that on Linux).
    allow_reuse_address = True

    def __init__(self, host: str, port: int, folder: Callable[[], Path], channel: Channel, settle: Callable[[str], None] | None = None):
        self.folder = folder
        self.channel = channel
        #: Waits until a file the rebuild under way writes after its pages is written.
        self.settle = settle or (lambda relative: None)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), Handler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(host, port, free_port(host, port + 1)) from None
            raise


class Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # the base class's name
        pass  # the terminal shows rebuilds, not every request

    def do_HEAD(self) -> None:  # the base class's naming
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        raw = self.path
        if raw.startswith(OWN):
            self._own(raw[len(OWN) :].split("?", 1)[0], head)
            return
        try:
            relative = site_path(raw)
        except UnicodeDecodeError:
            relative = None
        if relative is not None:
            self.server.settle(relative)
        folder = self.server.folder()
        if relative is not None and not relative.endswith("/index.html") and relative != "index.html" and is_folder(folder, relative):
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head, {"Location": "/" + relative + "/"})
            return
        found = locate(folder, relative) if relative is not None else None
        if found is None:
            missing = locate(folder, "404.html")
            # Before a first good build there is no 404 page: a bare one still carries
            # the script, so the overlay shows what keeps the site from building.
            body = inject(missing.read_bytes() if missing else NO_BUILD)
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", head)
            return
        body = found.read_bytes()
        kind = content_type(found)
        if kind.startswith("text/html"):
            body = inject(body)
        self._send(HTTPStatus.OK, body, kind, head)

    def _own(self, name: str, head: bool) -> None:
        if name == "reload.js":
            self._send(HTTPStatus.OK, SCRIPT.read_bytes(), "text/javascript; charset=utf-8", head)
        elif name == "events" and not head:
            self._events()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """The build states, newest first, for as long as the page stays open."""
        channel = self.server.channel
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            state = channel.state
            self.wfile.write(state.event())
            self.wfile.flush()
            seen = state.number
            while not channel.closed:
                newer = channel.wait(seen, KEEPALIVE)
                if newer is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = newer.number
                    self.wfile.write(newer.event())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def start(server: SiteServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name="vpcsite-serve")
    thread.start()
    return thread

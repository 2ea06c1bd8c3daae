"""The dev server's loop: first build, serve, then a rebuild for every burst of saves,
until Ctrl-C (or SIGTERM), which leaves nothing behind."""

from __future__ import annotations

import signal
import webbrowser
from collections.abc import Callable
from pathlib import Path

from .server import SiteServer, start
from .session import WATCHED_FILES, WATCHED_FOLDERS, DevSite, ServeOptions
from .watch import Watcher


def _content_dir(root: Path) -> str:
    from ..config import load_config

    config, _ = load_config(root)
    return config.content_dir if config is not None else "content"


def serve(root: Path, options: ServeOptions, say: Callable[[str], None]) -> int:
    """Serve the site at `root` until interrupted; raises server.PortInUse before
    anything is built when the port is taken."""
    site = DevSite(root, options, say)
    try:
        server = SiteServer(options.host, options.port, site.folder, site.channel, site.settle)
    except BaseException:
        site.close()
        raise
    watcher = Watcher(root, [_content_dir(root), *WATCHED_FOLDERS], list(WATCHED_FILES))
    site.waiting = watcher.waiting
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        watcher.start()  # before the first build: a save during it is not missed
        site.rebuild([])
        start(server)
        host, port = str(server.server_address[0]), server.server_address[1]
        shown = f"[{host}]" if ":" in str(host) else host
        url = f"http://{shown}:{port}/"
        say(f"serving {root} at {url} (built in {site.scratch}; public/ is left alone; Ctrl-C stops)")
        if options.open_browser:
            webbrowser.open(url)
        for burst in watcher.bursts():
            site.rebuild(burst)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        watcher.stop()
        site.channel.close()
        server.shutdown()
        server.server_close()
        site.close()
    say("stopped")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt

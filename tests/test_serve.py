"""`vpcsite serve`: rebuild on save, reload after the rebuild, broken content shown and
never fatal, only the built site's files served, clean start and stop."""

from __future__ import annotations

import http.client
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from vpcsite.serve.files import site_path
from vpcsite.serve.reload import Channel
from vpcsite.serve.server import SiteServer, start
from vpcsite.serve.watch import Watcher

from .conftest import SEGMENT, VALUE_MAP, write_site

LIMIT = 10.0  # seconds any wait in these tests may take at most


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def save(path: Path, text: str) -> None:
    """Write a file as an editor saves it (the shared texts start with a blank line)."""
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def small_site(root: Path) -> Path:
    return write_site(root, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})


class Served:
    """A `vpcsite serve` process, its terminal lines and its event stream."""

    def __init__(self, site: Path, *args: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vpcsite", "-s", str(site), "serve", "--port", str(self.port), *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.events: queue.Queue[dict] = queue.Queue()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, pattern: str) -> str:
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.said)
                continue
            self.said.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r}; said: {self.said}")

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=LIMIT)
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read().decode("utf-8", "replace")
        connection.close()
        return answer.status, body

    def listen(self) -> None:
        """Read the event stream, as a page's script does, into `events`."""

        def run() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request("GET", "/__vpcsite/events")
            answer = connection.getresponse()
            for raw in answer:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    self.events.put(json.loads(line[6:]))

        threading.Thread(target=run, daemon=True).start()

    def next_event(self, where=lambda event: True) -> dict:
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            if where(event):
                return event
        raise AssertionError("no such build event")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=LIMIT)


@pytest.fixture
def served(tmp_path):
    running: list[Served] = []

    def launch(site: Path, *args: str) -> Served:
        server = Served(site, *args)
        running.append(server)
        return server

    yield launch
    for server in running:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_a_save_rebuilds_and_the_page_hears_of_it_after_the_rebuild(tmp_path, served):
    site = small_site(tmp_path / "site")
    server = served(site)
    line = server.wait_for_line(r"^serving .* at http://127\.0\.0\.1:\d+/")
    scratch = Path(re.search(r"built in (\S+);", line).group(1))
    assert scratch.is_dir() and not (site / "public").exists()
    status, page = server.get("/canvases/fitnow/")
    assert status == 200 and "FitNow app" in page and '<script src="/__vpcsite/reload.js"></script>' in page
    server.listen()
    first = server.next_event()
    value_map = site / "content" / "value-maps" / "fitnow.md"
    save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Pro"))
    event = server.next_event(lambda e: e["build"] > first["build"])
    assert "canvases/fitnow/index.html" in event["changed"] and event["errors"] == []
    # the event comes once the rebuild is done: the page has the new text already
    assert "FitNow Pro" in server.get("/canvases/fitnow/")[1]

    # Broken YAML: the overlay's findings name the file and line; the last good page stays.
    save(value_map, VALUE_MAP.replace("title: FitNow app", "title: [FitNow"))
    broken = server.next_event(lambda e: e["errors"])
    assert any(e["path"].endswith("content/value-maps/fitnow.md") and e["line"] > 1 and e["code"] == "VPC004" for e in broken["errors"])
    status, page = server.get("/canvases/fitnow/")
    assert status == 200 and "FitNow Pro" in page
    server.wait_for_line(r"not built.*still serving the last good build")

    # Fixed: the overlay clears by itself (an event without errors) and the page changes.
    save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Max"))
    fixed = server.next_event(lambda e: e["build"] > broken["build"] and not e["errors"])
    assert "canvases/fitnow/index.html" in fixed["changed"]
    assert "FitNow Max" in server.get("/canvases/fitnow/")[1]
    assert server.stop() == 0
    assert not scratch.exists(), "Ctrl-C leaves no private build folder behind"
    assert not (site / "public").exists(), "serve never touches the output folder"


def test_a_template_error_is_shown_with_the_template_and_line(tmp_path, served):
    site = small_site(tmp_path / "site")
    server = served(site)
    server.wait_for_line(r"^serving ")
    server.listen()
    first = server.next_event()
    write_site(site, {"templates/canvas.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'})
    event = server.next_event(lambda e: e["build"] > first["build"])
    assert [(e["code"], e["path"], e["line"]) for e in event["errors"]] == [("VPC701", "templates/canvas.html", 3)]
    assert server.get("/canvases/fitnow/")[0] == 200
    assert server.stop() == 0


def test_the_port_in_use_is_named_and_another_suggested(tmp_path):
    site = small_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "vpcsite", "-s", str(site), "serve", "--port", str(port)], capture_output=True, text=True, timeout=LIMIT
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr and "try --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_network_is_served_only_when_asked_and_with_a_warning(tmp_path, served):
    site = small_site(tmp_path / "site")
    server = served(site, "--host", "0.0.0.0")
    server.wait_for_line(r"warning: serving on 0\.0\.0\.0 makes the site reachable from other machines")
    server.wait_for_line(r"^serving .* at http://0\.0\.0\.0:\d+/")
    assert server.stop() == 0


# --- only the built site's files -----------------------------------------------------------


@pytest.fixture
def site_server(tmp_path):
    built = tmp_path / "built"
    write_site(
        built,
        {
            "index.html": "<html><body>home</body></html>",
            "canvases/a/index.html": "<html><body>a</body></html>",
            "404.html": "<html><body>missing</body></html>",
        },
    )
    (tmp_path / "secret.txt").write_text("top secret")
    (built / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (built / "escape-dir").symlink_to(tmp_path)
    server = SiteServer("127.0.0.1", 0, lambda: built, Channel())
    start(server)
    yield server.server_address[1]
    server.channel.close()
    server.shutdown()
    server.server_close()


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=LIMIT) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/canvases/../../secret.txt",
        "/canvases/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        str(Path("/etc/passwd").resolve()),
        "/escape.txt",
        "/escape-dir/secret.txt",
        "/%00/index.html",
        "/%ff%fe",
    ],
)
def test_nothing_outside_the_built_site_is_served(site_server, path):
    status, body = raw_get(site_server, path)
    assert status == 404, (path, status)
    assert b"top secret" not in body and b"root:" not in body


def test_pages_of_the_built_site_are_served_with_the_reload_script(site_server):
    status, body = raw_get(site_server, "/canvases/a/")
    assert status == 200 and b"<body>a" in body and b"/__vpcsite/reload.js" in body
    assert raw_get(site_server, "/canvases/a")[0] == 301
    assert raw_get(site_server, "/")[0] == 200
    assert raw_get(site_server, "/__vpcsite/reload.js")[0] == 200


@pytest.mark.parametrize(
    "raw, expected",
    [("/", "index.html"), ("/a/b/", "a/b/index.html"), ("/a%20b.css?x=1", "a b.css"), ("/a/../b", None), ("/a\\b", None), ("//x", None)],
)
def test_a_request_target_maps_to_a_path_inside_the_site_or_nowhere(raw, expected):
    assert site_path(raw) == expected


# --- a burst of saves ---------------------------------------------------------------------------


def test_a_burst_of_twenty_saves_is_one_rebuild(tmp_path):
    site = small_site(tmp_path / "site")
    watcher = Watcher(site, ["content", "templates"], ["site.toml"])
    watcher.start()
    try:
        time.sleep(0.3)  # the watchers are set up
        assert not watcher.waiting()
        target = site / "content" / "value-maps" / "fitnow.md"
        for n in range(20):
            save(target, VALUE_MAP + f"\nSave {n}.\n")
            time.sleep(0.005)
        deadline = time.monotonic() + LIMIT
        while not watcher.waiting() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert watcher.waiting(), "a change not yet built is waiting (a rebuild's later writes give way to it)"
        bursts = []
        deadline = time.monotonic() + 1.5
        for burst in watcher.bursts(poll=0.05):
            bursts.append(burst)
            if time.monotonic() > deadline:
                break
            threading.Timer(max(0.0, deadline - time.monotonic()), watcher._stop.set).start()
        assert bursts == [["content/value-maps/fitnow.md"]]
    finally:
        watcher.stop()


def test_site_toml_and_a_new_templates_folder_are_watched(tmp_path):
    site = small_site(tmp_path / "site")
    (site / "site.toml").write_text('title = "A"\n')
    watcher = Watcher(site, ["content", "templates"], ["site.toml"])
    watcher.start()
    try:
        time.sleep(0.3)
        seen: list[list[str]] = []
        (site / "site.toml").write_text('title = "B"\n')
        seen.append(next(watcher.bursts(poll=0.05)))
        (site / "templates").mkdir()
        seen.append(next(watcher.bursts(poll=0.05)))
        time.sleep(0.3)
        (site / "templates" / "page.html").write_text("x")
        seen.append(next(watcher.bursts(poll=0.05)))
        (site / "public").mkdir()
        (site / "public" / "index.html").write_text("not watched")
        time.sleep(0.3)
        assert watcher._changes.empty(), "the output folder is never watched"
    finally:
        watcher.stop()
    assert seen == [["site.toml"], ["templates"], ["templates/page.html"]]


# --- site.json and the search index come after the pages ---------------------------------


def test_site_json_and_the_search_index_come_after_the_pages_and_a_request_waits_for_them(tmp_path, monkeypatch):
    """They are no page: the author's page is served and the reload sent first. A request
    for one of them meanwhile waits until it is written, and the site ends as a cold
    build makes it."""
    from vpcsite.build import BuildOptions, build_site
    from vpcsite.render import write
    from vpcsite.serve.session import DevSite, ServeOptions

    from .conftest import site_files

    site = small_site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    try:
        dev.rebuild([])
        data = dev.output / "data" / "site.json"
        assert "FitNow app" in data.read_text(encoding="utf-8")
        seen: dict = {}
        real = write._write_data

        def watched(renderer, folder, give_way, keep):
            seen["page"] = "FitNow Pro" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
            seen["event"] = dev.channel.state.number
            seen["data"] = "FitNow Pro" in data.read_text(encoding="utf-8")
            waiter = threading.Thread(
                target=lambda: (dev.settle("data/site.json"), seen.update(waited="FitNow Pro" in data.read_text(encoding="utf-8")))
            )
            waiter.start()
            waiter.join(0.3)
            seen["blocked"] = waiter.is_alive()
            real(renderer, folder, give_way, keep)
            seen["waiter"] = waiter

        monkeypatch.setattr(write, "_write_data", watched)
        save(site / "content" / "value-maps" / "fitnow.md", VALUE_MAP.replace("title: FitNow app", "title: FitNow Pro"))
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        seen.pop("waiter").join(LIMIT)
        assert "data/site.json" in state.changed and "data/search-index.js" in state.changed
        assert seen == {"page": True, "event": state.number, "data": False, "blocked": True, "waited": True}
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        assert site_files(dev.output) == site_files(site / "cold")
    finally:
        dev.close()


def test_site_json_that_cannot_be_written_makes_the_next_rebuild_start_over(tmp_path, monkeypatch):
    from vpcsite.render import write
    from vpcsite.serve.session import DevSite, ServeOptions

    site = small_site(tmp_path / "site")
    said: list[str] = []
    dev = DevSite(site, ServeOptions(jobs=1), said.append)
    try:
        dev.rebuild([])
        real = write._write_data

        def failing(renderer, folder, give_way, keep):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(write, "_write_data", failing)
        value_map = site / "content" / "value-maps" / "fitnow.md"
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Pro"))
        dev.rebuild(["content/value-maps/fitnow.md"])
        assert any("data/site.json could not be written" in line and "No space left" in line for line in said)
        dev.settle("data/site.json")  # waits for nothing now
        monkeypatch.setattr(write, "_write_data", real)
        state = dev.rebuild(["content/value-maps/fitnow.md"])  # nothing changed in the content, but no record
        assert "canvases/fitnow/index.html" in state.changed  # every page made again
        assert "FitNow Pro" in (dev.output / "data" / "site.json").read_text(encoding="utf-8")
    finally:
        dev.close()


def test_a_rebuild_looks_only_at_the_files_the_watcher_named_until_one_comes_or_goes(tmp_path, monkeypatch):
    """No folder is walked and no other file looked at after an edit; a new file, a
    deleted one, or the first build scan everything. What a build that failed was told
    stays told: a template changed then is taken when the next save fixes the content."""
    from vpcsite import record
    from vpcsite.build import BuildOptions, build_site
    from vpcsite.serve.session import DevSite, ServeOptions

    from .conftest import site_files

    site = small_site(tmp_path / "site")
    scans: list[int] = []
    real = record.input_paths
    monkeypatch.setattr(record, "input_paths", lambda *args: scans.append(1) or real(*args))
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    value_map = site / "content" / "value-maps" / "fitnow.md"
    try:
        dev.rebuild([])
        assert len(scans) == 1
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Pro"))
        assert dev.rebuild(["content/value-maps/fitnow.md"]).errors == []
        assert len(scans) == 1 and "FitNow Pro" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
        # A template changed in a burst whose build failed is still taken when the next
        # burst names only the content that was fixed.
        builtin = (Path(__file__).parent.parent / "vpcsite" / "templates" / "index.html").read_text(encoding="utf-8")
        (site / "templates").mkdir()
        (site / "templates" / "index.html").write_text(builtin, encoding="utf-8")
        dev.rebuild(["templates"])
        assert len(scans) == 2  # a folder came
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: [FitNow"))
        (site / "templates" / "index.html").write_text(builtin.replace("<h2>Canvases</h2>", "<h2>Our canvases</h2>"), encoding="utf-8")
        assert dev.rebuild(["content/value-maps/fitnow.md", "templates/index.html"]).errors  # not built
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Max"))
        assert dev.rebuild(["content/value-maps/fitnow.md"]).errors == []
        assert len(scans) == 2 and "Our canvases" in (dev.output / "index.html").read_text(encoding="utf-8")
        assert "FitNow Max" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
        (site / "content" / "about.md").write_text("---\ntitle: About\n---\nAbout us.\n", encoding="utf-8")
        dev.rebuild(["content/about.md"])
        assert len(scans) == 3 and (dev.output / "about" / "index.html").is_file()
        (site / "content" / "about.md").unlink()
        dev.rebuild(["content/about.md"])
        assert len(scans) == 4 and not (dev.output / "about").exists()
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        assert site_files(dev.output) == site_files(site / "cold")
    finally:
        dev.close()


def test_a_rebuild_takes_the_record_this_process_kept_not_its_file(tmp_path):
    """Read back, the record of 5,000 canvases cost a rebuild 25 ms: the dev server's
    process keeps the one it wrote, and a deleted record still makes it start over."""
    from vpcsite.record import RECORD_FILE
    from vpcsite.serve.session import DevSite, ServeOptions

    site = small_site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    value_map = site / "content" / "value-maps" / "fitnow.md"
    try:
        dev.rebuild([])
        (dev.output / RECORD_FILE).write_bytes(b"not read")
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Pro"))
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        assert "canvases/fitnow/index.html" in state.changed and "404.html" not in state.changed
        (dev.output / RECORD_FILE).unlink()
        save(value_map, VALUE_MAP.replace("title: FitNow app", "title: FitNow Max"))
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        assert "404.html" in state.changed  # every output made again
    finally:
        dev.close()

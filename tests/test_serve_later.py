"""What a dev server's rebuild writes after the pages it serves first: the index and the
fit summary, which list every canvas, come after the author's own page and its reload;
a request for one waits for it, what they find is still told, and a template of the
site's own that fails on one is shown as any template error is."""

from __future__ import annotations

import threading
from pathlib import Path

from vpcsite.build import BuildOptions, build_site
from vpcsite.render import parallel
from vpcsite.serve.session import DevSite, ServeOptions

from .conftest import SEGMENT, VALUE_MAP, site_files, write_site

LIMIT = 10.0

#: A home page whose intro links to a file that is not there: a warning of the index's own.
HOME = """
---
title: Our canvases
---
See [the plan](plan.md).
"""


def _site(root: Path, **more: str) -> Path:
    files = {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP, "content/index.md": HOME}
    return write_site(root, {**files, **more})


def _retitle(site: Path, title: str) -> None:
    path = site / "content" / "value-maps" / "fitnow.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: FitNow app", f"title: {title}", 1), encoding="utf-8")


def test_the_lists_come_after_the_authors_page_and_a_request_waits_for_them(tmp_path, monkeypatch):
    site = _site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    try:
        dev.rebuild([])
        seen: dict = {}
        real = parallel.render_page

        def watched(env, info, job, folder, root, whole=False, give_way=None):
            if job.url == "index.html":
                seen["published"] = dev.channel.state.number
                seen["page"] = "FitNow Pro" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
                seen["index"] = "FitNow Pro" in (dev.output / "index.html").read_text(encoding="utf-8")
                waiter = threading.Thread(
                    target=lambda: (
                        dev.settle("index.html"),
                        seen.update(waited="FitNow Pro" in (dev.output / "index.html").read_text(encoding="utf-8")),
                    )
                )
                waiter.start()
                waiter.join(0.3)
                seen["blocked"] = waiter.is_alive()
                seen["waiter"] = waiter
            real(env, info, job, folder, root, whole, give_way)

        monkeypatch.setattr(parallel, "render_page", watched)
        _retitle(site, "FitNow Pro")
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        seen.pop("waiter").join(LIMIT)
        assert seen == {"published": state.number, "page": True, "index": False, "blocked": True, "waited": True}
        assert {"index.html", "fit/index.html", "canvases/fitnow/index.html"} <= set(state.changed)
        assert "FitNow Pro" in (dev.output / "fit" / "index.html").read_text(encoding="utf-8")
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        assert site_files(dev.output) == site_files(site / "cold")
    finally:
        dev.close()


def test_what_the_index_finds_is_told_when_it_is_written_after_the_build(tmp_path):
    """The home page's intro is rendered in the build, so its broken link is reported
    by the build that leaves the index for later, exactly as a cold build reports it."""
    site = _site(tmp_path / "site")
    private = tmp_path / "private"
    later: list = []
    options = BuildOptions(pdf=False, jobs=1)
    build_site(site, options, private=private, later=later)
    for _, write in later:
        write(private, lambda: False)
    later.clear()
    _retitle(site, "FitNow Pro")
    result = build_site(site, options, private=private, later=later)
    assert [path for path, _ in later][:2] == ["index.html", "fit/index.html"]
    for _, write in later:
        write(private, lambda: False)
    cold = build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
    assert any(d.path == "content/index.md" for d in cold.diagnostics)
    assert result.diagnostics == cold.diagnostics
    assert site_files(private) == site_files(site / "cold")


#: An index template of the site's own that fails on one title only.
FRAGILE_INDEX = """
<!doctype html><title>{{ page.title }}</title>
{% for canvas in canvases %}{% if canvas.title == "Boom" %}{{ nothing.at_all }}{% endif %}<p>{{ canvas.title }}</p>{% endfor %}
"""


def test_a_site_template_failing_on_a_list_written_later_is_shown_and_the_next_rebuild_starts_over(tmp_path):
    site = _site(tmp_path / "site", **{"templates/index.html": FRAGILE_INDEX})
    said: list[str] = []
    dev = DevSite(site, ServeOptions(jobs=1), said.append)
    try:
        assert dev.rebuild([]).errors == []
        _retitle(site, "Boom")
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        assert state.errors == [], "the build itself went through: the canvas page is served"
        shown = dev.channel.state
        assert shown.number == state.number + 1
        assert [(e["code"], e["path"], e["line"]) for e in shown.errors] == [("VPC701", "templates/index.html", 2)]
        assert any(line.startswith("index.html: not built") for line in said)
        assert "Boom" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
        again = dev.rebuild(["content/value-maps/fitnow.md"])  # no record: the whole site, and the error in it
        assert [(e["code"], e["path"]) for e in again.errors] == [("VPC701", "templates/index.html")]
        path = site / "content" / "value-maps" / "fitnow.md"
        path.write_text(path.read_text(encoding="utf-8").replace("title: Boom", "title: Calm", 1), encoding="utf-8")
        fixed = dev.rebuild(["content/value-maps/fitnow.md"])
        assert fixed.errors == [] and dev.channel.state.errors == []
        assert "Calm" in (dev.output / "index.html").read_text(encoding="utf-8")
    finally:
        dev.close()


def test_the_build_record_is_written_last_after_the_pages_and_kept_in_the_process_meanwhile(tmp_path):
    from vpcsite import memo
    from vpcsite.record import RECORD_FILE

    site = _site(tmp_path / "site")
    private = tmp_path / "private"
    later: list = []
    options = BuildOptions(pdf=False, jobs=1)
    build_site(site, options, private=private, later=later)
    assert [path for path, _ in later][-1] == RECORD_FILE
    assert not (private / RECORD_FILE).exists(), "no record names outputs not yet written"
    for _, write in later:
        write(private, lambda: False)
    assert (private / RECORD_FILE).is_file()
    assert memo._used is None, "a process that builds again notes no memo key for another"
    later.clear()
    _retitle(site, "FitNow Pro")
    result = build_site(site, options, private=private, later=later)
    assert not (private / RECORD_FILE).exists(), "the record of two builds ago, in the recycled folder, is gone"
    for _, write in later:
        write(private, lambda: False)
    again = build_site(site, options, private=private, later=later)
    assert again.unchanged and again.diagnostics == result.diagnostics


def test_a_save_during_the_writes_after_the_pages_leaves_them_to_the_next_build(tmp_path, monkeypatch):
    """The author saved again while the lists of the last save were still to write: the
    next build comes at once and makes them, even when the save changed nothing. The
    build's views are let go all the same."""
    from vpcsite.render.site import SiteRenderer

    site = _site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    try:
        dev.rebuild([])
        dev.waiting = lambda: True
        released: list[bool] = []
        real = SiteRenderer.release
        monkeypatch.setattr(SiteRenderer, "release", lambda self: released.append(True) or real(self))
        _retitle(site, "FitNow Pro")
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        assert released == [True]
        assert {"index.html", "fit/index.html", "data/site.json"} <= set(state.changed)
        assert "FitNow Pro" in (dev.output / "canvases" / "fitnow" / "index.html").read_text(encoding="utf-8")
        for left in ("index.html", "fit/index.html", "data/site.json"):
            assert "FitNow Pro" not in (dev.output / left).read_text(encoding="utf-8"), left
        dev.settle("index.html")  # waits for nothing: it is the next build's now
        dev.waiting = lambda: False
        again = dev.rebuild(["content/value-maps/fitnow.md"])  # saved again, unchanged
        assert {"index.html", "fit/index.html", "data/site.json"} <= set(again.changed)
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        assert site_files(dev.output) == site_files(site / "cold")
        assert dev.rebuild(["content/value-maps/fitnow.md"]).changed == [], "and then nothing is left to make"
    finally:
        dev.close()


def test_once_the_writes_after_the_pages_are_done_the_spare_holds_no_output_the_next_build_would_replace(tmp_path):
    """The next build makes its staging folder of the spare (the output before last): the
    outputs there that differ from the ones served go while the author reads the page,
    not when the next save is built."""
    from vpcsite.staging import SPARE

    site = _site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    try:
        dev.rebuild([])
        _retitle(site, "FitNow Pro")
        dev.rebuild(["content/value-maps/fitnow.md"])
        spare = dev.output / SPARE
        served = {p.relative_to(dev.output).as_posix(): p.stat().st_ino for p in dev.output.rglob("*") if p.is_file() and ".cache" not in p.parts}
        kept = {
            p.relative_to(spare).as_posix(): p.stat().st_ino for p in spare.rglob("*") if p.is_file() and ".cache" not in p.relative_to(spare).parts
        }
        assert "404.html" in kept, "the spare is the first build's output"
        assert {path for path, inode in kept.items() if served.get(path) != inode and not path.startswith(".")} == set()
        assert not (spare / "index.html").exists() and not (spare / "data" / "site.json").exists()
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        dev.rebuild(["content/value-maps/fitnow.md"])
        assert site_files(dev.output) == site_files(site / "cold")
    finally:
        dev.close()


def test_a_save_while_a_list_is_being_made_stops_it_and_the_next_build_makes_it(tmp_path):
    """Not only between the writes after the pages: a list half made gives way too."""
    site = _site(tmp_path / "site")
    dev = DevSite(site, ServeOptions(jobs=1), lambda line: None)
    try:
        dev.rebuild([])
        asked: list[int] = []
        dev.waiting = lambda: asked.append(1) is None and len(asked) > 1  # the save comes once the index is begun
        _retitle(site, "FitNow Pro")
        state = dev.rebuild(["content/value-maps/fitnow.md"])
        assert "index.html" in state.changed and len(asked) > 2
        assert "FitNow Pro" not in (dev.output / "index.html").read_text(encoding="utf-8")
        dev.waiting = lambda: False
        again = dev.rebuild(["content/value-maps/fitnow.md"])
        assert "index.html" in again.changed
        build_site(site, BuildOptions(pdf=False, jobs=1, output=Path("cold"), force_all=True))
        assert site_files(dev.output) == site_files(site / "cold")
    finally:
        dev.close()

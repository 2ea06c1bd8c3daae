"""Incremental builds (DESIGN §12): a build redoes only what changed since the last one,
and what it leaves is exactly what a cold build of the same content gives."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpcsite.build import BuildOptions, build_site
from vpcsite.record import RECORD_FILE

from .conftest import gen_site, site_files, write_site

INDEX = """
---
title: Home
---
Start with [the first canvas](value-maps/{first}.md) or read [about](about.md).
"""
ABOUT = """
---
title: About
---
Why we keep canvases in git. ![The plan](plan.png) is still to be drawn.
"""


def small_site(root: Path, canvases: int = 4, seed: int = 3) -> Path:
    """A generated site plus what the generator leaves out: a home page linking to a
    canvas, another page, an image beside a value map that its notes show, a static file."""
    gen_site().generate(canvases, root, seed=seed)
    (root / ".gen_site-files").unlink(missing_ok=True)
    maps = sorted((root / "content" / "value-maps").glob("*.md"))
    write_site(root, {"content/index.md": INDEX.format(first=maps[0].stem), "content/about.md": ABOUT, "static/logo.txt": "logo\n"})
    (root / "content" / "value-maps" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with maps[0].open("a", encoding="utf-8") as body:
        body.write("\n![Diagram](diagram.png)\n")
    return root


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def build(root: Path, **options) -> object:
    return build_site(root, BuildOptions(pdf=options.pop("pdf", False), jobs=1, **options))


def cold(root: Path, pdf: bool = False):
    """A build from nothing into a folder of its own."""
    shutil.rmtree(root / "cold", ignore_errors=True)
    return build(root, output=Path("cold"), force_all=True, pdf=pdf)


def same_as_cold(root: Path, pdf: bool = False) -> None:
    incremental = build(root, pdf=pdf)
    reference = cold(root, pdf=pdf)
    assert incremental.written == reference.written
    assert incremental.diagnostics == reference.diagnostics
    if reference.written:
        assert site_files(root / "public") == site_files(root / "cold")


# --- nothing changed ------------------------------------------------------------------


def test_a_build_with_nothing_changed_writes_nothing_and_repeats_the_diagnostics(tmp_path):
    site = small_site(tmp_path / "s")
    first = build(site)
    assert first.written and first.diagnostics
    before = stats(site / "public")
    folder = (site / "public").stat().st_ino
    again = build(site)
    assert again.unchanged and again.written
    assert again.diagnostics == first.diagnostics
    assert stats(site / "public") == before
    assert (site / "public").stat().st_ino == folder
    assert not any(p.name.startswith(".vpcsite-") for p in site.iterdir())


def test_the_command_exits_as_the_last_build_did_and_prints_the_same_findings(tmp_path):
    site = small_site(tmp_path / "s")
    command = [sys.executable, "-m", "vpcsite", "-s", str(site), "build", "--no-pdf"]
    first = subprocess.run(command, capture_output=True, text=True)
    second = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == second.returncode == 0
    assert "nothing changed" in second.stderr
    findings = [line for line in first.stderr.splitlines() if ": warning " in line or line.startswith("  hint")]
    assert findings and findings == [line for line in second.stderr.splitlines() if ": warning " in line or line.startswith("  hint")]


def test_a_file_saved_again_unchanged_is_compared_by_content(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    segment = next((site / "content" / "segments").glob("*.md"))
    segment.write_bytes(segment.read_bytes())  # a new mtime, the same bytes
    again = build(site)
    assert again.rendered == 0


def test_a_no_change_build_imports_neither_renderers_nor_parsers_nor_models(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    probe = (
        "import sys; from pathlib import Path; from vpcsite.build import build_site, BuildOptions;"
        f"r = build_site(Path({str(site)!r}), BuildOptions(pdf=False)); assert r.unchanged;"
        "print(sorted(m for m in ('jinja2', 'weasyprint', 'markdown_it', 'vpcsite.render.site', 'vpcsite.model', 'vpcsite.schema', 'vpcsite.content') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


# --- what an edit re-renders --------------------------------------------------------------


def test_the_text_of_a_linked_item_re_renders_its_canvas_page_only(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    text = value_map.read_text(encoding="utf-8")
    linked = re.search(r"  - id: ([\w-]+)\n    text: (.+)\n    relieves: \[\w", text)
    assert linked, "the generated value map has a reliever that relieves something"
    value_map.write_text(text.replace(f"text: {linked.group(2)}\n", f"text: {linked.group(2)} now\n", 1), encoding="utf-8")
    result = build(site)
    assert result.rendered == 1
    same_as_cold(site)


def test_a_note_edit_re_renders_its_canvas_page_and_search_index_only(tmp_path, monkeypatch):
    from vpcsite.render import write

    site = small_site(tmp_path / "s")
    build(site)
    before = stats(site / "public")
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    value_map.write_text(value_map.read_text(encoding="utf-8") + "\nA new note.\n", encoding="utf-8")
    made: list[str] = []
    monkeypatch.setattr(write, "site_json_parts", lambda *args: made.append("site.json") or iter([b"{}"]))
    result = build(site)
    assert result.rendered == 1
    page = f"canvases/{value_map.stem}/index.html"
    assert [url for url in result.changed if not url.startswith("pdf/")] == [page, "data/search-index.js"]
    # site.json shows front matter, not bodies: not made again at all.
    assert made == []
    # The search index shows only the note's start, so it came out as it was: a file
    # made again with the same bytes keeps its inode and time.
    after = stats(site / "public")
    assert sorted(path for path in after if after[path] != before.get(path) and not path.startswith(".")) == [page]
    monkeypatch.undo()
    same_as_cold(site)


def test_a_rebuild_in_the_same_process_makes_jobs_only_for_the_canvases_that_changed(tmp_path, monkeypatch):
    """The keys of an unchanged canvas's page and drawing are known by what they are made
    of: a rebuild of 5,000 canvases made 10,000 jobs to find the one that changed."""
    from vpcsite.render import jobs, write

    site = small_site(tmp_path / "s")
    build(site)
    made: list[str] = []
    for name in ("canvas_job", "drawing_job"):
        real = getattr(jobs, name)
        monkeypatch.setattr(
            write, name, lambda renderer, map_id, *rest, real=real, name=name: made.append(f"{name} {map_id}") or real(renderer, map_id, *rest)
        )
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    # A note no other test writes: keys are remembered by content for the whole process.
    value_map.write_text(value_map.read_text(encoding="utf-8") + f"\nA note of {tmp_path.name}.\n", encoding="utf-8")
    result = build(site)
    assert sorted(made) == [f"canvas_job {value_map.stem}", f"drawing_job {value_map.stem}"]
    assert [url for url in result.changed if not url.startswith("pdf/")] == [f"canvases/{value_map.stem}/index.html", "data/search-index.js"]
    monkeypatch.undo()
    same_as_cold(site)


def test_an_item_note_is_front_matter_and_makes_site_json_again(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    text = value_map.read_text(encoding="utf-8")
    edited = re.sub(r"^    note: .+$", "    note: A word from a customer.", text, count=1, flags=re.MULTILINE)
    assert edited != text
    value_map.write_text(edited, encoding="utf-8")
    result = build(site)
    assert "data/site.json" in result.changed
    assert "A word from a customer." in (site / "public" / "data" / "site.json").read_text(encoding="utf-8")
    same_as_cold(site)


def test_an_item_edit_in_a_segment_re_renders_its_canvases_and_the_lists(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    segment = sorted((site / "content" / "segments").glob("*.md"))[0]
    targeting = [p.stem for p in (site / "content" / "value-maps").glob("*.md") if f"segment: {segment.stem}\n" in p.read_text()]
    text = segment.read_text(encoding="utf-8")
    segment.write_text(re.sub(r"(\n    text: )", r"\1Renamed ", text, count=1), encoding="utf-8")
    result = build(site)
    # its canvases, its own page, the index and the fit summary
    assert result.rendered == len(targeting) + 3
    same_as_cold(site)


def test_deleting_and_renaming_a_value_map_leaves_nothing_stale(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    maps = sorted((site / "content" / "value-maps").glob("*.md"))
    maps[1].unlink()
    maps[2].rename(maps[2].with_name("renamed.md"))
    result = build(site)
    assert result.deleted >= 2
    assert not (site / "public" / "canvases" / maps[1].stem).exists()
    assert not (site / "public" / "canvases" / maps[2].stem).exists()
    assert (site / "public" / "canvases" / "renamed" / "index.html").is_file()
    same_as_cold(site)


def test_a_link_that_now_leads_nowhere_re_renders_the_page_that_shows_it(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    first = sorted((site / "content" / "value-maps").glob("*.md"))[0]
    first.rename(first.with_name("moved.md"))
    build(site)
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert f"canvases/{first.stem}/" not in home
    same_as_cold(site)


# --- a record that cannot be trusted ----------------------------------------------------


def test_a_corrupt_record_leads_to_a_full_rebuild(tmp_path):
    site = small_site(tmp_path / "s")
    first = build(site)
    (site / "public" / RECORD_FILE).write_bytes(b"{not json")
    again = build(site)
    assert not again.unchanged and again.rendered == first.rendered
    same_as_cold(site)


def test_a_record_of_another_vpcsite_leads_to_a_full_rebuild(tmp_path):
    site = small_site(tmp_path / "s")
    first = build(site)
    record = site / "public" / RECORD_FILE
    data = json.loads(record.read_bytes())
    data["code"] = "another version"
    record.write_text(json.dumps(data))
    again = build(site)
    assert not again.unchanged and again.rendered == first.rendered


def test_an_output_file_edited_by_hand_is_noticed_and_rebuilt(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    page = site / "public" / "fit" / "index.html"
    page.write_text("edited by hand")
    (site / "public" / "stray.html").write_text("left by hand")
    again = build(site)
    assert not again.unchanged
    assert not (site / "public" / "stray.html").exists()
    same_as_cold(site)


def test_a_damaged_document_cache_only_costs_time(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    for shard in (site / "public" / ".cache" / "documents").iterdir():
        shard.write_bytes(b"garbage")
    segment = sorted((site / "content" / "segments").glob("*.md"))[0]
    segment.write_text(segment.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    same_as_cold(site)


def test_force_all_renders_everything(tmp_path):
    site = small_site(tmp_path / "s")
    first = build(site)
    again = build(site, force_all=True)
    assert not again.unchanged and again.rendered == first.rendered and again.reused == 0


def test_a_file_made_again_with_the_same_bytes_keeps_its_inode_and_time(tmp_path):
    """--force-all renders every page again, but a page that comes out as it was is the
    previous file still (deploy tools that compare times upload nothing), and a page
    that changed is a new file: the previous output is never written through."""
    site = small_site(tmp_path / "s")
    build(site)

    def outputs() -> dict[str, tuple[int, int]]:  # the site's files, not the record's
        return {path: stat for path, stat in stats(site / "public").items() if not path.startswith(".")}

    before = outputs()
    page = site / "public" / "index.html"
    old_bytes = page.read_bytes()
    assert build(site, force_all=True).rendered > 1
    assert outputs() == before
    (site / "content" / "index.md").write_text("---\ntitle: Changed home\n---\nNew words.\n", encoding="utf-8")
    kept = os.link(page, tmp_path / "held")  # a second name for the served file
    build(site, force_all=True)
    after = outputs()
    assert after["index.html"] != before["index.html"]
    assert (tmp_path / "held").read_bytes() == old_bytes and kept is None
    same_as_cold(site)


# --- any sequence of edits ------------------------------------------------------------------


def _maps(root: Path) -> list[Path]:
    return sorted((root / "content" / "value-maps").rglob("*.md"))


def _segments(root: Path) -> list[Path]:
    return sorted((root / "content" / "segments").rglob("*.md"))


def _replace_token(root: Path, old: str, new: str) -> None:
    pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
    for path in [*_maps(root), *_segments(root)]:
        path.write_text(pattern.sub(new, path.read_text(encoding="utf-8")), encoding="utf-8")


def edit(root: Path, kind: str, pick: int) -> None:
    """One edit a user makes between two builds."""
    maps, segments = _maps(root), _segments(root)
    if kind == "item text" and maps:
        path = maps[pick % len(maps)]
        path.write_text(re.sub(r"(\n    text: )", rf"\1Step {pick} ", path.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    elif kind == "segment item text" and segments:
        path = segments[pick % len(segments)]
        texts = re.findall(r"\n    text: (.+)", path.read_text(encoding="utf-8"))
        old = texts[pick % len(texts)]
        path.write_text(path.read_text(encoding="utf-8").replace(f"text: {old}\n", f"text: {old} {pick}\n", 1), encoding="utf-8")
    elif kind == "severity" and segments:
        path = segments[pick % len(segments)]
        path.write_text(re.sub(r"severity: \w+", f"severity: {pick % 5 + 1}", path.read_text(encoding="utf-8"), count=pick % 3 + 1), encoding="utf-8")
    elif kind == "note" and maps:
        path = maps[pick % len(maps)]
        path.write_text(path.read_text(encoding="utf-8") + f"\nNote {pick}.\n", encoding="utf-8")
    elif kind in ("rename id", "rename id and fix references") and segments:
        path = segments[pick % len(segments)]
        ids = re.findall(r"\n  - id: ([\w-]+)", path.read_text(encoding="utf-8"))
        old = ids[pick % len(ids)]
        if kind == "rename id":
            path.write_text(path.read_text(encoding="utf-8").replace(f"id: {old}\n", f"id: {old}-x{pick}\n"), encoding="utf-8")
        else:
            _replace_token(root, old, f"{old}-x{pick}")
    elif kind == "add value map" and maps:
        source = maps[pick % len(maps)]
        shutil.copy(source, source.with_name(f"copy-{pick}.md"))
    elif kind == "delete value map" and len(maps) > 1:
        maps[pick % len(maps)].unlink()
    elif kind == "move segment" and segments:
        path = segments[pick % len(segments)]
        target = root / "content" / "segments" / f"moved{pick}" / path.name
        target.parent.mkdir(exist_ok=True)
        path.rename(target)
    elif kind == "break a file" and maps:
        path = maps[pick % len(maps)]
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nbroken: [\n", 1), encoding="utf-8")
    elif kind == "fix broken files":
        for path in _maps(root):
            path.write_text(path.read_text(encoding="utf-8").replace("---\nbroken: [\n", "---\n", 1), encoding="utf-8")
    elif kind == "edit a template":
        write_site(
            root,
            {"templates/page.html": f'{{% extends "base.html" %}}{{% block main %}}<article>{pick}{{{{ content }}}}</article>{{% endblock %}}\n'},
        )
    elif kind == "change site.toml":
        config = root / "site.toml"
        config.write_text(re.sub(r'(?m)^title = ".*"$', f'title = "Canvases {pick}"', config.read_text(encoding="utf-8")), encoding="utf-8")
    elif kind == "add a static file":
        write_site(root, {f"static/file-{pick}.txt": f"{pick}\n"})
    elif kind == "delete the linked image":
        (root / "content" / "value-maps" / "diagram.png").unlink(missing_ok=True)


EDITS = [
    "item text",
    "segment item text",
    "severity",
    "note",
    "rename id",
    "rename id and fix references",
    "add value map",
    "delete value map",
    "move segment",
    "break a file",
    "fix broken files",
    "edit a template",
    "change site.toml",
    "add a static file",
    "delete the linked image",
]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=5))
def test_any_sequence_of_edits_builds_exactly_what_a_cold_build_gives(tmp_path_factory, steps):
    site = small_site(tmp_path_factory.mktemp("edits") / "s")
    assert build(site).written
    for kind, pick in steps:
        edit(site, kind, pick)
        same_as_cold(site)


def test_edits_with_pdfs_build_exactly_what_a_cold_build_gives(tmp_path):
    site = small_site(tmp_path / "s", canvases=2)
    assert build(site, pdf=True).written
    for kind, pick in [("note", 0), ("item text", 1), ("change site.toml", 2)]:
        edit(site, kind, pick)
        same_as_cold(site, pdf=True)


# --- killed builds ----------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.15, 0.4, 0.8, 1.3])
def test_a_build_killed_at_any_moment_leaves_the_old_site_and_the_next_build_is_right(tmp_path, delay):
    site = tmp_path / "s"
    gen_site().generate(120, site, seed=7)
    command = [sys.executable, "-m", "vpcsite", "-q", "-s", str(site), "build", "--no-pdf", "--jobs", "2"]
    assert subprocess.run(command, capture_output=True).returncode in (0, 1)
    before = site_files(site / "public")
    for path in _maps(site)[::3]:
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    if running.poll() is None:
        os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    left = site_files(site / "public")
    subprocess.run([*command, "--output", "cold", "--force-all"], capture_output=True, check=False)
    expected = site_files(site / "cold")
    # killed before its swap, the old site stands; after it, the new one, whole
    assert left in (before, expected)
    assert subprocess.run(command, capture_output=True).returncode in (0, 1)
    assert site_files(site / "public") == expected
    # the killed build's staging folder is gone too (the next build removed it)
    assert [p.name for p in site.iterdir() if p.name.startswith(".vpcsite-staging-")] == []


def test_a_template_of_the_site_own_listing_canvases_sees_everything_and_is_kept_current(tmp_path):
    site = small_site(tmp_path / "s")
    write_site(
        site,
        {
            "templates/index.html": (
                '{% extends "base.html" %}{% block main %}{% for canvas in canvases %}'
                "<p>{{ canvas.title }}: {{ canvas.products|length }} products, first {{ canvas.products[0].text }}</p>"
                "{% endfor %}{% endblock %}\n"
            )
        },
    )
    assert build(site).written
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    first_product = re.search(r"products:\n  - id: [\w-]+\n    text: (.+)\n", value_map.read_text(encoding="utf-8")).group(1)
    assert f"first {first_product}</p>" in (site / "public" / "index.html").read_text(encoding="utf-8")
    value_map.write_text(value_map.read_text(encoding="utf-8").replace(f"text: {first_product}\n", "text: Renamed product\n", 1), encoding="utf-8")
    build(site)
    assert "first Renamed product</p>" in (site / "public" / "index.html").read_text(encoding="utf-8")
    same_as_cold(site)


def test_a_build_works_in_the_output_before_last_instead_of_making_every_folder(tmp_path):
    """The output a swap replaces is kept inside the new one (.cache/spare) and the next
    build starts from it: the same folders, its files made what they must be."""
    site = small_site(tmp_path / "s")
    build(site)
    first = {path: (site / "public" / path).stat().st_ino for path in ("canvases", "segments", "data")}
    edit_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    edit_map.write_text(edit_map.read_text(encoding="utf-8") + "\nOne.\n", encoding="utf-8")
    build(site)
    assert (site / "public" / ".cache" / "spare" / "index.html").is_file()
    assert not [p.name for p in site.iterdir() if p.name.startswith(".vpcsite-")]
    edit_map.write_text(edit_map.read_text(encoding="utf-8") + "\nTwo.\n", encoding="utf-8")
    build(site)
    assert {path: (site / "public" / path).stat().st_ino for path in first} == first
    same_as_cold(site)


def test_what_the_output_before_last_held_and_the_last_did_not_is_gone(tmp_path):
    site = small_site(tmp_path / "s")
    build(site)
    doomed = sorted((site / "content" / "value-maps").glob("*.md"))[-1]
    doomed.unlink()
    build(site)  # the spare (the first output) still has the canvas
    assert (site / "public" / ".cache" / "spare" / "canvases" / doomed.stem).is_dir()
    (site / "static" / "extra.txt").write_text("more\n", encoding="utf-8")
    build(site)
    assert not (site / "public" / "canvases" / doomed.stem).exists()
    assert not [p for p in (site / "public").rglob("*") if p.is_dir() and not any(p.iterdir())]
    same_as_cold(site)


def test_a_concluded_experiment_changes_statuses_in_site_json_as_a_cold_build_does(tmp_path):
    """Statuses that experiments set are front matter as site.json shows it (evidence.py
    derives the documents' keys from the experiments too): concluding, refuting and
    reopening an experiment each give a cold build's output."""
    site = tmp_path / "s"
    gen_site().generate(4, site, seed=3, experiments=6)
    build(site)
    experiments = sorted((site / "content" / "experiments").glob("*.md"))
    concluded = next(path for path in experiments if "result: supported" in path.read_text(encoding="utf-8"))
    text = concluded.read_text(encoding="utf-8")
    before = (site / "public" / "data" / "site.json").read_text(encoding="utf-8")
    for result in ("refuted", "inconclusive", "supported"):
        concluded.write_text(text.replace("result: supported", f"result: {result}"), encoding="utf-8")
        outcome = build(site)
        assert outcome.written
        if result == "refuted":
            assert "data/site.json" in outcome.changed and '"invalidated"' in (site / "public" / "data" / "site.json").read_text(encoding="utf-8")
        same_as_cold(site)
    assert (site / "public" / "data" / "site.json").read_text(encoding="utf-8") == before

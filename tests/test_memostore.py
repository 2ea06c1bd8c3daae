"""What a build's process worked out is kept in the output's cache, so the next build,
a new process, works out again only what its edit changed (memostore.py). Each test
forgets the process's own memory between builds, as a new process would have none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vpcsite import memo, memostore
from vpcsite.memostore import MEMORY_FOLDER
from vpcsite.render import search, write

from .conftest import site_files
from .test_build_incremental import build, cold, small_site


def new_process() -> None:
    """Forget what this process remembered, as the next command-line build starts."""
    memo._MEMO.clear()
    write._ENVIRONMENTS.clear()


def edit_first_text(site: Path, word: str, which: int = 1) -> None:
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[which]
    text = value_map.read_text(encoding="utf-8")
    value_map.write_text(re.sub(r"(\n    text: )", rf"\g<1>{word} ", text, count=1), encoding="utf-8")


def test_an_edit_build_in_a_new_process_works_out_only_the_edited_documents_search_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = small_site(tmp_path / "s", canvases=6)
    build(site)
    assert {path.name for path in (site / "public" / MEMORY_FOLDER).iterdir()} == {"checks.pickle", "data.pickle", "pieces.pickle", "search.pickle"}
    new_process()
    edit_first_text(site, "Revised")
    worked_out: list[str] = []
    remembered = search.remembered
    monkeypatch.setattr(search, "remembered", lambda key, make: remembered(key, lambda: worked_out.append(key[0]) or make()))
    assert build(site).rendered == 1
    # The edited value map's entries and the piece of the index that holds them, not
    # the twelve documents' of a cold build.
    assert sorted(worked_out) == ["search", "search-json"]
    monkeypatch.undo()
    new_process()
    assert site_files(site / "public") == site_files(cold(site) and site / "cold")


def test_edits_each_in_a_new_process_give_what_a_cold_build_gives(tmp_path: Path):
    site = small_site(tmp_path / "s")
    build(site)
    edits = [
        lambda: edit_first_text(site, "Changed"),
        lambda: edit_first_text(site, "Again", which=0),
        # A title: the index and the fit summary list it (their pieces are made again).
        lambda: [
            path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: New ", 1), encoding="utf-8")
            for path in sorted((site / "content" / "value-maps").glob("*.md"))[:1]
        ],
        lambda: edit_first_text(site, "Third"),
    ]
    for edit in edits:
        new_process()
        edit()
        result = build(site)
        new_process()
        reference = cold(site)
        assert result.diagnostics == reference.diagnostics
        assert site_files(site / "public") == site_files(site / "cold")


def test_a_damaged_memory_is_only_a_slower_build(tmp_path: Path):
    site = small_site(tmp_path / "s")
    build(site)
    for part in (site / "public" / MEMORY_FOLDER).iterdir():
        part.write_bytes(b"not a pickle")
    new_process()
    edit_first_text(site, "Mended")
    build(site)
    new_process()
    cold(site)
    assert site_files(site / "public") == site_files(site / "cold")


def test_the_lists_pieces_are_carried_over_and_hold_only_what_a_build_asks_for(tmp_path: Path):
    site = small_site(tmp_path / "s")
    build(site)
    pieces = site / "public" / MEMORY_FOLDER / "pieces.pickle"
    first = pieces.read_bytes()
    count = len(memostore._read(site / "public", "pieces")[1])
    new_process()
    edit_first_text(site, "Quiet")  # the lists show no item text: not rendered again
    build(site)
    assert pieces.read_bytes() == first
    for number in range(3):  # titles the lists show: each edit makes a card anew
        new_process()
        for path in sorted((site / "content" / "value-maps").glob("*.md"))[:1]:
            path.write_text(path.read_text(encoding="utf-8").replace("title: ", f"title: {number} ", 1), encoding="utf-8")
        build(site)
    # The cards of earlier titles are not kept: as many pieces as the first build's.
    assert len(memostore._read(site / "public", "pieces")[1]) == count


def test_a_new_process_takes_the_compiled_templates_from_the_last_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from jinja2 import Environment

    site = small_site(tmp_path / "s")
    build(site)
    kept = sorted(path.name for path in (site / "public" / ".cache" / "templates").iterdir())
    assert kept
    compiled: list[str] = []
    compile_ = Environment.compile
    monkeypatch.setattr(
        Environment, "compile", lambda self, source, name=None, *rest, **more: compiled.append(name) or compile_(self, source, name, *rest, **more)
    )
    new_process()
    edit_first_text(site, "Compiled")
    assert build(site).rendered == 1
    assert compiled == []
    # Carried over whole, also those this build did not load.
    assert sorted(path.name for path in (site / "public" / ".cache" / "templates").iterdir()) == kept
    # A template of the site's own, changed: compiled from its source again.
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}<p>Lost here.</p>{% endblock %}\n', encoding="utf-8")
    new_process()
    build(site)
    assert "404.html" in compiled
    assert "Lost here." in (site / "public" / "404.html").read_text(encoding="utf-8")


def test_a_part_is_written_as_a_run_of_small_pickles_and_read_back_whole(tmp_path: Path):
    """A pickler keeps every object it wrote until it is done, and a piece of markup
    pickles through a plain copy: one pickle of the lists' pieces held them twice."""
    import pickle

    from markupsafe import Markup

    from vpcsite.memostore import PIECES, PartWriter, recalled_pieces

    pieces = {("card", str(n)): Markup(f"<li>{n}</li>") for n in range(2500)}
    with PartWriter(tmp_path, PIECES, "stamp") as writer:
        writer.update(pieces)
    with open(tmp_path / MEMORY_FOLDER / f"{PIECES}.pickle", "rb") as file:
        loaded = [pickle.load(file)]
        while file.peek(1):
            loaded.append(pickle.load(file))
    assert loaded[0] == "stamp" and [len(chunk) for chunk in loaded[1:]] == [1000, 1000, 500]
    assert recalled_pieces(tmp_path, "stamp") == pieces
    assert recalled_pieces(tmp_path, "other templates") == {}
    (tmp_path / MEMORY_FOLDER / f"{PIECES}.pickle").write_bytes(b"\x80\x05not a pickle")
    assert recalled_pieces(tmp_path, "stamp") == {}


def test_a_part_kept_by_a_process_that_builds_no_more_is_written_as_made_and_leaves_its_memo(tmp_path: Path):
    """The render worker that writes site.json keeps its entries for the next build's
    process as it makes them, holding none (its 19 MB at 1,000 canvases were the build's
    peak), and those it recalled from the last build and used are kept too."""
    from vpcsite.memostore import PARTS, keeping, recall_parts

    memo._MEMO.clear()
    memo.recall({("json-bytes", "old.md", "1"): b"[]", ("json-bytes", "unused.md", "1"): b"0"})
    memo.track()
    memo.remembered(("json-bytes", "old.md", "1"), lambda: b"made again")
    with keeping(tmp_path, "data"):
        assert memo.remembered(("json-bytes", "a.md", "1"), lambda: b"{}") == b"{}"
        assert ("json-bytes", "a.md", "1") not in memo._MEMO  # written, not remembered
        memo.remembered(("fit", "a.md", "1"), lambda: 0.5)
        assert ("fit", "a.md", "1") in memo._MEMO  # another part's
    assert not any(key[0] in PARTS["data"] for key in memo._MEMO)
    assert ("fit", "a.md", "1") in memo._MEMO
    memo._MEMO.clear()
    recall_parts(tmp_path)
    assert {key: value for key, value in memo._MEMO.items() if key[0] == "json-bytes"} == {
        ("json-bytes", "a.md", "1"): b"{}",
        ("json-bytes", "old.md", "1"): b"[]",
    }
    memo._MEMO.clear()
    memo._used = None


def test_a_part_writer_refuses_entries_in_a_forked_process(tmp_path: Path):
    """A render worker forked while the lists' pieces are being written keeps what it
    makes: nothing it does reaches the parent's file."""
    import os

    from vpcsite.memostore import PIECES, PartWriter, recalled_pieces

    with PartWriter(tmp_path, PIECES, "stamp") as writer:
        assert writer.add(("a",), "x")
        child = os.fork()
        if child == 0:
            code = 0 if writer.add(("b",), "y") is False else 1
            writer.close()
            os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    assert recalled_pieces(tmp_path, "stamp") == {("a",): "x"}


def test_a_part_of_long_pieces_is_cut_by_its_characters_too(tmp_path: Path):
    import pickle

    from vpcsite.memostore import _CHUNK_CHARS, PIECES, PartWriter

    with PartWriter(tmp_path, PIECES, "stamp") as writer:
        for number in range(10):
            writer.add(("piece", number), "x" * (_CHUNK_CHARS // 4))
    with open(tmp_path / MEMORY_FOLDER / f"{PIECES}.pickle", "rb") as file:
        pickle.load(file)
        chunks = []
        while file.peek(1):
            chunks.append(len(pickle.load(file)))
    assert chunks == [4, 4, 2]

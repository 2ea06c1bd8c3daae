"""The content folder → documents: loading in parallel, the per-file cache, packed positions."""

from __future__ import annotations

import pickle

import pytest

import vpcsite.content as content
from vpcsite.build import check_site
from vpcsite.content import DocumentCache, load_content
from vpcsite.source import Positions, parse_toml, parse_yaml

from .conftest import FIXTURES, SEGMENT, VALUE_MAP, write_site

BROKEN = FIXTURES / "broken"


def _fingerprint(loaded):
    documents = [(d.path, d.relative, d.digest, d.body, d.body_line, d.model.model_dump()) for d in loaded.documents]
    return documents, loaded.diagnostics, loaded.drafts, loaded.failed


@pytest.fixture
def parallel_always(monkeypatch):
    """Fork workers even for a handful of files."""
    monkeypatch.setattr(content, "PARALLEL_LOAD_THRESHOLD", 1)


def test_parallel_load_gives_the_serial_documents_and_diagnostics(parallel_always):
    serial = load_content(BROKEN, "content", workers=1)
    parallel = load_content(BROKEN, "content", workers=2)
    assert len(serial.diagnostics) >= 8 and len(serial.failed) == 3  # the fixture is broken on purpose (and one segment loads in part)
    assert _fingerprint(parallel) == _fingerprint(serial)


def test_parallel_check_reports_what_a_serial_check_reports(parallel_always, tmp_path):
    site = write_site(tmp_path, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    for number in range(6):
        broken = VALUE_MAP.replace("relieves: [lack-of-time]", f"relieves: [no-such-pain-{number}]")
        write_site(site, {f"content/value-maps/copy-{number}.md": broken.replace("title: FitNow", f"title: Copy {number}")})
    serial = check_site(site, jobs=1)
    parallel = check_site(site, jobs=2)
    assert [d.code for d in serial.diagnostics].count("VPC201") >= 6
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.fits == serial.fits


def test_cache_loads_only_files_whose_content_changed(tmp_path, monkeypatch):
    site = write_site(tmp_path, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    loaded: list[str] = []
    real = content.load_document

    def counting(display, *rest):
        loaded.append(display)
        return real(display, *rest)

    monkeypatch.setattr(content, "load_document", counting)
    cache = DocumentCache()
    first = load_content(site, "content", cache=cache)
    assert len(loaded) == 2
    again = load_content(site, "content", cache=cache)
    assert len(loaded) == 2 and again.documents == first.documents
    edited = site / "content" / "value-maps" / "fitnow.md"
    edited.write_text(edited.read_text().replace("title: FitNow app", "title: FitNow mobile"))
    third = load_content(site, "content", cache=cache)
    assert loaded[2:] == ["content/value-maps/fitnow.md"]
    assert third.documents[1].model.title == "FitNow mobile"
    edited.unlink()
    load_content(site, "content", cache=cache)
    assert list(cache.entries) == ["content/segments/busy-professional.md"]  # a deleted file's entry goes


YAML = """title: Busy professional
jobs:
  - id: track-workouts
    text: Track workouts
  - Stay motivated
pains: [lack-of-time, "complex apps"]
"""

TOML = """title = "Busy professional"
[[jobs]]
id = "track-workouts"
text = "Track workouts"
"""


@pytest.mark.parametrize(
    ("parse", "text", "paths"),
    [
        (parse_yaml, YAML, [("title",), ("jobs", 0, "text"), ("jobs", 1), ("pains", 1), ("pains", 7), ("gains",), ("jobs", 0, "note")]),
        (parse_toml, TOML, [("title",), ("jobs", 0), ("jobs", 0, "id"), ("jobs", 0, "status"), ("gains",)]),
    ],
)
def test_packed_positions_answer_as_the_front_matter_does_even_after_pickling(parse, text, paths):
    front_matter = parse(text, first_line=2)
    packed = pickle.loads(pickle.dumps(Positions.of(front_matter)))
    for path in paths:
        assert packed.position(path) == front_matter.position(path), path
        assert packed.position(path, key=True) == front_matter.position(path, key=True), path
        assert packed.written(path) == (path in front_matter.positions), path
    assert packed.written(("title",)) and not packed.written(("gains",))


def test_positions_are_packed_small(tmp_path):
    """Every process holds every document's positions (13 MB marshalled at 1,000
    canvases); compressed, they take a third of that."""
    import marshal

    from vpcsite.source import read_source

    from .conftest import gen_site

    gen_site().generate(1, tmp_path, seed=1)
    (value_map,) = (tmp_path / "content" / "value-maps").glob("*.md")
    source, _ = read_source(str(value_map), value_map.read_bytes())
    assert source is not None
    front_matter = source.front_matter
    tables = (front_matter.positions, front_matter.key_positions, front_matter.start, front_matter.runs, front_matter.linear)
    assert len(Positions.of(front_matter)._packed) < len(marshal.dumps(tables)) / 2


def test_a_link_to_a_missing_file_is_an_error_at_the_link_not_a_crash(tmp_path):
    site = write_site(tmp_path, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    (site / "content" / "value-maps" / "old-plan.md").symlink_to("old-plan-v1.md")
    result = check_site(site)
    (found,) = [d for d in result.diagnostics if d.severity.value == "error"]
    assert (found.code, found.path, found.line, found.column) == ("VPC010", "content/value-maps/old-plan.md", 1, 1)
    assert found.message == "symbolic link to old-plan-v1.md, which does not exist"
    assert "fitnow" in result.site.value_maps


def test_a_file_name_that_is_not_utf8_is_an_error_naming_it_readably(tmp_path):
    import os

    site = write_site(tmp_path, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    folder = os.fsencode(site / "content" / "value-maps")
    os.rename(os.path.join(folder, b"fitnow.md"), os.path.join(folder, b"fit\xe9.md"))  # saved in Latin-1
    result = check_site(site)
    (found,) = [d for d in result.diagnostics if d.severity.value == "error"]
    assert (found.code, found.line, found.column) == ("VPC011", 1, 1)
    assert found.path.endswith("content/value-maps/fit\\xe9.md")
    assert found.message == "file name is not valid UTF-8: fit\\xe9.md"
    found.path.encode("utf-8")  # printable as it is


def test_a_pipe_named_like_a_content_file_is_reported_not_read(tmp_path):
    import os

    site = write_site(tmp_path, {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    os.mkfifo(site / "content" / "value-maps" / "pipe.md")  # opening it for reading would block
    (found,) = [d for d in check_site(site).diagnostics if d.severity.value == "error"]
    assert found.code == "VPC010" and found.path.endswith("content/value-maps/pipe.md")
    assert "not a regular file" in found.message


def test_shares_of_the_load_are_consecutive_and_about_their_part_of_the_bytes():
    sizes = [100, 300, 50, 50, 500, 10, 10, 180, 400, 200] * 3
    items = [(f"f{n}.md", f"f{n}.md", b"x" * size, "") for n, size in enumerate(sizes)]
    for count in (1, 2, 3):
        bounds = content._shares(items, count)
        assert len(bounds) == count
        assert [i for start, end in bounds for i in range(start, end)] == list(range(len(items)))
        loads = [sum(sizes[start:end]) for start, end in bounds]
        # The parent's share is PARENT_SHARE times a worker's (it sends nothing back);
        # no share is more than a file off its part.
        part = sum(sizes) / (content.PARENT_SHARE + count - 1)
        wanted = [part * content.PARENT_SHARE] + [part] * (count - 1)
        assert all(abs(load - want) <= max(sizes) for load, want in zip(loads, wanted, strict=True))
        if count > 1:
            assert loads[0] > max(loads[1:])
    assert content._shares(items[:1], 3) == [(0, 1)]


def test_loading_forks_no_more_workers_than_the_files_are_worth(monkeypatch):
    forked: list[int] = []
    real = content.fork_pool
    monkeypatch.setattr(content, "fork_pool", lambda workers: (forked.append(workers), real(workers))[1])
    items = [(f"f{n}.md", f"segments/f{n}.md", b"---\ntitle: A\n---\n", "") for n in range(70)]
    assert len(content.load_documents(items, 200)) == 70  # --jobs 200 on a small site
    assert len(content.load_documents(items[:40], 2)) == 40  # below the threshold: no fork
    assert forked == [1]  # two shares of 35 files: the parent's and one worker's

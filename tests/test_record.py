"""The build record: fingerprints of inputs, trust in a record, the document cache."""

from __future__ import annotations

import os
from pathlib import Path

from vpcsite.content import DocumentCache, digest_of
from vpcsite.record import (
    RACY_NS,
    BuildRecord,
    code_key,
    fingerprint_files,
    load_documents,
    load_record,
    output_files,
    save_documents,
    save_record,
)


def test_a_file_whose_stat_is_unchanged_keeps_its_hash_without_being_read(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one")
    old = os.stat(path).st_mtime_ns - 10 * RACY_NS
    os.utime(path, ns=(old, old))
    first = fingerprint_files([str(path)], {}, old + 20 * RACY_NS)
    assert first[str(path)][3] == digest_of(b"one")
    # A stat that matches, long enough ago: the recorded hash is trusted as it is.
    forged = {str(path): (*first[str(path)][:3], "recorded")}
    assert fingerprint_files([str(path)], forged, old + 20 * RACY_NS)[str(path)][3] == "recorded"


def test_a_file_changed_just_before_the_scan_is_read_again(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one")
    now = os.stat(path).st_mtime_ns + RACY_NS // 2
    first = fingerprint_files([str(path)], {}, now)
    forged = {str(path): (*first[str(path)][:3], "recorded")}
    # Same size and mtime, but the mtime lies within one timestamp tick of the scan:
    # an edit in that tick would not show in the stat, so the bytes decide.
    assert fingerprint_files([str(path)], forged, now)[str(path)][3] == digest_of(b"one")


def test_a_missing_file_has_no_fingerprint(tmp_path):
    assert fingerprint_files([str(tmp_path / "gone.md")], {}, 0) == {str(tmp_path / "gone.md"): None}


def _recorded_output(tmp_path: Path) -> tuple[Path, BuildRecord]:
    out = tmp_path / "public"
    (out / "canvases" / "a").mkdir(parents=True)
    (out / "canvases" / "a" / "index.html").write_text("<p>a</p>")
    (out / "index.html").write_text("<p>home</p>")
    record = BuildRecord("setting", 1, {}, {"index.html": ("k1", 0, 0, 0), "canvases/a/index.html": ("k2", 0, 0, 0)})
    save_record(out, record)
    return out, record


def test_a_saved_record_is_trusted_by_a_build_with_the_same_setting(tmp_path):
    out, _ = _recorded_output(tmp_path)
    loaded = load_record(out, "setting")
    assert loaded is not None and loaded.key_of("index.html") == "k1" and loaded.intact(out)
    assert load_record(out, "another setting") is None


def test_a_record_of_another_format_or_code_is_not_trusted(tmp_path):
    import orjson

    out, _ = _recorded_output(tmp_path)
    path = out / ".cache" / "build.json"
    data = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps({**data, "code": code_key() + "x"}))
    assert load_record(out, "setting") is None
    path.write_bytes(orjson.dumps({**data, "format": 0}))
    assert load_record(out, "setting") is None
    path.write_bytes(b"\x00garbage")
    assert load_record(out, "setting") is None


def test_an_output_edited_added_or_removed_by_hand_breaks_the_trust(tmp_path):
    out, _ = _recorded_output(tmp_path)
    record = load_record(out, "setting")
    assert record is not None
    (out / "index.html").write_text("<p>changed</p>")
    assert not record.intact(out)
    out, _ = _recorded_output(tmp_path / "2")
    (out / "extra.html").write_text("x")
    assert not load_record(out, "setting").intact(out)  # type: ignore[union-attr]
    out, _ = _recorded_output(tmp_path / "3")
    (out / "index.html").unlink()
    assert not load_record(out, "setting").intact(out)  # type: ignore[union-attr]


def test_the_record_folder_is_not_an_output(tmp_path):
    out, _ = _recorded_output(tmp_path)
    assert sorted(output_files(out)) == ["canvases/a/index.html", "index.html"]


def test_unchanged_document_shards_are_linked_from_the_last_build(tmp_path, make_site):
    from vpcsite.content import load_content

    from .conftest import SEGMENT, VALUE_MAP

    site = make_site({"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    cache = DocumentCache()
    load_content(site, "content", cache=cache)
    first, second = tmp_path / "first", tmp_path / "second"
    save_documents(cache, first, None)
    save_documents(cache, second, first)
    shards = sorted((second / ".cache" / "documents").iterdir())
    assert shards and all(p.stat().st_nlink == 2 for p in shards)
    loaded = load_documents(second)
    assert {k: v[0] for k, v in loaded.entries.items()} == {k: v[0] for k, v in cache.entries.items()}


def test_the_fingerprints_after_a_watcher_named_the_changed_files(tmp_path):
    """The dev server's rebuild takes again only what its watcher saw change; a file
    that came or went (or a folder) needs a whole scan."""
    import time

    from vpcsite.record import fingerprint_files, fingerprints_after

    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("one\n")
    b.write_text("two\n")
    now = time.time_ns() + 10**10  # no file changed just before this scan
    previous = fingerprint_files([str(a), str(b)], {}, now)
    a.write_text("one, again\n")
    after = fingerprints_after(previous, [str(a), str(tmp_path / ".a.md.swp")], now)
    assert after == {str(a): fingerprint_files([str(a)], {}, now)[str(a)], str(b): previous[str(b)]}
    assert after[str(a)][3] == digest_of(b"one, again\n")
    assert fingerprints_after(previous, [], now) == previous
    (tmp_path / "c.md").write_text("three\n")
    assert fingerprints_after(previous, [str(tmp_path / "c.md")], now) is None  # came
    (tmp_path / "new").mkdir()
    assert fingerprints_after(previous, [str(tmp_path / "new")], now) is None  # a folder came
    b.unlink()
    assert fingerprints_after(previous, [str(b)], now) is None  # went

"""The output folder: refused places, the atomic swap, symlinks, and path escapes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from vpcsite.output import MARKER, OutputRefused, guard_output, remove_tree, safe_join, write_file
from vpcsite.staging import replaced_trees, staged_output


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "segments").mkdir(parents=True)
    (root / "templates").mkdir()
    return root


def protected(root: Path) -> list[Path]:
    return [root / "content", root / "templates", root / "themes", root / "static", root / "site.toml"]


def refuse(output: Path, root: Path, match: str, **kwargs) -> None:
    with pytest.raises(OutputRefused, match=match):
        guard_output(output, root, protected(root), **kwargs)


def test_site_root_is_refused(site):
    refuse(site, site, "site root")


def test_content_folder_and_templates_are_refused(site):
    refuse(site / "content", site, "overlaps content")
    refuse(site / "content" / "segments", site, "overlaps content")
    refuse(site / "templates", site, "overlaps templates")


def test_ancestor_of_the_site_is_refused(site):
    refuse(site.parent, site, "contains the site")


def test_filesystem_root_and_home_are_refused(site, monkeypatch):
    refuse(Path("/"), site, "file system root")
    monkeypatch.setenv("HOME", str(site / "public"))
    (site / "public").mkdir()
    refuse(site / "public", site, "home folder")


def test_folder_outside_the_site_is_accepted(site, tmp_path):
    assert guard_output(tmp_path / "elsewhere", site, []) == (tmp_path / "elsewhere").resolve()


def test_folder_holding_another_site_is_refused_even_when_forced(site, tmp_path):
    other = tmp_path / "other"
    (other / "content").mkdir(parents=True)
    with pytest.raises(OutputRefused, match="sources of a site"):
        guard_output(other, site, [], force=True)


def test_non_empty_foreign_folder_is_refused_unless_forced(site):
    out = site / "public"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    refuse(out, site, "not created by vpcsite")
    assert guard_output(out, site, protected(site), force=True) == out.resolve()


def test_folder_vpcsite_created_is_accepted(site):
    out = site / "public"
    out.mkdir()
    (out / MARKER).write_text("x")
    (out / "index.html").write_text("old")
    assert guard_output(out, site, protected(site)) == out.resolve()


def test_symlinked_output_folder_is_refused(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, site / "public")
    refuse(site / "public", site, "symbolic link")


def test_swap_replaces_the_old_output_only_on_success(site):
    out = site / "public"
    with staged_output(out) as staging:
        (staging / "index.html").write_text("one")
    assert (out / "index.html").read_text() == "one" and (out / MARKER).is_file()
    with pytest.raises(RuntimeError), staged_output(out) as staging:
        (staging / "index.html").write_text("two")
        raise RuntimeError("template error half-way")
    assert (out / "index.html").read_text() == "one"
    assert sorted(p.name for p in site.iterdir()) == ["content", "public", "templates"]


def test_interrupt_leaves_no_staging_folder(site):
    out = site / "public"
    with pytest.raises(KeyboardInterrupt), staged_output(out) as staging:
        (staging / "a.html").write_text("x")
        raise KeyboardInterrupt
    assert not out.exists()
    assert sorted(p.name for p in site.iterdir()) == ["content", "templates"]


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a/../../x", "", "a\\..\\b"])
def test_safe_join_refuses_paths_that_climb_out(tmp_path, bad):
    with pytest.raises(ValueError):
        safe_join(tmp_path, bad)


def test_remove_tree_does_not_follow_symlinks(tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("x")
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    os.symlink(keep, doomed / "link")
    os.symlink(keep / "precious.txt", doomed / "file-link")
    remove_tree(doomed)
    assert not doomed.exists()
    assert (keep / "precious.txt").read_text() == "x"


def eventually_gone(path: Path, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_replaced_output_is_deleted_in_the_background(site, tmp_path, monkeypatch):
    import shutil

    real = shutil.rmtree
    record = tmp_path / "deleted-by"

    def recording_rmtree(path, *args, **kwargs):
        record.write_text(str(os.getpid()))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", recording_rmtree)
    out = site / "public"
    with staged_output(out) as staging:
        (staging / "deep" / "er").mkdir(parents=True)
        (staging / "deep" / "er" / "index.html").write_text("one")
    with staged_output(out) as staging:
        (staging / "index.html").write_text("two")
    # The new output is in place as soon as the swap returns; the old one goes away
    # without the build waiting for it.
    assert (out / "index.html").read_text() == "two" and not (out / "deep").exists()
    old = [p for p in site.iterdir() if p.name.startswith(".vpcsite-old-")]
    assert all(eventually_gone(p) for p in old)
    assert sorted(p.name for p in site.iterdir()) == ["content", "public", "templates"]
    assert int(record.read_text()) != os.getpid()


def test_waiting_swap_deletes_the_replaced_output_before_returning(site):
    out = site / "public"
    for text in ("one", "two"):
        with staged_output(out, wait=True) as staging:
            (staging / "index.html").write_text(text)
        assert sorted(p.name for p in site.iterdir()) == ["content", "public", "templates"]


def test_leftovers_of_an_interrupted_deletion_are_removed_by_the_next_swap(site, tmp_path):
    out = site / "public"
    leftover = site / ".vpcsite-old-public-0123456789ab"
    (leftover / "canvases" / "x").mkdir(parents=True)
    (leftover / "canvases" / "x" / "index.html").write_text("stale")
    # Look-alikes that vpcsite did not make are never touched.
    foreign = site / ".vpcsite-old-public-mine"
    foreign.mkdir()
    other_site = site / ".vpcsite-old-other-0123456789ab"
    other_site.mkdir()
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("x")
    link = site / ".vpcsite-old-public-ba9876543210"
    os.symlink(keep, link)
    assert replaced_trees(out) == [leftover]
    with staged_output(out) as staging:
        (staging / "index.html").write_text("new")
    assert eventually_gone(leftover)
    assert foreign.is_dir() and other_site.is_dir() and link.is_symlink()
    assert (keep / "precious.txt").read_text() == "x"


def test_parts_still_being_made_are_written_as_they_come(tmp_path):
    """A page or site.json made in parts is written part by part, never whole; a file
    there already (a link to the previous output's) stays when the bytes are the same,
    else a new file replaces it and the previous output's is left as it was."""

    def made(*parts: bytes):
        yield from parts

    staging = tmp_path / "staging"
    write_file(staging, "a/new.html", made(b"<p>", b"one", b"</p>"))
    assert (staging / "a" / "new.html").read_bytes() == b"<p>one</p>"

    previous = tmp_path / "previous.html"
    previous.write_bytes(b"<p>one</p>")
    page = staging / "page.html"
    os.link(previous, page)
    before = page.stat()
    write_file(staging, "page.html", made(b"<p>", b"one", b"</p>"))
    assert page.stat().st_ino == before.st_ino and page.stat().st_mtime_ns == before.st_mtime_ns
    for parts in [(b"<p>", b"two", b"</p>"), (b"<p>", b"one", b"</p>", b"more"), (b"<p>", b"on"), (b"",)]:
        write_file(staging, "page.html", made(*parts))
        assert page.read_bytes() == b"".join(parts)
        assert previous.read_bytes() == b"<p>one</p>"  # never written through
        os.unlink(page)
        os.link(previous, page)
    assert sorted(p.name for p in staging.iterdir()) == ["a", "page.html"]


def test_parts_that_fail_half_way_leave_no_file_and_the_previous_one_as_it_was(tmp_path):
    def failing(*parts: bytes):
        yield from parts
        raise RuntimeError("a template failed")

    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(RuntimeError):
        write_file(staging, "new.html", failing(b"<p>", b"half"))
    assert list(staging.iterdir()) == []
    previous = tmp_path / "previous.html"
    previous.write_bytes(b"<p>one</p>")
    os.link(previous, staging / "page.html")
    with pytest.raises(RuntimeError):
        write_file(staging, "page.html", failing(b"<p>", b"two"))
    assert [p.name for p in staging.iterdir()] == ["page.html"]
    assert (staging / "page.html").read_bytes() == previous.read_bytes() == b"<p>one</p>"


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_a_large_file_changed_late_is_the_same_bytes_so_far_then_the_new_ones(tmp_path, monkeypatch, kernel_copy):
    """site.json at 5,000 canvases is 85 MB: it is compared a megabyte at a time, and
    what held before the first difference is copied over (by the kernel where it can)."""
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    old = [bytes([65 + n % 26]) * 100_000 for n in range(30)]
    previous = tmp_path / "previous.json"
    previous.write_bytes(b"".join(old))
    staging = tmp_path / "staging"
    staging.mkdir()
    for changed in ([*old[:25], b"new", *old[25:]], old[:29], [*old, b"more"], [*old[:-1], b"x" * 100_000]):
        os.link(previous, staging / "site.json")
        write_file(staging, "site.json", iter(changed))
        assert (staging / "site.json").read_bytes() == b"".join(changed)
        assert previous.read_bytes() == b"".join(old)
        os.unlink(staging / "site.json")
    os.link(previous, staging / "site.json")
    inode = (staging / "site.json").stat().st_ino
    write_file(staging, "site.json", iter(old))
    assert (staging / "site.json").stat().st_ino == inode
    assert [p.name for p in staging.iterdir()] == ["site.json"]


def test_parts_made_until_asked_to_give_way_leave_the_file_as_it_was(tmp_path):
    from vpcsite.output import GaveWay, until

    (tmp_path / "page.html").write_bytes(b"the last build's page\n")
    asked: list[int] = []

    def give_way() -> bool:
        asked.append(1)
        return len(asked) > 2

    parts = (f"part {n}\n".encode() for n in range(1000))
    with pytest.raises(GaveWay):
        write_file(tmp_path, "page.html", until(parts, give_way, every=10))
    assert (tmp_path / "page.html").read_bytes() == b"the last build's page\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"], "no part-written file is left"
    assert len(asked) == 3, "asked every ten parts, and given up at once"
    write_file(tmp_path, "page.html", until([b"a\n", b"b\n"], lambda: False))
    assert (tmp_path / "page.html").read_bytes() == b"a\nb\n"

"""The output folder: refused places, the atomic swap, symlinks, and path escapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vpcsite.output import MARKER, OutputRefused, guard_output, remove_tree, safe_join, staged_output


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


def test_folder_outside_the_site_is_refused(site, tmp_path):
    refuse(tmp_path / "elsewhere", site, "outside the site root")


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
    with pytest.raises(RuntimeError):
        with staged_output(out) as staging:
            (staging / "index.html").write_text("two")
            raise RuntimeError("template error half-way")
    assert (out / "index.html").read_text() == "one"
    assert sorted(p.name for p in site.iterdir()) == ["content", "public", "templates"]


def test_interrupt_leaves_no_staging_folder(site):
    out = site / "public"
    with pytest.raises(KeyboardInterrupt):
        with staged_output(out) as staging:
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

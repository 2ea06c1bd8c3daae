"""Interrupted builds: a build killed at any moment (SIGKILL, a power cut) leaves the
output old or new, never missing or mixed; the next build puts right what it left (a
swap cut in two, staging folders, replaced trees) and leaves no `.vpcsite-*` folder.

The kill is injected in a forked child that builds in-process: every file system
operation that changes something (make, link, rename, delete a file or folder, open a
file for writing) counts, and the child ends with `os._exit` at the n-th, for every n
until a build runs to its end.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import copy_example, site_files
from vpcsite import staging as staging_module
from vpcsite.build import BuildOptions, build_site
from vpcsite.staging import recover

KILLED = 77
OPTIONS = BuildOptions(pdf=False, jobs=1)


def _kill_at(n: int) -> None:
    """In the forked child: end the process at the n-th changing file system call.
    Only the build's own process counts: the processes it forks (linking the last
    output ahead, deleting the replaced one) count on their own copies, and killing
    them at the same n would shift the build's own calls out of the sweep's reach."""
    count = [0]
    build = os.getpid()

    def tick() -> None:
        if os.getpid() != build:
            return
        count[0] += 1
        if count[0] == n:
            os._exit(KILLED)

    for name in ("rename", "replace", "link", "unlink", "mkdir", "rmdir", "symlink"):
        real = getattr(os, name)

        def counted(*args, _real=real, **kwargs):
            tick()
            return _real(*args, **kwargs)

        setattr(os, name, counted)
    real_exchange = staging_module.exchange

    def counted_exchange(*args):
        tick()
        return real_exchange(*args)

    staging_module.exchange = counted_exchange
    real_open = builtins.open

    def counted_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            tick()
        return real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = counted_open


def build_killed_at(site: Path, n: int) -> bool:
    """Build `site` in a child killed at its n-th changing call; whether it was."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child
        code = 1
        try:
            _kill_at(n)
            build_site(site, OPTIONS)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, KILLED), f"the build killed at call {n} failed otherwise ({code})"
    return code == KILLED


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".vpcsite-"))


def no_leftovers_soon(site: Path) -> list[str]:
    """What is left once the background deletion of the replaced output had its time."""
    deadline = time.monotonic() + 30
    while leftovers(site) and time.monotonic() < deadline:
        time.sleep(0.02)
    return leftovers(site)


def edit(site: Path, version: str) -> None:
    """Two versions of the site, A and B, differing in one canvas, a page and a file."""
    about = site / "content" / "about.md"
    base = about.read_text().split("\n<!-- version -->")[0]
    about.write_text(base + f"\n<!-- version -->\nVersion {version}.\n")
    image = site / "content" / "images" / "canvas-sketch.svg"
    svg = image.read_text().split("<!-- version")[0]
    image.write_text(svg + f"<!-- version {version} -->\n")
    fitnow = site / "content" / "value-maps" / "fitnow.md"
    body = fitnow.read_text().split("\nVersion ")[0]
    fitnow.write_text(body + f"\nVersion {version} of the notes.\n")


@pytest.fixture(autouse=True)
def prompt_deletion(monkeypatch):
    """The replaced output is deleted by a background process at the lowest priority:
    on a busy machine it could wait longer than a test should."""
    monkeypatch.setattr(os, "nice", lambda increment: 0)


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, dict[str, dict[str, bytes]]]:
    """The example site, and the output of a cold build of each version."""
    site = copy_example(tmp_path / "site")
    expected = {}
    for version in "AB":
        edit(site, version)
        cold = tmp_path / f"cold-{version}"
        build_site(site, BuildOptions(output=cold, pdf=False, jobs=1, force_all=True))
        expected[version] = site_files(cold)
    return site, expected


def old_or_new(public: Path, before: dict[str, bytes] | None, after: dict[str, bytes]) -> str:
    if before is None and not public.exists():
        return "none yet"
    assert public.is_dir(), "the output folder is missing"
    found = site_files(public)
    assert found in (before, after), (
        "the output is mixed: " + ", ".join(sorted(k for k in set(found) | set(after) if found.get(k) != after.get(k)))[:300]
    )
    return "old" if found == before else "new"


@pytest.mark.parametrize("swap", ["one step", "two renames"])
def test_a_build_killed_at_any_moment_leaves_the_output_old_or_new(versions, swap, monkeypatch):
    site, expected = versions
    if swap == "two renames":
        monkeypatch.setattr(staging_module, "_renameat2", None)
    public = site / "public"
    shutil.rmtree(public, ignore_errors=True)
    seen = set()
    version, before = "A", None  # the first build has no output before it
    n = 1
    while True:
        edit(site, version)
        killed = build_killed_at(site, n)
        if not killed:
            break
        if swap == "one step":
            # Never missing, never mixed, even before anything is put right.
            seen.add(old_or_new(public, before, expected[version]))
        # The next build first completes or undoes a swap cut in two.
        recover(public)
        seen.add(old_or_new(public, before, expected[version]))
        # ... and then builds, leaving nothing of the killed build behind.
        build_site(site, OPTIONS)
        assert site_files(public) == expected[version], f"killed at call {n}"
        assert no_leftovers_soon(site) == [], f"killed at call {n}"
        before = expected[version]
        version = "B" if version == "A" else "A"
        n += 1
    assert n > 20  # the kill met every stage: scan, check, link, pages, record, swap
    assert site_files(public) == expected[version]
    assert {"old", "new"} <= seen
    # Even a build with nothing to do cleans up (the last build's background deletion
    # of the tree it replaced was killed too).
    assert build_site(site, OPTIONS).unchanged
    assert no_leftovers_soon(site) == []


def test_a_staging_folder_whose_build_died_is_removed_though_its_workers_hold_the_lock(tmp_path):
    site = copy_example(tmp_path / "site")
    build_site(site, OPTIONS)
    # A killed build's worker outlives it, holding the lock it inherited.
    dead = os.fork()
    if dead == 0:  # pragma: no cover
        os._exit(0)
    os.waitpid(dead, 0)
    staging = site / f".vpcsite-staging-public-{dead}-0123456789ab"
    (staging / "canvases").mkdir(parents=True)
    held = os.open(staging, os.O_RDONLY)
    import fcntl

    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        (site / "content" / "about.md").write_text((site / "content" / "about.md").read_text() + "\nMore.\n")
        build_site(site, OPTIONS)
        assert no_leftovers_soon(site) == []
    finally:
        os.close(held)


def test_a_replaced_tree_that_cannot_be_deleted_is_reported(tmp_path, monkeypatch):
    site = copy_example(tmp_path / "site")
    stuck = site / ".vpcsite-old-public-0123456789ab"
    (stuck / "canvases").mkdir(parents=True)
    (stuck / "canvases" / "index.html").write_text("old")
    real = shutil.rmtree

    def read_only(path, ignore_errors=False, onerror=None):
        if Path(path) == stuck:  # as a read-only folder refuses (root may delete anything)
            if onerror is not None:
                onerror(os.unlink, str(stuck / "canvases" / "index.html"), (PermissionError, PermissionError(13, "Permission denied"), None))
            return
        return real(path, ignore_errors=ignore_errors, onerror=onerror)

    monkeypatch.setattr(shutil, "rmtree", read_only)
    result = build_site(site, OPTIONS)
    assert result.written
    said = [d for d in result.diagnostics if d.code == "VPC801"]
    assert [(d.path, d.severity.value) for d in said] == [(".vpcsite-old-public-0123456789ab/", "warning")]
    # Said once by a build with nothing to do as well, while the folder stays ...
    again = build_site(site, OPTIONS)
    assert again.unchanged and [d.code for d in again.diagnostics].count("VPC801") == 1
    # ... and no more once it can be deleted.
    monkeypatch.setattr(shutil, "rmtree", real)
    last = build_site(site, OPTIONS)
    assert "VPC801" not in [d.code for d in last.diagnostics] and not stuck.exists()


def test_the_output_folder_may_sit_beside_the_site(tmp_path):
    site = copy_example(tmp_path / "site")
    beside = tmp_path / "published"
    first = build_site(site, BuildOptions(output=Path("../published"), pdf=False, jobs=1))
    assert first.written and (beside / "index.html").is_file()
    about = site / "content" / "about.md"
    about.write_text(about.read_text() + "\nMore.\n")
    again = build_site(site, BuildOptions(output=Path("../published"), pdf=False, jobs=1))
    assert again.written and again.reused > 0  # incremental there as well
    build_site(site, BuildOptions(output=tmp_path / "cold", pdf=False, jobs=1, force_all=True))
    assert site_files(beside) == site_files(tmp_path / "cold")
    assert no_leftovers_soon(tmp_path) == []


def test_a_staging_folder_this_process_left_is_removed_unless_it_is_in_use(tmp_path):
    """The dev server builds again and again in one process: what one of its builds
    left is its own to remove, what it writes now is not."""
    site = copy_example(tmp_path / "site")
    left = site / f".vpcsite-staging-public-{os.getpid()}-0123456789ab"
    (left / "canvases").mkdir(parents=True)
    build_site(site, OPTIONS)
    assert no_leftovers_soon(site) == []

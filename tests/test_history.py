"""Fit history from git (vpcsite/history.py): real repositories with commits."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from vpcsite.build import BuildOptions, build_site
from vpcsite.gitrepo import Repository
from vpcsite.history import parse_log

from .conftest import copy_example, site_files

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="needs git")

CLOCK = 1_767_225_600  # 2026-01-01, so that dates in pages are fixed


def git(repo: Path, *args: str, when: int = 0) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.org",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.org",
        "GIT_AUTHOR_DATE": f"@{CLOCK + when} +0000",
        "GIT_COMMITTER_DATE": f"@{CLOCK + when} +0000",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: Path, message: str, when: int) -> str:
    # Only the site's sources: the output (and a replaced one being deleted) is no input.
    git(repo, "add", "-A", "--", "content", "site.toml")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    site = copy_example(tmp_path / "repo")
    git(site, "init", "-q", "-b", "main")
    commit(site, "First canvases", 0)
    return site


def build(site: Path, **options) -> object:
    result = build_site(site, BuildOptions(pdf=False, jobs=1, **options))
    assert result.written
    return result


def series(site: Path, map_id: str) -> dict:
    data = json.loads((site / "public/data/site.json").read_text())
    return next(v for v in data["value_maps"] if v["id"] == map_id)


def fit_now(site: Path, map_id: str) -> float:
    return series(site, map_id)["fit"]["overall"]["value"]


def drop_reliever_link(site: Path) -> None:
    """Make fitnow's fit go down: its relievers stop relieving one pain."""
    path = site / "content/value-maps/fitnow.md"
    text = path.read_text()
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("relieves:"))
    lines[at] = lines[at].split("relieves:")[0] + "relieves: []"
    path.write_text("\n".join(lines))


def test_a_canvas_page_shows_its_last_change_and_fit_history(repo):
    build(repo)
    first = fit_now(repo, "fitnow")
    drop_reliever_link(repo)
    second_commit = commit(repo, "Drop a reliever's link", 86_400)
    build(repo)
    second = fit_now(repo, "fitnow")
    assert second < first
    entry = series(repo, "fitnow")["history"]
    assert [p["fit"] for p in entry["fit"]] == [pytest.approx(first), pytest.approx(second)]
    assert entry["last_change"] == {"commit": second_commit, "date": "2026-01-02", "subject": "Drop a reliever's link"}
    assert entry["uncommitted"] is False
    page = (repo / "public/canvases/fitnow/index.html").read_text()
    assert 'Changed <time class="nowrap" datetime="2026-01-02">2026-01-02</time>' in page  # in the header's facts
    assert 'Last changed on <time class="nowrap" datetime="2026-01-02">2026-01-02</time>' in page  # by the fit
    assert "Drop a reliever&#39;s link" in page and second_commit[:7] in page
    assert '<polyline class="trend__line"' in page and "over 2 commits" in page
    summary = (repo / "public/fit/index.html").read_text()
    assert summary.count('<svg class="trend"') == 3  # a line for fitnow, a dot for the others
    assert "Fit of FitNow app over the last 2 commits" in summary


def test_history_follows_the_segment_too(repo):
    """A commit that touches only the segment is a point in every canvas targeting it."""
    build(repo)
    segment_id = series(repo, "fitnow")["segment"]
    targeting = [v["id"] for v in json.loads((repo / "public/data/site.json").read_text())["value_maps"] if v["segment"] == segment_id]
    path = repo / f"content/segments/{segment_id}.md"
    path.write_text(path.read_text() + "\nMore notes.\n")
    commit(repo, "Segment notes", 3_600)
    build(repo)
    for map_id in targeting:
        assert len(series(repo, map_id)["history"]["fit"]) == 2
        assert series(repo, map_id)["history"]["last_change"]["subject"] == "Segment notes"


def test_uncommitted_changes_are_said_and_the_series_is_the_committed_one(repo):
    build(repo)
    drop_reliever_link(repo)
    build(repo)
    entry = series(repo, "fitnow")["history"]
    assert entry["uncommitted"] is True and len(entry["fit"]) == 1
    assert "uncommitted changes" in (repo / "public/canvases/fitnow/index.html").read_text()


def test_a_rebuild_reads_only_the_new_commit(repo, monkeypatch):
    build(repo)
    calls: list[tuple[str, ...]] = []
    requested: list[str] = []
    run_git, request = Repository._git, Repository._request

    def counted(self, *args, **kwargs):
        calls.append(args)
        return run_git(self, *args, **kwargs)

    def batched(self, names):
        calls.append(("cat-file",))
        requested.extend(names)
        return request(self, names)

    monkeypatch.setattr(Repository, "_git", counted)
    monkeypatch.setattr(Repository, "_request", batched)
    drop_reliever_link(repo)
    oid = commit(repo, "Edit", 60)
    build(repo)
    assert sum(1 for args in calls if args[0] == "cat-file") == 1, "one batched read"
    assert sum(1 for args in calls if args[0] == "log") == 1
    assert len(calls) <= 5, calls  # rev-parse twice, log, status, one batch
    # The first commit's revisions were scored by the first build: only the new one is read.
    assert requested and all(name.startswith(f"{oid}:") for name in requested)
    assert any(key.startswith(oid) for key in recorded_points(repo))
    calls.clear()
    build(repo)  # nothing new: the last build stands, git is asked only where HEAD is
    assert [args[0] for args in calls] == ["rev-parse", "rev-parse"]


def recorded_points(repo: Path) -> list[str]:
    return list(json.loads((repo / "public/.cache/build.json").read_text())["history"])


def test_a_new_commit_alone_rebuilds_the_pages_it_changes(repo):
    build(repo)
    drop_reliever_link(repo)
    build(repo)
    commit(repo, "Commit what was built", 120)
    result = build(repo)
    assert not result.unchanged
    assert "Commit what was built" in (repo / "public/canvases/fitnow/index.html").read_text()
    assert "uncommitted" not in (repo / "public/canvases/fitnow/index.html").read_text()


def test_incremental_history_output_equals_a_cold_build(repo, tmp_path):
    build(repo)
    drop_reliever_link(repo)
    commit(repo, "Edit", 60)
    build(repo)
    build(repo, output=Path("cold"), force_all=True)
    assert site_files(repo / "public") == site_files(repo / "cold")


def test_the_repository_is_left_as_it_was(repo):
    drop_reliever_link(repo)
    git(repo, "add", "content")
    (repo / "content/value-maps/fitnow.md").write_text((repo / "content/value-maps/fitnow.md").read_text() + "\nUnstaged.\n")
    status = git(repo, "status", "--porcelain", "--", "content", "site.toml")
    index = hashlib.sha256((repo / ".git/index").read_bytes()).hexdigest()
    build(repo)
    assert hashlib.sha256((repo / ".git/index").read_bytes()).hexdigest() == index
    assert git(repo, "status", "--porcelain", "--", "content", "site.toml") == status


def test_a_shallow_clone_builds_with_a_note(repo, tmp_path):
    drop_reliever_link(repo)
    commit(repo, "Second", 60)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True)
    result = build(clone)
    assert any("git fetch --unshallow" in note for note in result.notes)
    assert "git fetch --unshallow" in (clone / "public/fit/index.html").read_text()
    assert len(series(clone, "fitnow")["history"]["fit"]) == 1


def test_without_git_or_with_history_off_the_site_builds_as_before(tmp_path, repo):
    plain = copy_example(tmp_path / "plain")
    result = build(plain)
    assert result.notes == []
    assert "Changed <time" not in (plain / "public/canvases/fitnow/index.html").read_text()
    assert "history" not in series(plain, "fitnow")
    (repo / "site.toml").write_text((repo / "site.toml").read_text() + "\n[git]\nhistory = 0\n")
    build(repo)
    assert "Changed <time" not in (repo / "public/canvases/fitnow/index.html").read_text()
    assert site_files(plain / "public").keys() == site_files(repo / "public").keys()


def test_an_invalid_revision_is_left_out_of_the_series(repo):
    path = repo / "content/value-maps/fitnow.md"
    good = path.read_text()
    path.write_text(good.replace("---", "--", 1))
    commit(repo, "Broken", 60)
    path.write_text(good)
    commit(repo, "Fixed", 120)
    build(repo)
    entry = series(repo, "fitnow")["history"]
    assert len(entry["fit"]) == 2  # the first and the fixed commit; the broken one is no point
    assert entry["last_change"]["subject"] == "Fixed"


def test_parse_log_reads_names_and_odd_subjects():
    out = b"\x01" + b"a" * 40 + b"\x1f1700000000\x1fFix: a \x1f b\x00\ncontent/x.md\x00site.toml\x00\x01" + b"b" * 40 + b"\x1f1600000000\x1fMerge\x00"
    first, second = parse_log(out)
    assert first.files == {"content/x.md", "site.toml"} and first.subject == "Fix: a \x1f b" and first.date == "2023-11-14"
    assert second.files == frozenset()


def points_of(repo: Path, canvas_id: str) -> list[dict]:
    data = json.loads((repo / "public/data/site.json").read_text())
    value_maps = data["value_maps"]
    found = value_maps[canvas_id] if isinstance(value_maps, dict) else next(v for v in value_maps if v["id"] == canvas_id)
    return found["history"]["fit"]


def test_an_experiment_that_concludes_is_a_point_and_its_statuses_count_in_the_verified_fit(repo):
    """Status follows evidence in the history too: each point is scored with the
    experiments of its commit, so the newest point is the fit the page shows, and an
    experiment concluding on another canvas of the same segment moves this one too."""
    from vpcsite.build import check_site

    pilot = repo / "content/experiments/coach-check-in-pilot.md"
    pilot.write_text(pilot.read_text().replace("state: running\n", "state: done\nconcluded: 2026-12-18\nresult: supported\n"))
    oid = commit(repo, "Conclude the coach pilot", 60)
    build(repo)
    checked = check_site(repo)
    for canvas_id in ("fitnow", "gym-chain"):  # the pilot tests a job of their segment
        points = points_of(repo, canvas_id)
        assert [p["commit"] for p in points][-1] == oid, canvas_id
        assert points[-1]["verified_fit"] == pytest.approx(checked.fits[canvas_id].verified.value)
        assert points[-1]["verified_fit"] > points[-2]["verified_fit"], canvas_id
    assert "Conclude the coach pilot" in (repo / "public/canvases/fitnow/index.html").read_text()
    # trainer-dashboard targets another segment: the pilot is no point of its history.
    assert oid not in [p["commit"] for p in points_of(repo, "trainer-dashboard")]
    # The record names the experiments of a point by a short hash of their paths.
    keys = recorded_points(repo)
    assert keys and all(len(key.rsplit(":", 1)[1]) in (0, 16) for key in keys)
    assert any(key.startswith(f"{oid}:content/value-maps/fitnow.md:") and key.rsplit(":", 1)[1] for key in keys)


def test_an_uncommitted_experiment_marks_its_canvas_uncommitted(repo):
    pilot = repo / "content/experiments/coach-check-in-pilot.md"
    pilot.write_text(pilot.read_text().replace("owner: Marco", "owner: Marta"))
    build(repo)
    assert "segment or experiments have <strong>uncommitted changes</strong>" in (repo / "public/canvases/fitnow/index.html").read_text()
    assert "uncommitted" not in (repo / "public/canvases/trainer-dashboard/index.html").read_text()

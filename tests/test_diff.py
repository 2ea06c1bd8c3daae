"""`vpcsite diff` against real git repositories: goldens of the three formats, edits,
renames, additions and deletions, invalid content at a revision, unknown revisions,
no repository, shallow clones, and a working tree, index and stash left untouched.

Regenerate the goldens after an intended change with:
    VPCSITE_UPDATE_GOLDEN=1 python -m pytest tests/test_diff.py
and review them as a diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from vpcsite.cli import main

from .conftest import GOLDEN
from .gitsite import LITE, commit, example_repo, experiments_commit, git, replace, review_commit

if TYPE_CHECKING:
    from vpcsite.diff import SiteDiff


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def golden(name: str, actual: str) -> None:
    path = GOLDEN / "diff" / name
    if os.environ.get("VPCSITE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """The example committed, then the review commit on top (module-wide: tests only read it)."""
    repo = example_repo(tmp_path_factory.mktemp("diff") / "site")
    review_commit(repo)
    return repo


@pytest.fixture
def in_reviewed(reviewed, monkeypatch) -> Path:
    monkeypatch.chdir(reviewed)
    return reviewed


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository of its own, for tests that commit or edit."""
    site = example_repo(tmp_path / "site")
    monkeypatch.chdir(site)
    return site


def diff_json(*args: str) -> dict:
    result = run("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def canvas(data: dict, canvas_id: str) -> dict:
    return next(change for change in data["canvases"] if change["id"] == canvas_id)


# --- goldens ----------------------------------------------------------------------


def test_text_diff_of_a_review_matches_golden(in_reviewed):
    result = run("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0
    golden("review.txt", result.stdout)


def test_json_diff_of_a_review_matches_golden(in_reviewed):
    result = run("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0
    golden("review.json", result.stdout)
    assert json.loads(result.stdout)["version"] == 1


def test_markdown_diff_of_a_review_matches_golden(in_reviewed):
    result = run("diff", "HEAD~1", "HEAD", "--format", "markdown")
    assert result.exit_code == 0
    golden("review.md", result.stdout)
    assert result.stdout.startswith("<!-- vpcsite-diff -->\n")


# --- what a diff reports ------------------------------------------------------------


def test_edited_canvas_reports_fit_drop_item_text_and_links(in_reviewed):
    fitnow = canvas(diff_json("HEAD~1", "HEAD"), "fitnow")
    assert fitnow["status"] == "changed"
    assert fitnow["fit"]["points"] < 0 and fitnow["fit"]["dropped"]
    assert fitnow["fit"]["before"] > fitnow["fit"]["after"]
    text = next(item for item in fitnow["items"] if item["id"] == "ten-minute-workouts")
    assert text["fields"] == [{"name": "text", "before": "10-minute workouts that need no equipment", "after": "10-minute workouts, no equipment"}]
    assert {
        "change": "removed",
        "section": "relievers",
        "item": "progress-reminders",
        "key": "relieves",
        "target": "inconsistent-progress",
    } in fitnow["links"]
    assert {"change": "added", "section": "creators", "item": "team-challenges", "key": "creates", "target": "sense-of-achievement"} in fitnow[
        "links"
    ]
    assert any(item["change"] == "added" and item["id"] == "team-challenges" for item in fitnow["items"])


def test_link_changes_read_as_sentences(in_reviewed):
    out = run("diff", "HEAD~1", "HEAD").stdout
    assert "- reliever 'progress-reminders' no longer relieves 'inconsistent-progress'" in out
    assert "+ creator 'team-challenges' now creates 'sense-of-achievement'" in out


def test_segment_item_rank_change_is_reported(in_reviewed):
    data = diff_json("HEAD~1", "HEAD")
    segment = next(change for change in data["segments"] if change["id"] == "busy-professional")
    item = next(item for item in segment["items"] if item["id"] == "be-seen-as-healthy")
    assert item["fields"] == [{"name": "rank", "before": 2, "after": 3}]


def test_renamed_canvas_is_detected_by_content(in_reviewed):
    renamed = canvas(diff_json("HEAD~1", "HEAD"), "gym-chains")
    assert renamed["status"] == "renamed"
    assert (renamed["id_before"], renamed["id_after"]) == ("gym-chain", "gym-chains")
    assert renamed["path_before"].endswith("gym-chain.md") and renamed["path_after"].endswith("gym-chains.md")
    assert renamed["similarity"] == 1.0


def test_renamed_canvas_does_not_repeat_its_findings_as_new(in_reviewed):
    new = diff_json("HEAD~1", "HEAD")["new_diagnostics"]
    # gym-chain's severe pains were unrelieved before the rename too
    assert not [d for d in new if d["path"].endswith("gym-chains.md") and d["code"] == "VPC304"]


def test_added_and_deleted_canvases_are_reported(in_reviewed):
    data = diff_json("HEAD~1", "HEAD")
    assert canvas(data, "fitnow-lite")["status"] == "added"
    assert canvas(data, "fitnow-lite")["fit"]["before"] is None
    assert canvas(data, "trainer-dashboard")["status"] == "removed"
    assert canvas(data, "trainer-dashboard")["fit"]["after"] is None
    assert data["summary"]["canvases"]["added"] == 1 and data["summary"]["canvases"]["removed"] == 1


def test_new_diagnostics_are_those_of_the_second_revision_only(in_reviewed):
    new = diff_json("HEAD~1", "HEAD")["new_diagnostics"]
    codes = {(d["code"], Path(d["path"]).name) for d in new}
    assert ("VPC301", "fitnow.md") in codes  # progress-reminders now relieves nothing
    assert ("VPC306", "personal-trainer.md") in codes  # its only canvas was deleted
    old = diff_json("HEAD~1", "HEAD~1")
    assert old["new_diagnostics"] == [] and old["canvases"] == []


def test_a_finding_that_moved_to_another_line_is_not_new(repo):
    fitnow = repo / "content/value-maps/fitnow.md"
    replace(fitnow, "relieves: [inconsistent-progress]", "relieves: []")
    commit(repo, "Orphan reliever", "2026-01-06T10:00:00+00:00")
    replace(fitnow, "summary: A mobile", "summary: >-\n  A mobile")
    data = diff_json("HEAD")
    assert data["new_diagnostics"] == []


def test_fail_on_drop_exits_1_only_when_a_fit_went_down(in_reviewed):
    assert run("diff", "HEAD~1", "HEAD", "--fail-on-drop").exit_code == 1
    assert run("diff", "HEAD~1", "HEAD").exit_code == 0
    assert run("diff", "HEAD", "HEAD~1", "--fail-on-drop").exit_code == 0  # the other way up, fits rise


def test_default_compares_head_with_the_working_tree(repo):
    replace(repo / "content/value-maps/fitnow.md", "title: FitNow app", "title: FitNow")
    data = diff_json()
    assert data["before"]["label"] == "HEAD" and data["after"] == {"label": "working tree", "commit": None}
    assert canvas(data, "fitnow")["fields"] == [{"name": "title", "before": "FitNow app", "after": "FitNow"}]


def test_one_revision_is_compared_with_the_working_tree(repo):
    (repo / "content/value-maps/fitnow-lite.md").write_text(LITE, encoding="utf-8")  # not even added to git
    commit(repo, "Lite", "2026-01-06T10:00:00+00:00")
    replace(repo / "content/value-maps/fitnow-lite.md", "title: FitNow Lite", "title: Lite")
    data = diff_json("HEAD~1")
    assert canvas(data, "fitnow-lite")["status"] == "added"
    assert canvas(data, "fitnow-lite")["path_after"] == "content/value-maps/fitnow-lite.md"


def test_identical_revisions_report_no_change(in_reviewed):
    out = run("diff", "HEAD", "HEAD").stdout
    assert "canvases: 3 unchanged; segments: no change; experiments: no change; 0 new diagnostics, 0 resolved" in out


# --- experiments --------------------------------------------------------------------


@pytest.fixture(scope="module")
def concluded(tmp_path_factory) -> Path:
    """The example committed, then a commit that concludes, starts, adds and deletes
    experiments (gitsite.experiments_commit)."""
    repo = example_repo(tmp_path_factory.mktemp("diff-experiments") / "site")
    experiments_commit(repo)
    return repo


@pytest.fixture
def in_concluded(concluded, monkeypatch) -> Path:
    monkeypatch.chdir(concluded)
    return concluded


@pytest.mark.parametrize("fmt, name", [("text", "experiments.txt"), ("json", "experiments.json"), ("markdown", "experiments.md")])
def test_experiment_diff_matches_golden(in_concluded, fmt, name):
    result = run("diff", "HEAD~1", "HEAD", "--format", fmt)
    assert result.exit_code == 0, result.output
    golden(name, result.stdout)


def experiment(data: dict, experiment_id: str) -> dict:
    return next(change for change in data["experiments"] if change["id"] == experiment_id)


def test_an_experiment_that_concluded_is_reported_with_its_result_and_the_statuses_it_sets(in_concluded):
    data = diff_json("HEAD~1", "HEAD")
    pilot = experiment(data, "coach-check-in-pilot")
    assert pilot["concluded"] is True and pilot["result"] == "supported" and pilot["decision"] == "persevere"
    assert (pilot["state_before"], pilot["state_after"]) == ("running", "done")
    assert {(s["document"], s["item"], s["before"], s["after"]) for s in pilot["statuses"]} == {
        ("busy-professional", "stay-motivated", "observed", "verified"),
        ("fitnow", "coaching-service", "assumed", "verified"),
    }
    assert data["summary"]["experiments"] == {"concluded": 1, "changed": 2, "added": 1, "removed": 1, "invalid": 0, "fixed": 0}
    assert data["experiments"][0]["id"] == "coach-check-in-pilot", "concluded experiments come first"
    text = run("diff", "HEAD~1", "HEAD").stdout
    assert "experiment coach-check-in-pilot: concluded, supported, decision persevere" in text
    assert "experiments: 1 concluded, 2 changed, 1 added, 1 removed" in text
    markdown = run("diff", "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert "#### Experiments concluded" in markdown and "**supported**" in markdown


def test_a_status_an_experiment_sets_shows_as_an_item_change_and_moves_the_verified_fit(in_concluded):
    data = diff_json("HEAD~1", "HEAD")
    fitnow = canvas(data, "fitnow")
    (item,) = [i for i in fitnow["items"] if i["id"] == "coaching-service"]
    assert item["fields"] == [{"name": "status", "before": "assumed", "after": "verified"}]
    assert item["experiment"] == "coach-check-in-pilot", "the status change names the experiment that made it"
    assert "product 'coaching-service': status assumed → verified (experiment 'coach-check-in-pilot')" in run("diff", "HEAD~1", "HEAD").stdout
    assert fitnow["fit"]["verified_points"] > 0 and fitnow["fit"]["points"] == 0
    segment = next(change for change in data["segments"] if change["id"] == "busy-professional")
    assert any(i["id"] == "stay-motivated" and i["fields"][0]["after"] == "verified" for i in segment["items"])


def test_started_added_and_removed_experiments_are_reported(in_concluded):
    data = diff_json("HEAD~1", "HEAD")
    snack = experiment(data, "snack-swap-fake-door")
    assert snack["status"] == "changed" and not snack["concluded"]
    assert snack["fields"] == [{"name": "state", "before": "planned", "after": "running"}]
    assert experiment(data, "streak-reminders")["status"] == "added"
    assert experiment(data, "seen-as-healthy-interviews")["status"] == "removed"
    assert data["summary"]["dropped"] == []


def test_an_experiment_undone_takes_back_the_statuses_it_set(in_concluded):
    """The other way round: the result is gone, and the items fall back to their declared status."""
    data = diff_json("HEAD", "HEAD~1")
    pilot = experiment(data, "coach-check-in-pilot")
    assert pilot["concluded"] is False and pilot["state_after"] == "running"
    assert {(s["item"], s["before"], s["after"]) for s in pilot["statuses"]} == {
        ("stay-motivated", "verified", "observed"),
        ("coaching-service", "verified", "assumed"),
    }
    assert "fitnow" in data["summary"]["dropped"], "the verified fit went down"


def test_a_newer_experiment_overtaking_an_older_one_is_the_cause_of_the_change(repo):
    """The badge test (done, supported, reliability 3) verified 'gamified-rewards'; a newer
    experiment refutes it. The newer one is the cause; the older one did not change."""
    (repo / "content/experiments/badge-retest.md").write_text(
        "---\ntitle: Badge retest\nvalue_map: fitnow\ntests: [gamified-rewards]\nhypothesis: We believe badges still work.\n"
        "state: done\nconcluded: 2026-11-30\nresult: refuted\n---\n",
        encoding="utf-8",
    )
    commit(repo, "Retest the badges", "2026-01-06T10:00:00+00:00")
    data = diff_json("HEAD~1", "HEAD")
    assert [change["id"] for change in data["experiments"]] == ["badge-retest"]
    retest = experiment(data, "badge-retest")
    assert retest["concluded"] and [(s["item"], s["before"], s["after"]) for s in retest["statuses"]] == [
        ("gamified-rewards", "verified", "invalidated")
    ]
    (item,) = [i for i in canvas(data, "fitnow")["items"] if i["id"] == "gamified-rewards"]
    assert item["experiment"] == "badge-retest"


def test_an_experiment_invalid_at_a_revision_is_reported_as_now_invalid(repo):
    replace(repo / "content/experiments/badge-ab-test.md", "kind: desirability", "kind: desirability\ncolour: red")
    commit(repo, "Break an experiment", "2026-01-06T10:00:00+00:00")
    data = diff_json("HEAD~1", "HEAD")
    assert experiment(data, "badge-ab-test")["status"] == "invalid"
    assert experiment(diff_json("HEAD", "HEAD~1"), "badge-ab-test")["status"] == "fixed"
    assert "experiment badge-ab-test: now invalid" in run("diff", "HEAD~1", "HEAD").stdout


def test_a_site_without_experiments_does_not_speak_of_them(repo):
    shutil.rmtree(repo / "content/experiments")
    replace(repo / "content/business-models/fitnow-business.md", "[check-in pilot](../experiments/coach-check-in-pilot.md)", "check-in pilot")
    commit(repo, "No experiments", "2026-01-06T10:00:00+00:00")
    out = run("diff", "HEAD", "HEAD").stdout
    assert "experiments" not in out.split("\n")[1]
    assert diff_json("HEAD", "HEAD")["experiments"] == []


# --- invalid content at a revision --------------------------------------------------


def test_file_invalid_at_a_revision_is_reported_not_a_crash(repo):
    replace(repo / "content/value-maps/fitnow.md", "title: FitNow app", "title: FitNow app\ncolour: red")
    commit(repo, "Break fitnow", "2026-01-06T10:00:00+00:00")
    result = run("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert canvas(data, "fitnow")["status"] == "invalid"
    assert any(d["code"] == "VPC102" and d["path"].endswith("fitnow.md") for d in data["new_diagnostics"])
    back = diff_json("HEAD", "HEAD~1")
    assert canvas(back, "fitnow")["status"] == "fixed"
    assert "canvas fitnow: now invalid" in run("diff", "HEAD~1", "HEAD").stdout


def test_file_that_is_not_utf8_at_a_revision_is_reported(repo):
    (repo / "content/value-maps/fitnow.md").write_bytes(b"---\ntitle: caf\xe9\nsegment: busy-professional\n---\n")
    commit(repo, "Latin-1", "2026-01-06T10:00:00+00:00")
    data = diff_json("HEAD~1", "HEAD")
    assert any(d["code"] == "VPC001" for d in data["new_diagnostics"])


def test_broken_site_toml_at_a_revision_is_reported(repo):
    replace(repo / "site.toml", "target = [0.5, 0.7]", "target = [0.7, 0.5]")
    commit(repo, "Bad band", "2026-01-06T10:00:00+00:00")
    data = diff_json("HEAD~1", "HEAD")
    assert any(d["code"] == "VPC403" and d["path"] == "site.toml" for d in data["new_diagnostics"])


def test_each_revision_scores_with_its_own_target_band(repo):
    replace(repo / "site.toml", "target = [0.5, 0.7]", "target = [0.9, 1.0]")
    commit(repo, "Higher band", "2026-01-06T10:00:00+00:00")
    fitnow = canvas(diff_json("HEAD~1", "HEAD"), "fitnow")
    assert (fitnow["fit"]["band_before"], fitnow["fit"]["band_after"]) == ("above", "below")
    assert fitnow["fit"]["points"] == 0


def test_revision_without_the_site_counts_every_canvas_as_added(tmp_path, monkeypatch):
    repo = tmp_path / "site"
    repo.mkdir()
    (repo / "README").write_text("hello\n")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Start", "2026-01-04T10:00:00+00:00")
    shutil.copytree(Path(__file__).parent.parent / "content", repo / "content")
    commit(repo, "Canvases", "2026-01-05T10:00:00+00:00")
    monkeypatch.chdir(repo)
    data = diff_json("HEAD~1", "HEAD")
    assert {change["status"] for change in data["canvases"]} == {"added"}


def test_site_in_a_folder_of_the_repository(tmp_path, monkeypatch):
    top = tmp_path / "top"
    example_repo(top / "docs" / "vpc")
    shutil.move(str(top / "docs" / "vpc" / ".git"), str(top / ".git"))
    git(top, "add", "-A")
    commit(top, "Move", "2026-01-06T10:00:00+00:00")
    replace(top / "docs/vpc/content/value-maps/fitnow.md", "title: FitNow app", "title: FitNow")
    commit(top, "Retitle", "2026-01-07T10:00:00+00:00")
    monkeypatch.chdir(top)
    result = run("-s", "docs/vpc", "diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [change["id"] for change in data["canvases"]] == ["fitnow"]
    assert data["canvases"][0]["path_after"] == "docs/vpc/content/value-maps/fitnow.md"


# --- revisions, repositories and git ------------------------------------------------


def test_unknown_revision_exits_2_with_a_message(in_reviewed):
    result = run("diff", "no-such-branch")
    assert result.exit_code == 2
    assert "error: unknown revision 'no-such-branch'" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output + result.stderr


def test_option_like_revision_is_refused(in_reviewed):
    result = run("diff", "--", "--output=/tmp/x")
    assert result.exit_code == 2
    assert "is not a revision" in result.stderr


def test_more_than_two_revisions_is_a_usage_error(in_reviewed):
    assert run("diff", "HEAD", "HEAD", "HEAD").exit_code == 2


def test_outside_a_repository_exits_2(tmp_path, monkeypatch):
    shutil.copytree(Path(__file__).parent.parent / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run("diff")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr and "Traceback" not in result.stderr


def test_without_git_exits_2(in_reviewed, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no git in it
    result = run("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 2
    assert "git is not installed" in result.stderr


def test_working_tree_side_needs_a_site(tmp_path, monkeypatch):
    (tmp_path / "README").write_text("hello\n")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Start", "2026-01-04T10:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    result = run("diff")
    assert result.exit_code == 2 and "no vpcsite site here" in result.stderr


def test_shallow_clone_diffs_the_revisions_it_has(reviewed, tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{reviewed}", str(clone))
    monkeypatch.chdir(clone)
    replace(clone / "content/value-maps/fitnow.md", "title: FitNow app", "title: FitNow")
    assert canvas(diff_json("HEAD"), "fitnow")["fields"][0]["after"] == "FitNow"
    result = run("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 2
    assert "unknown revision 'HEAD~1'" in result.stderr and "git fetch --unshallow" in result.stderr


# --- nothing touched ---------------------------------------------------------------


def _state(repo: Path) -> dict[str, str]:
    """Every file of the working tree and .git/index by hash, the stash list and status."""
    found = {}
    for path in sorted(repo.rglob("*")):
        relative = path.relative_to(repo).as_posix()
        if path.is_file() and (not relative.startswith(".git/") or relative == ".git/index"):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    found["stash"] = git(repo, "stash", "list")
    found["refs"] = git(repo, "for-each-ref")
    return found


def test_working_tree_index_and_stash_are_untouched(repo):
    review_commit(repo)
    replace(repo / "content/value-maps/fitnow.md", "title: FitNow app", "title: Stashed")
    git(repo, "stash", "-q")
    replace(repo / "content/value-maps/fitnow-lite.md", "title: FitNow Lite", "title: Staged")
    git(repo, "add", "content/value-maps/fitnow-lite.md")
    replace(repo / "content/segments/busy-professional.md", "title: Busy professional", "title: Unstaged")
    (repo / "content/value-maps/untracked.md").write_text(LITE, encoding="utf-8")
    # Make the index's stat data stale, so a careless `git status` would rewrite it.
    os.utime(repo / "content/segments/personal-trainer.md", (1, 1))
    before = _state(repo)
    for args in ((), ("HEAD~1",), ("HEAD~1", "HEAD"), ("HEAD~1", "HEAD", "--format", "markdown")):
        assert run("diff", *args).exit_code == 0
    assert _state(repo) == before


# --- batched reads ------------------------------------------------------------------


class _Counting:
    """subprocess as gitrepo sees it, counting the processes it starts."""

    def __init__(self):
        self.started: list[list[str]] = []

    def run(self, command, *args, **kwargs):
        self.started.append(list(command))
        return subprocess.run(command, *args, **kwargs)

    def Popen(self, command, *args, **kwargs):  # the name subprocess uses
        self.started.append(list(command))
        return subprocess.Popen(command, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(subprocess, name)


def test_each_revision_is_read_in_one_batch(in_reviewed, monkeypatch):
    import vpcsite.gitrepo

    counting = _Counting()
    monkeypatch.setattr(vpcsite.gitrepo, "subprocess", counting)
    assert run("diff", "HEAD~1", "HEAD").exit_code == 0
    commands = [command[1] for command in counting.started]
    assert commands.count("cat-file") == 1  # every file of both revisions through one process
    assert commands.count("ls-tree") == 2  # one listing per revision
    assert len(commands) == 6  # + finding the repository and resolving the two revisions


def test_git_runs_without_optional_locks(in_reviewed, monkeypatch):
    import vpcsite.gitrepo

    seen = []
    real = subprocess.run

    def spy(command, *args, **kwargs):
        seen.append(kwargs["env"].get("GIT_OPTIONAL_LOCKS"))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(vpcsite.gitrepo.subprocess, "run", spy)
    run("diff", "HEAD~1", "HEAD")
    assert seen and set(seen) == {"0"}


# --- the pull-request comment --------------------------------------------------------


def _synthetic(count: int, items: int = 0, text: str = "a reliever") -> SiteDiff:
    from vpcsite.diff import DocumentChange, FitChange, ItemChange, LinkChange, Side, SiteDiff

    changes = []
    for n in range(count):
        fit = FitChange(0.6, 0.6 - (n % 7) / 100, 0.2, 0.2, "within", "within" if n % 7 < 2 else "below")
        found = tuple(ItemChange("added", "relievers", f"r{n}-{i}", f"{text} {i}") for i in range(items))
        links = tuple(LinkChange(True, "relievers", f"r{n}-{i}", "relieves", f"p{i}") for i in range(items))
        changes.append(
            DocumentChange(
                "value-map",
                "changed",
                f"canvas-{n:05d}",
                f"canvas-{n:05d}",
                f"content/value-maps/canvas-{n:05d}.md",
                f"content/value-maps/canvas-{n:05d}.md",
                (),
                found,
                links,
                fit,
            )
        )
    from vpcsite.diff import _drop_order

    return SiteDiff(Side("main", "a" * 40), Side("HEAD", "b" * 40), tuple(sorted(changes, key=_drop_order)), (), 0, (), ())


def test_markdown_of_a_huge_diff_stays_under_the_comment_limit_with_a_note():
    from vpcsite.diffformat import COMMENT_LIMIT, format_markdown_diff

    out = format_markdown_diff(_synthetic(3000, items=10), "vpcsite diff main HEAD")
    assert len(out) < COMMENT_LIMIT
    assert "Cut to stay under GitHub's 65,536-character limit" in out and "`vpcsite diff main HEAD`" in out
    assert out.count("<details") == out.count("</details>")
    assert out.index("| Canvas |") < out.index("What changed") if "What changed" in out else True


def test_markdown_table_puts_the_largest_drop_first_and_folds_the_rest():
    from vpcsite.diffformat import OPEN_ROWS, format_markdown_diff

    out = format_markdown_diff(_synthetic(14))
    rows = [line for line in out.splitlines() if line.startswith("| <code>")]
    assert len(rows) == 14
    assert "−6 pts" in rows[0] and "±0 pts" in rows[-1]
    folded = out.index("<details><summary>4 more canvases</summary>")
    assert out.index(rows[OPEN_ROWS - 1]) < folded < out.index(rows[OPEN_ROWS])


def test_markdown_omits_unchanged_canvases(in_reviewed):
    out = run("diff", "HEAD", "HEAD", "--format", "markdown").stdout
    assert "| Canvas |" not in out and "3 unchanged" in out


def test_markdown_escapes_content_text():
    from vpcsite.diffformat import format_markdown_diff

    out = format_markdown_diff(_synthetic(1, items=1, text="@octocat <img src=x onerror=alert(1)> | `x` [a](javascript:b)"))
    assert "@octocat" not in out and "&#64;octocat" in out
    assert "<img" not in out and "&lt;img" in out
    assert "[a](javascript" not in out
    line = next(line for line in out.splitlines() if "octocat" in line)
    assert "\\|" in line and "\\`x\\`" in line


def test_markdown_cuts_a_long_list_of_new_diagnostics_to_fit():
    from dataclasses import replace as with_

    from vpcsite.diagnostics import diagnostic
    from vpcsite.diffformat import COMMENT_LIMIT, format_markdown_diff

    found = tuple(diagnostic("VPC301", f"content/value-maps/c{n}.md", 3, 5, f"reliever 'r{n}' relieves no pain " + "x" * 80) for n in range(2000))
    out = format_markdown_diff(with_(_synthetic(3), new_diagnostics=found))
    assert len(out) < COMMENT_LIMIT
    assert "#### New diagnostics in HEAD (2000)" in out and "more\n" in out
    assert out.count("```") == 2


def test_a_file_unchanged_between_revisions_is_parsed_once(in_reviewed, monkeypatch):
    import vpcsite.content

    parsed = []
    real = vpcsite.content.load_document

    def counting(display, *args, **kwargs):
        parsed.append(display)
        return real(display, *args, **kwargs)

    monkeypatch.setattr(vpcsite.content, "load_document", counting)
    assert run("diff", "HEAD~1", "HEAD", "-j", "1").exit_code == 0
    twice = sorted(Path(p).name for p in set(parsed) if parsed.count(p) == 2)
    assert twice == ["busy-professional.md", "fitnow.md"]  # the two files edited in place
    assert len(parsed) == len(set(parsed)) + 2


def test_a_site_folder_that_does_not_exist_exits_2(in_reviewed):
    result = run("-s", "no-such-folder", "diff")
    assert result.exit_code == 2
    assert "no folder no-such-folder" in result.stderr and "not installed" not in result.stderr


def test_added_and_removed_segments_are_named_in_every_format(repo):
    (repo / "content/segments/personal-trainer.md").rename(repo / "content/segments/coach.md")
    replace(repo / "content/value-maps/trainer-dashboard.md", 'segment = "personal-trainer"', 'segment = "coach"')
    (repo / "content/segments/students.md").write_text("---\ntitle: Students\n---\n", encoding="utf-8")
    (repo / "content/segments/busy-professional.md").unlink()
    for name in ("fitnow.md", "gym-chain.md", "corporate-wellness.md"):
        (repo / "content/value-maps" / name).unlink()
    data = diff_json()
    statuses = {change["id"]: change["status"] for change in data["segments"]}
    assert statuses == {"coach": "renamed", "students": "added", "busy-professional": "removed"}
    assert canvas(data, "trainer-dashboard")["fields"] == [{"name": "segment", "before": "personal-trainer", "after": "coach"}]
    out = run("diff", "--format", "markdown").stdout
    assert "- segment <code>students</code>: added" in out
    assert "- segment <code>busy-professional</code>: removed" in out
    assert "- segment <code>coach</code>: renamed from <code>personal-trainer</code>" in out
    assert "segment students: added (content/segments/students.md)" in run("diff").stdout


# --- the model on its own -------------------------------------------------------------


def _checked(root: Path, files: dict[str, str]):
    from vpcsite.check import check_site

    from .conftest import write_site

    write_site(root, files)
    return check_site(root, last_layout=False, jobs=1)


SEGMENT_FILE = """
---
title: People
jobs: [One, Two, Three, Four]
pains: [Five, Six]
---
"""


def test_rename_needs_half_the_items_identical(tmp_path):
    from vpcsite.diff import compare

    before = _checked(tmp_path / "a", {"content/segments/people.md": SEGMENT_FILE})
    mostly = SEGMENT_FILE.replace("Four", "Vier").replace("Six", "Sechs")  # 5 of 7 parts kept
    after = _checked(tmp_path / "b", {"content/segments/folk.md": mostly})
    assert [(c.status, c.id_before, c.id_after) for c in compare(before, after).segments] == [("renamed", "people", "folk")]
    rewritten = SEGMENT_FILE.replace("One", "Eins").replace("Two", "Zwei").replace("Three", "Drei").replace("Four", "Vier")
    other = _checked(tmp_path / "c", {"content/segments/folk.md": rewritten})
    assert sorted((c.status, c.id) for c in compare(before, other).segments) == [("added", "folk"), ("removed", "people")]


def test_broken_site_toml_in_the_working_tree_is_reported(repo):
    replace(repo / "site.toml", "[fit]", "[fit\n")
    result = run("diff", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert any(d["code"] == "VPC401" and d["path"] == "site.toml" for d in data["new_diagnostics"])
    assert data["summary"]["canvases"]["unchanged"] == 3  # the content still compared, with the defaults

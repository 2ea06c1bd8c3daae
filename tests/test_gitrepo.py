"""The git reader on its own: revisions resolved, folders listed, blobs read in one
batch process, links inside a revision followed, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpcsite.gitrepo import GitError, Repository, link_target

from .gitsite import commit, example_repo, git, review_commit


@pytest.fixture
def repo(tmp_path) -> Path:
    site = example_repo(tmp_path / "site")
    review_commit(site)
    return site


def test_resolve_names_a_commit(repo):
    with Repository(repo) as git_repo:
        assert git_repo.resolve("HEAD") == git(repo, "rev-parse", "HEAD").strip()
        assert git_repo.resolve("main~1") == git(repo, "rev-parse", "HEAD~1").strip()


def test_resolve_refuses_a_tree_and_an_unknown_name(repo):
    with Repository(repo) as git_repo:
        with pytest.raises(GitError, match="unknown revision"):
            git_repo.resolve("HEAD^{tree}")
        with pytest.raises(GitError, match="unknown revision 'nope'"):
            git_repo.resolve("nope")


def test_list_files_gives_paths_from_the_site_root_at_that_revision(repo):
    with Repository(repo) as git_repo:
        old = {entry.path for entry in git_repo.list_files(git_repo.resolve("HEAD~1"), "content")}
        new = {entry.path for entry in git_repo.list_files(git_repo.resolve("HEAD"), "content")}
        assert "content/value-maps/trainer-dashboard.md" in old - new
        assert "content/value-maps/fitnow-lite.md" in new - old
        assert git_repo.list_files(git_repo.resolve("HEAD"), "no-such-folder") == []


def test_blobs_of_many_files_come_from_one_process(repo):
    with Repository(repo) as git_repo:
        head = git_repo.resolve("HEAD")
        entries = git_repo.list_files(head, "content")
        first = git_repo.read_blobs([entry.blob for entry in entries])
        again = git_repo.read_blobs([entry.blob for entry in entries[:2]])
        config = git_repo.read(head, "site.toml")
        assert git_repo.read(head, "no-such-file.toml") is None
    assert first[entries[0].blob] == (repo / entries[0].path).read_bytes()
    assert again == {entry.blob: first[entry.blob] for entry in entries[:2]}
    assert config == (repo / "site.toml").read_bytes()
    assert [command[1] for command in git_repo.commands].count("cat-file") == 1


def test_large_batches_do_not_block_on_full_pipes(repo):
    big = repo / "content" / "big.md"
    big.write_text("---\ntitle: Big\n---\n" + "words " * 400_000, encoding="utf-8")
    commit(repo, "Big page", "2026-01-07T10:00:00+00:00")
    with Repository(repo) as git_repo:
        entries = git_repo.list_files(git_repo.resolve("HEAD"), "content")
        found = git_repo.read_blobs([entry.blob for entry in entries] * 3)
    assert len(found) == len(entries)


def test_link_targets_stay_inside_the_tree():
    assert link_target("content/a/link.md", b"../b/target.md") == "content/b/target.md"
    assert link_target("content/link.md", b"../../etc/passwd") is None
    assert link_target("content/link.md", b"/etc/passwd") is None


def test_symlinked_content_file_is_followed_inside_a_revision(repo, monkeypatch):
    import json

    from click.testing import CliRunner

    from vpcsite.cli import main

    (repo / "content/value-maps/alias.md").symlink_to("../value-maps/fitnow-lite.md")
    (repo / "content/value-maps/escape.md").symlink_to("../../../outside.md")
    commit(repo, "Links", "2026-01-07T10:00:00+00:00")
    monkeypatch.chdir(repo)
    data = json.loads(CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--format", "json"]).stdout)
    codes = {(d["code"], Path(d["path"]).name) for d in data["new_diagnostics"]}
    assert ("VPC307", "alias.md") in codes  # read through the link: FitNow Lite's low fit
    assert ("VPC504", "escape.md") in codes
    # the same findings as the working tree's check
    same = json.loads(CliRunner().invoke(main, ["diff", "HEAD", "--format", "json"]).stdout)
    assert same["new_diagnostics"] == same["resolved_diagnostics"] == []

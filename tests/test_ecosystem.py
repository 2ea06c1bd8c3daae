"""What other repositories use vpcsite through: the pre-commit hook (its file against
pre-commit's hook schema) and the GitHub Action (its definition, and its pull-request
step run here against real repositories with a fake `gh` that records its calls)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .gitsite import GIT_ENV, example_repo, git, review_commit

HOOKS = ROOT / ".pre-commit-hooks.yaml"
ACTION = ROOT / "action.yml"
SCRIPT = ROOT / "scripts" / "action-diff.sh"

# pre-commit's hook manifest schema (pre_commit/clientlib.py, MANIFEST_HOOK_DICT): the
# required keys, and every key it knows with the type it expects.
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = {
    "id": str,
    "name": str,
    "entry": str,
    "language": str,
    "alias": str,
    "files": str,
    "exclude": str,
    "types": list,
    "types_or": list,
    "exclude_types": list,
    "additional_dependencies": list,
    "args": list,
    "always_run": bool,
    "fail_fast": bool,
    "pass_filenames": bool,
    "description": str,
    "language_version": str,
    "log_file": str,
    "minimum_pre_commit_version": str,
    "require_serial": bool,
    "stages": list,
    "verbose": bool,
}
LANGUAGES = {
    "conda",
    "coursier",
    "dart",
    "docker",
    "docker_image",
    "dotnet",
    "fail",
    "golang",
    "haskell",
    "lua",
    "node",
    "perl",
    "pygrep",
    "python",
    "r",
    "ruby",
    "rust",
    "swift",
    "script",
    "system",
}
#: File types pre-commit's `identify` knows that a hook on canvases could name.
TYPES = {"file", "text", "markdown", "toml", "yaml"}


def hooks() -> list[dict]:
    return yaml.safe_load(HOOKS.read_text(encoding="utf-8"))


def test_hook_file_follows_pre_commits_manifest_schema():
    found = hooks()
    assert isinstance(found, list) and found
    for hook in found:
        assert set(hook) >= REQUIRED, f"missing {REQUIRED - set(hook)}"
        assert set(hook) <= set(KNOWN), f"unknown keys {set(hook) - set(KNOWN)}"
        for key, value in hook.items():
            assert isinstance(value, KNOWN[key]), f"{key} should be {KNOWN[key].__name__}"
        assert hook["language"] in LANGUAGES
        assert set(hook.get("types", [])) <= TYPES
        re.compile(hook.get("files", ""))


def test_check_hook_runs_vpcsite_check_once_for_the_whole_site():
    hook = next(hook for hook in hooks() if hook["id"] == "vpcsite-check")
    assert hook["entry"] == "vpcsite check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # links span files: the whole site is checked
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert shlex.split(hook["entry"])[0] in scripts


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("content/value-maps/fitnow.md", True),
        ("content/segments/busy-professional.md", True),
        ("site.toml", True),
        ("docs/vpc/content/index.md", True),
        ("docs/vpc/site.toml", True),
        ("README.md", False),
        ("content/images/canvas-sketch.svg", False),
        ("mysite.toml", False),
    ],
)
def test_check_hook_runs_for_content_and_site_toml_only(path, runs):
    hook = next(hook for hook in hooks() if hook["id"] == "vpcsite-check")
    assert bool(re.search(hook["files"], path)) is runs


def test_check_hook_entry_passes_on_the_example_site(tmp_path):
    from .conftest import copy_example

    site = copy_example(tmp_path)
    entry = shlex.split(hooks()[0]["entry"])
    done = subprocess.run(
        [sys.executable, "-m", "vpcsite", *entry[1:]], cwd=site, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# --- the GitHub Action ----------------------------------------------------------------


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_is_a_composite_that_checks_builds_and_comments():
    found = action()
    assert found["runs"]["using"] == "composite"
    steps = found["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    runs = [step.get("run", "") for step in steps]
    assert any("pip install" in run and "$GITHUB_ACTION_PATH" in run for run in runs)
    assert any("check --format github" in run for run in runs)
    assert any(" build" in run for run in runs)
    comment = next(step for step in steps if "action-diff.sh" in step.get("run", ""))
    assert "github.event_name == 'pull_request'" in comment["if"]
    assert (ROOT / comment["run"].split("/", 1)[1].strip('"')).is_file()


def test_action_steps_name_their_shell_and_never_paste_inputs_into_scripts():
    for step in action()["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # an input pasted into a script is a script injection; they travel in env
            assert "${{" not in step["run"], step["run"]


@pytest.fixture
def pull_request(tmp_path) -> dict[str, Path]:
    """An origin with main, and a clone on a pull-request branch with the review commit."""
    site = example_repo(tmp_path / "site")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(site), str(origin))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(work))
    git(work, "checkout", "-q", "-b", "review")
    review_commit(work)
    git(work, "push", "-q", "origin", "review")
    return {"origin": origin, "work": work, "tmp": tmp_path}


FAKE_GH = """#!/bin/sh
# A stand-in for the GitHub CLI: records each call, answers the comment listing.
n=$(($(cat "$FAKE_GH_LOG.count" 2>/dev/null || echo 0) + 1))
echo "$n" > "$FAKE_GH_LOG.count"
printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
for arg in "$@"; do
  case "$arg" in
    body=@*) cp "${arg#body=@}" "$FAKE_GH_LOG.body.$n" ;;
  esac
done
case "$*" in
  *--method*) ;;
  *) [ -n "$FAKE_GH_EXISTING" ] && echo "$FAKE_GH_EXISTING" ;;
esac
exit 0
"""


def run_action_diff(cwd: Path, tmp: Path, existing: str = "", fail_on_drop: str = "false") -> tuple[subprocess.CompletedProcess, list[str], Path]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "vpcsite").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m vpcsite "$@"\n')
    for tool in ("gh", "vpcsite"):
        (bin_dir / tool).chmod(0o755)
    log = tmp / "gh.log"
    for stale in tmp.glob("gh.log*"):
        stale.unlink()
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "FAKE_GH_LOG": str(log),
        "FAKE_GH_EXISTING": existing,
        "VPCSITE_BASE": "main",
        "VPCSITE_PR": "7",
        "GITHUB_REPOSITORY": "acme/canvases",
        "GH_TOKEN": "not-a-token",
        "VPCSITE_FAIL_ON_DROP": fail_on_drop,
    }
    done = subprocess.run(["bash", str(SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True)
    calls = log.read_text().splitlines() if log.exists() else []
    return done, calls, log


def test_action_posts_one_comment_with_the_markdown_diff(pull_request):
    done, calls, log = run_action_diff(pull_request["work"], pull_request["tmp"])
    assert done.returncode == 0, done.stderr
    assert calls[0].startswith("api --paginate repos/acme/canvases/issues/7/comments --jq")
    assert calls[1].startswith("api --method POST repos/acme/canvases/issues/7/comments -F body=@")
    assert len(calls) == 2
    body = Path(f"{log}.body.2").read_text(encoding="utf-8")
    assert body.startswith("<!-- vpcsite-diff -->\n")
    assert "| <code>fitnow</code> | changed | 87 % → 79 %" in body


def test_action_updates_its_existing_comment(pull_request):
    done, calls, _ = run_action_diff(pull_request["work"], pull_request["tmp"], existing="4242")
    assert done.returncode == 0, done.stderr
    assert calls[1].startswith("api --method PATCH repos/acme/canvases/issues/comments/4242 -F body=@")
    assert not any("POST" in call for call in calls)


def test_action_fails_on_a_drop_only_when_asked_and_comments_first(pull_request):
    done, calls, _ = run_action_diff(pull_request["work"], pull_request["tmp"], fail_on_drop="true")
    assert done.returncode == 1
    assert any("--method POST" in call for call in calls)


def test_action_fetches_the_base_branch_of_a_shallow_checkout(pull_request):
    tmp = pull_request["tmp"]
    shallow = tmp / "shallow"
    git(tmp, "clone", "-q", "--depth", "1", "--branch", "review", f"file://{pull_request['origin']}", str(shallow))
    with pytest.raises(subprocess.CalledProcessError):
        git(shallow, "rev-parse", "--verify", "origin/main")
    done, _calls, log = run_action_diff(shallow, tmp)
    assert done.returncode == 0, done.stderr
    assert "87 % → 79 %" in Path(f"{log}.body.2").read_text(encoding="utf-8")


def test_action_posts_nothing_when_the_diff_cannot_run(pull_request):
    git(pull_request["work"], "remote", "set-url", "origin", str(pull_request["tmp"] / "gone.git"))
    git(pull_request["work"], "update-ref", "-d", "refs/remotes/origin/main")
    done, calls, _ = run_action_diff(pull_request["work"], pull_request["tmp"])
    assert done.returncode != 0
    assert calls == []

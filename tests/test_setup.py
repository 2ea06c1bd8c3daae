"""The README's set-up command, as the README states it, works on a fresh copy of the
repository: it installs vpcsite into a virtual environment of the copy's own and builds
the example site, and a second run installs nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def set_up_commands(readme: str) -> list[str]:
    """The commands of the first ```sh block of the README's "## Set up" section, in
    order: comments and blank lines dropped, continued lines joined."""
    section = re.search(r"^## Set up\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, 'README.md has no "## Set up" section'
    block = re.search(r"^```sh\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, 'the "## Set up" section has no ```sh block'
    commands, pending = [], ""
    for line in block.group(1).splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        commands.append((pending + line).strip())
        pending = ""
    return commands


def test_set_up_commands_are_read_from_the_readme():
    readme = "intro\n## Set up\n\ntext\n\n```sh\n# 1. first\nbash a.sh \\\n  --x\n\n# 2. second\nbash b.sh\n```\n\n```sh\nno\n```\n## Next\n"
    assert set_up_commands(readme) == ["bash a.sh   --x", "bash b.sh"]


def fresh_copy(target: Path) -> Path:
    """The repository as a clone of the working tree would hold it: the files git tracks
    or would track (committed or not), none that it ignores (.venv/, public/, ...)."""
    top = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() == ROOT:
        listed = (
            subprocess.run(
                ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        for relative in filter(None, listed):
            source = ROOT / relative
            if source.is_file() or source.is_symlink():  # a tracked file may be deleted
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / relative, follow_symlinks=False)
    else:  # not a git work tree (a copy of one): leave out what .gitignore names
        patterns = [".git"]
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                patterns.append(line.strip().strip("/"))
        shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(*patterns), dirs_exist_ok=True)
    return target


def isolated_environment() -> dict[str, str]:
    """This process's environment without any virtual environment it runs in or has
    activated, and with pip refusing to install anywhere but into a virtual environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_USER", "PIP_TARGET", "PIP_PREFIX")}
    venv_bins = {str(Path(sys.prefix) / "bin")} if sys.prefix != sys.base_prefix else set()
    if os.environ.get("VIRTUAL_ENV"):
        venv_bins.add(str(Path(os.environ["VIRTUAL_ENV"]) / "bin"))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p.rstrip("/") not in venv_bins)
    env["PIP_REQUIRE_VIRTUALENV"] = "1"
    return env


def test_readme_set_up_command_installs_into_a_venv_and_builds_the_example(tmp_path):
    first = set_up_commands((ROOT / "README.md").read_text(encoding="utf-8"))[0]
    assert "test.sh" not in first, f"the README's first command should not run the tests: {first}"
    # The command may install system packages; this test must not: they are there already
    # wherever `bash scripts/test.sh` (CI included) ran scripts/system-deps.sh first.
    deps = subprocess.run(["bash", str(ROOT / "scripts" / "system-deps.sh"), "--check"], capture_output=True, text=True)
    if deps.returncode != 0:
        pytest.skip(f"system packages missing, which the set-up command would install: {deps.stderr.strip()}")
    repo = fresh_copy(tmp_path / "repo")
    assert not (repo / ".venv").exists() and not (repo / "public").exists()
    env = isolated_environment()

    done = subprocess.run(["sh", "-c", first], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"`{first}` exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    index = repo / "public" / "index.html"
    assert index.is_file() and "FitNow" in index.read_text(encoding="utf-8")
    assert (repo / "public" / "pdf" / "handout.pdf").is_file()
    # vpcsite went into the copy's own environment and runs from the copy's code
    python = repo / ".venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import vpcsite; print(vpcsite.__file__)"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert Path(where.stdout.strip()).resolve().is_relative_to(repo.resolve()), where.stdout
    assert (repo / ".venv" / "bin" / "vpcsite").is_file()

    again = subprocess.run(["sh", "-c", first], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "installing" not in again.stdout + again.stderr, "a second run should install nothing"
    assert "nothing changed" in again.stdout + again.stderr

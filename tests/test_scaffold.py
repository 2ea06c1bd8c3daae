"""`vpcsite init` and `vpcsite new`: the starter site and the templates, through the CLI."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from vpcsite.build import check_site
from vpcsite.cli import main
from vpcsite.model import MAX_DOCUMENT_ID_BYTES
from vpcsite.scaffold import STARTER, title_from_id

from .conftest import ROOT, SEGMENT, write_site


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site made by `vpcsite init`."""
    folder = tmp_path / "site"
    assert run("init", str(folder)).exit_code == 0
    return folder


# --- init ----------------------------------------------------------------------------


def test_init_writes_a_site_that_builds_with_no_errors_and_no_warnings(site):
    result = run("-s", str(site), "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stderr
    assert (site / "public" / "canvases" / "family-meal-kit" / "index.html").is_file()


def test_init_writes_one_planned_experiment_so_the_board_and_the_assumptions_map_exist(site):
    """The method's next step is on the starter site: a planned experiment (which needs no
    result, so the build stays clean), the experiments board and the assumptions map."""
    result = run("-s", str(site), "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    public = site / "public"
    page = (public / "experiments" / "kid-taste-test" / "index.html").read_text(encoding="utf-8")
    assert "Kid taste test of five menus" in page and "planned" in page
    assert (public / "experiments" / "index.html").is_file()
    assert "Kid taste test of five menus" in (public / "assumptions" / "index.html").read_text(encoding="utf-8")


def test_init_writes_a_site_that_passes_a_strict_check(site):
    result = run("-s", str(site), "check", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_init_writes_the_starter_files_and_a_gitignore_for_the_output(site):
    assert sorted(files_under(site)) == [
        ".gitignore",
        "content/experiments/kid-taste-test.md",
        "content/index.md",
        "content/segments/busy-parents.md",
        "content/value-maps/family-meal-kit.md",
        "site.toml",
    ]
    assert "/public/" in (site / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_init_writes_into_the_site_root_when_no_folder_is_named(tmp_path):
    result = run("-s", str(tmp_path / "here"), "init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "here" / "site.toml").is_file()


def test_init_prints_the_next_three_commands(tmp_path):
    result = run("init", str(tmp_path / "my site"))
    steps = result.stdout.split("next:\n", 1)[1].splitlines()
    assert steps[0] == f"  cd '{tmp_path / 'my site'}'"
    assert steps[1].startswith("  vpcsite serve") and "vpcsite build" in steps[1]
    assert steps[2].startswith("  vpcsite new segment ")
    assert len(steps) == 3


def test_init_refuses_a_non_empty_folder_naming_it_and_the_flag(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run("init", str(tmp_path))
    assert result.exit_code == 2
    assert f"folder '{tmp_path}' is not empty" in result.stderr
    assert "--force" in result.stderr
    assert files_under(tmp_path) == {"notes.txt": b"mine"}


def test_init_takes_a_folder_holding_only_a_git_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    assert run("init", str(tmp_path)).exit_code == 0
    assert (tmp_path / "site.toml").is_file()


def test_init_refuses_a_file_in_place_of_the_folder(tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("init", str(tmp_path / "taken"))
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr


def test_init_force_never_overwrites_and_lists_what_it_skipped(tmp_path):
    mine = {"site.toml": 'title = "Mine"\n', "content/index.md": "---\ntitle: My home\n---\nMine.\n"}
    write_site(tmp_path, mine)
    before = files_under(tmp_path)
    result = run("init", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    after = files_under(tmp_path)
    assert {path: after[path] for path in before} == before
    assert "content/segments/busy-parents.md" in after
    skipped = result.stderr.split(":\n", 1)[1].split()
    assert skipped == ["content/index.md", "site.toml"]


def test_init_force_leaves_a_dangling_link_alone(tmp_path):
    (tmp_path / "site.toml").symlink_to(tmp_path / "elsewhere.toml")
    assert run("init", str(tmp_path), "--force").exit_code == 0
    assert not (tmp_path / "elsewhere.toml").exists()


def test_the_wheel_ships_every_starter_file(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    names = set(zipfile.ZipFile(next(tmp_path.glob("vpcsite-*.whl"))).namelist())
    shipped = {f"vpcsite/starter/{path}" for path in files_under(STARTER)}
    assert "vpcsite/starter/site/gitignore" in shipped
    assert shipped <= names


# --- new -----------------------------------------------------------------------------


def test_new_segment_round_trips_through_check(site):
    result = run("-s", str(site), "new", "segment", "solo-founders")
    assert result.exit_code == 0, result.output
    assert (site / "content" / "segments" / "solo-founders.md").is_file()
    checked = run("-s", str(site), "check")
    assert checked.exit_code == 0, checked.output
    assert "0 errors" in checked.stderr


def test_new_value_map_round_trips_through_check(site):
    run("-s", str(site), "new", "segment", "solo-founders")
    result = run("-s", str(site), "new", "value-map", "founder-kit", "--segment", "solo-founders")
    assert result.exit_code == 0, result.output
    checked = run("-s", str(site), "check", "--format", "json")
    assert checked.exit_code == 0, checked.output
    assert '"errors": 0' in checked.stdout


def test_new_value_map_targets_the_segment_it_names(site):
    run("-s", str(site), "new", "value-map", "snack-box", "--segment", "busy-parents", "--title", "Snack box")
    value_map = check_site(site).site.value_maps["snack-box"].model
    assert (value_map.segment, value_map.title) == ("busy-parents", "Snack box")


def test_title_defaults_to_the_id_in_words():
    assert title_from_id("busy-parents") == "Busy parents"
    assert title_from_id("small_shops-2") == "Small shops 2"


@pytest.mark.parametrize("title", ["yes", "2024", 'Q3: #1 "kit"', " padded ", "Ünïcode — ok", "tab\there"])
def test_a_title_yaml_would_misread_comes_back_as_typed(site, title):
    run("-s", str(site), "new", "segment", "tricky", "--title", title)
    checked = check_site(site)
    assert not [d for d in checked.diagnostics if d.severity.value == "error"]
    assert checked.site.segments["tricky"].model.title == title


def test_new_writes_under_the_content_dir_of_site_toml(tmp_path):
    write_site(tmp_path, {"site.toml": 'content_dir = "canvases"\n', "canvases/index.md": "---\ntitle: Home\n---\n"})
    assert run("-s", str(tmp_path), "new", "segment", "makers").exit_code == 0
    assert (tmp_path / "canvases" / "segments" / "makers.md").is_file()


def test_new_refuses_an_existing_file_and_leaves_it_as_it_was(site):
    path = site / "content" / "segments" / "busy-parents.md"
    before = path.read_bytes()
    result = run("-s", str(site), "new", "segment", "busy-parents")
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert path.read_bytes() == before


def test_new_refuses_an_id_another_file_already_gives_a_segment(site):
    write_site(site, {"content/segments/other-name.md": SEGMENT.replace("title: Busy professional", "title: X\nid: makers")})
    result = run("-s", str(site), "new", "segment", "makers")
    assert result.exit_code == 2
    assert "segment 'makers' already exists" in result.stderr and "other-name.md" in result.stderr


def test_new_refuses_an_invalid_id_and_suggests_one(site):
    result = run("-s", str(site), "new", "segment", "Solo Founders!")
    assert result.exit_code == 2
    assert "'Solo Founders!' is not a valid id" in result.stderr
    assert "try 'solo-founders'" in result.stderr
    assert not (site / "content" / "segments" / "Solo Founders!.md").exists()


def test_new_refuses_an_id_longer_than_a_file_name_allows(site):
    result = run("-s", str(site), "new", "segment", "a" * (MAX_DOCUMENT_ID_BYTES + 1))
    assert result.exit_code == 2
    assert f"longer than {MAX_DOCUMENT_ID_BYTES} bytes" in result.stderr


def test_new_value_map_for_an_unknown_segment_suggests_the_closest_and_lists_them(site):
    result = run("-s", str(site), "new", "value-map", "kit", "--segment", "busy-parent")
    assert result.exit_code == 2
    assert "segment 'busy-parent' does not exist" in result.stderr
    assert "did you mean 'busy-parents'? segments: busy-parents" in result.stderr
    assert not (site / "content" / "value-maps" / "kit.md").exists()


def test_new_value_map_finds_a_segment_by_the_id_its_front_matter_sets(site):
    write_site(site, {"content/people/makers.md": "---\ntype: segment\nid: makers-id\ntitle: Makers\n---\n"})
    assert run("-s", str(site), "new", "value-map", "kit", "--segment", "makers-id").exit_code == 0


def test_new_outside_a_site_says_there_is_none(tmp_path):
    result = run("-s", str(tmp_path), "new", "segment", "makers")
    assert result.exit_code == 2
    assert "no vpcsite site here (no site.toml or content/ folder)" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_with_a_broken_site_toml_names_the_key(tmp_path):
    write_site(tmp_path, {"site.toml": "titel = 'x'\n"})
    result = run("-s", str(tmp_path), "new", "segment", "makers")
    assert result.exit_code == 2
    assert "VPC402 unknown configuration key 'titel'" in result.stderr


def test_new_experiment_round_trips_through_check(site):
    result = run("-s", str(site), "new", "experiment", "pilot-box", "--value-map", "family-meal-kit")
    assert result.exit_code == 0, result.output
    checked = run("-s", str(site), "check", "--format", "json")
    assert checked.exit_code == 0, checked.output
    assert '"errors": 0' in checked.stdout
    experiment = check_site(site).site.experiments["pilot-box"].model
    assert (experiment.value_map, experiment.title, experiment.state) == ("family-meal-kit", "Pilot box", "planned")


def test_new_experiment_for_an_unknown_value_map_suggests_the_closest(site):
    result = run("-s", str(site), "new", "experiment", "pilot", "--value-map", "family-meal-kti")
    assert result.exit_code == 2
    assert "value map 'family-meal-kti' does not exist" in result.stderr
    assert "did you mean 'family-meal-kit'?" in result.stderr
    assert not (site / "content" / "experiments" / "pilot.md").exists()


def test_new_business_model_round_trips_through_check(site):
    result = run("-s", str(site), "new", "business-model", "supper-club", "--title", "SupperClub")
    assert result.exit_code == 0, result.output
    checked = run("-s", str(site), "check", "--format", "json")
    assert checked.exit_code == 0, checked.output
    assert check_site(site).site.business_models["supper-club"].model.title == "SupperClub"


def test_new_business_model_refuses_an_id_already_taken(site):
    assert run("-s", str(site), "new", "business-model", "club").exit_code == 0
    result = run("-s", str(site), "new", "business-model", "club")
    assert result.exit_code == 2
    assert "business model 'club' already exists" in result.stderr

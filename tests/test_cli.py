"""The command line through click's CliRunner: output formats, exit codes, goldens.

Regenerate the goldens after an intended change with:
    VPCSITE_UPDATE_GOLDEN=1 python -m pytest tests/test_cli.py
and review them as a diff.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from vpcsite.cli import main
from vpcsite.diagnostics import CODES

from .conftest import FIXTURES, GOLDEN, ROOT, SEGMENT, VALUE_MAP

BROKEN = FIXTURES / "broken"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("VPCSITE_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


@pytest.fixture
def in_broken(monkeypatch):
    monkeypatch.chdir(BROKEN)


def test_check_text_output_of_broken_site_matches_golden(in_broken):
    result = run("check")
    assert result.exit_code == 1
    golden("check-broken.txt", result.stdout)


def test_check_json_output_of_broken_site_matches_golden(in_broken):
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    golden("check-broken.json", result.stdout)
    found = json.loads(result.stdout)["diagnostics"]
    assert all(d["code"] in CODES for d in found)


def test_check_output_of_the_findings_site_matches_golden(monkeypatch):
    """Every finding told, none invented: masked findings, hints that know the method's
    words, YAML slips named by column, Markdown findings at their character, escapes."""
    monkeypatch.chdir(FIXTURES / "findings")
    text = run("check")
    assert text.exit_code == 1
    golden("check-findings.txt", text.stdout)
    as_json = run("check", "--format", "json")
    golden("check-findings.json", as_json.stdout)
    codes = [d["code"] for d in json.loads(as_json.stdout)["diagnostics"]]
    assert "VPC306" not in codes and {"VPC201", "VPC204", "VPC302", "VPC501", "VPC506"} <= set(codes)


def test_check_json_counts_errors_and_warnings(in_broken):
    data = json.loads(run("check", "--format", "json").stdout)
    severities = [d["severity"] for d in data["diagnostics"]]
    assert (data["errors"], data["warnings"]) == (severities.count("error"), severities.count("warning"))
    assert data["errors"] > 0 and data["warnings"] > 0


def test_findings_are_sorted_by_file_then_line(in_broken):
    found = json.loads(run("check", "--format", "json").stdout)["diagnostics"]
    keys = [(d["path"], d["line"], d["column"]) for d in found]
    assert keys == sorted(keys)
    assert len({d["path"] for d in found}) >= 6  # every broken file is reported, not just the first


def test_github_format_prints_workflow_annotations(in_broken):
    result = run("check", "--format", "github")
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=content/segments/busy-professional.md,line=8,col=17,title=VPC104::")
    assert "%0A" in first  # the hint rides on a second line of the annotation


def test_example_site_checks_with_warnings_only(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "warning VPC" in result.stdout
    assert "error" not in result.stdout


def test_strict_turns_warnings_into_exit_1(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert run("check", "--strict").exit_code == 1


def test_strict_from_site_toml(make_site, monkeypatch):
    root = make_site({"site.toml": "[check]\nstrict = true\n", "content/segments/busy-professional.md": SEGMENT})
    monkeypatch.chdir(root)
    result = run("check")
    assert "VPC306" in result.stdout
    assert result.exit_code == 1


def test_clean_site_exits_0_and_says_so(make_site, monkeypatch):
    root = make_site({"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    monkeypatch.chdir(root)
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_ignore_silences_a_code(make_site, monkeypatch):
    files = {"content/segments/busy-professional.md": SEGMENT}
    root = make_site(files)
    monkeypatch.chdir(root)
    assert "VPC306" in run("check").stdout
    (root / "site.toml").write_text('[check]\nignore = ["VPC306"]\n')
    assert "VPC306" not in run("check").stdout


def test_configuration_error_exits_2_naming_key_and_line(make_site, monkeypatch):
    root = make_site({"site.toml": 'title = "x"\n\n[fit]\ntarget = [0.9, 0.1]\n', "content/index.md": "---\ntitle: Home\n---\n"})
    monkeypatch.chdir(root)
    result = run("check")
    assert result.exit_code == 2
    assert "site.toml:4:10: error VPC403 'fit.target'" in result.stderr


def test_missing_content_folder_is_a_configuration_error(tmp_path, monkeypatch):
    (tmp_path / "site.toml").write_text('title = "x"\n')
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 2
    assert "content folder 'content' does not exist" in result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
def test_outside_a_site_says_there_is_none_and_how_to_start_one(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(command)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: no vpcsite site here (no site.toml or content/ folder)",
        "  hint: run 'vpcsite init' to start one, or name your site's folder with -s DIR",
    ]
    assert list(tmp_path.iterdir()) == []


def test_source_option_names_the_site_root_and_paths_stay_relative_to_cwd(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("--source", "tests/fixtures/broken", "check", "--format", "json")
    paths = {d["path"] for d in json.loads(result.stdout)["diagnostics"]}
    assert all(p.startswith("tests/fixtures/broken/content/") for p in paths)


def test_source_option_after_the_command_name(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check", "-s", "tests/fixtures/broken", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] > 0


def test_quiet_after_the_command_name_leaves_the_summary_out(in_broken):
    assert "errors," in run("check").stderr
    assert run("check", "-q").stderr == ""


def test_verbose_after_the_command_name_shows_the_time_of_each_stage(make_site):
    root = make_site({"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    result = run("build", "--no-pdf", "-v", "-s", str(root))
    assert result.exit_code == 0, result.output
    assert " ms" in result.stderr and "outputs:" in result.stderr


def test_quiet_before_the_command_wins_over_verbose_after_it(make_site):
    root = make_site({"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    result = run("-q", "-s", str(root), "build", "--no-pdf", "-v")
    assert result.exit_code == 0
    assert result.stderr == ""


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in _commands(main)])
def test_every_command_takes_source_quiet_and_verbose_after_its_name(path):
    command = main
    for name in path.split():
        command = command.commands[name]
    options = {opt for param in command.params for opt in param.opts}
    assert {"-s", "--source", "-q", "--quiet", "-v", "--verbose"} <= options


def test_no_colour_when_not_a_terminal_or_no_color_set(in_broken):
    assert "\033[" not in run("check").stdout
    assert "\033[" not in run("check", env={"NO_COLOR": "1"}).stdout


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    from vpcsite.diagnostics import Diagnostic, Severity, format_text

    found = [Diagnostic("VPC301", Severity.WARNING, "a.md", 1, 2, "m", "h")]
    assert "\033[" in format_text(found, colour=True)
    from vpcsite.cli import common

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    assert not common.colour(Tty())
    monkeypatch.delenv("NO_COLOR")
    assert common.colour(Tty())


def test_drafts_are_left_out_unless_asked(make_site, monkeypatch):
    draft = VALUE_MAP.replace("title: FitNow app", "title: FitNow app\ndraft: true").replace("[quick-results]", "[quick-resultz]")
    root = make_site({"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": draft})
    monkeypatch.chdir(root)
    assert run("check").exit_code == 0
    result = run("check", "--drafts")
    assert result.exit_code == 1
    assert "VPC202" in result.stdout


def test_reference_to_a_draft_segment_hints_at_drafts_flag(make_site, monkeypatch):
    segment = SEGMENT.replace("title: Busy professional", "title: Busy professional\ndraft: true")
    root = make_site({"content/segments/busy-professional.md": segment, "content/value-maps/fitnow.md": VALUE_MAP})
    monkeypatch.chdir(root)
    result = run("check")
    assert "VPC205" in result.stdout
    assert "is a draft; build with --drafts" in result.stdout


def test_internal_bug_shows_traceback_and_report_request(monkeypatch, make_site):
    root = make_site({"content/index.md": "---\ntitle: Home\n---\n"})
    monkeypatch.chdir(root)

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("vpcsite.check.load_content", boom)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "This is a bug in vpcsite" in result.stderr


def test_user_mistakes_never_show_a_traceback(in_broken):
    result = run("check")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["segment", "value-map", "experiment", "business-model", "page", "site"])
def test_schema_prints_json_schema(kind):
    result = run("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["properties"]


def test_version_and_help():
    assert "vpcsite, version" in run("--version").stdout
    assert "--strict" in run("check", "--help").stdout


def test_module_entry_point_runs():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "vpcsite", "--version"], capture_output=True, text=True, check=True)
    assert "vpcsite" in out.stdout


def test_base_url_option_is_checked_like_the_key(make_site):
    root = make_site({"content/index.md": "---\ntitle: Home\n---\n"})
    result = run("-s", str(root), "build", "--no-pdf", "--base-url", "javascript:alert(1)")
    assert result.exit_code == 2
    assert "Invalid value for '--base-url': must be an http:// or https:// address" in result.stderr
    assert not (root / "public").exists()


def test_check_gives_the_same_findings_with_one_process_or_several(in_broken, monkeypatch):
    import vpcsite.content

    monkeypatch.setattr(vpcsite.content, "PARALLEL_LOAD_THRESHOLD", 1)
    one = run("check", "--format", "json", "--jobs", "1")
    two = run("check", "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout

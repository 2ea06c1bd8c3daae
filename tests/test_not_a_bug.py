"""A user's mistake, or the machine's, is never "a bug in vpcsite" (exit 3): templates of
the site's own, themes, an unreadable site.toml or folder, a read-only site, Ctrl-C during
clean-up, files gone mid-build, YAML tags, huge numbers and NULs hidden in links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import copy_example
from vpcsite.cli import main


def run(site: Path, *args: str):
    return CliRunner().invoke(main, ["-s", str(site), *args], catch_exceptions=False)


def no_bug(result) -> None:
    assert result.exit_code != 3, result.output
    assert "Traceback" not in result.output and "bug in vpcsite" not in result.output, result.output


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


# --- templates and themes of the site's own -----------------------------------------------

TEMPLATE_MISTAKES = {
    "undefined attribute": ("{% extends 'base.html' %}\n{% block main %}\n{{ page.nope.deeper }}\n{% endblock %}\n", 3, "has no attribute 'nope'"),
    "syntax error": ("<p>\n{% if %}\n", 2, "Expected an expression"),
    "missing include": ("<p>\n\n{% include 'nowhere.html' %}\n", 3, "template 'nowhere.html' not found"),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 1, "calls itself without end"),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("mistake", sorted(TEMPLATE_MISTAKES))
def test_a_broken_template_of_the_site_names_its_file_and_line_and_exits_2(site, mistake, jobs, monkeypatch):
    import vpcsite.render.parallel

    # With two jobs the pages render in worker processes, whose errors reach the
    # parent without their traceback: the template's line is found in the worker.
    monkeypatch.setattr(vpcsite.render.parallel, "PARALLEL_THRESHOLD", 1)
    text, line, message = TEMPLATE_MISTAKES[mistake]
    (site / "templates").mkdir()
    (site / "templates" / "page.html").write_text(text)
    result = run(site, "build", "--no-pdf", "-j", jobs)
    no_bug(result)
    assert result.exit_code == 2
    assert f"templates/page.html:{line}:1: error VPC701 template error: " in result.output
    assert message in result.output
    assert not (site / "public").exists()


def test_a_theme_extending_a_missing_theme_is_a_configuration_error(site):
    (site / "themes" / "mine").mkdir(parents=True)
    (site / "themes" / "mine" / "theme.toml").write_text('extends = "vanished"\n')
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('theme = "default"', 'theme = "mine"'))
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 2
    assert "theme 'mine' extends 'vanished', which is not found" in result.output


# --- the machine's refusals ------------------------------------------------------------------


def test_an_unreadable_site_toml_is_a_configuration_error(site, monkeypatch):
    real = Path.read_bytes

    def refusing(self: Path) -> bytes:
        if self.name == "site.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refusing)
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(site, *command)
        no_bug(result)
        assert result.exit_code == 2
        assert "site.toml:1:1: error VPC401 site.toml cannot be read: Permission denied" in result.output


def test_a_site_root_that_is_not_writable_is_told_not_a_bug(site, monkeypatch):
    real = Path.mkdir

    def read_only(self: Path, *args, **kwargs) -> None:
        if self.name.startswith(".vpcsite-staging-"):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 2
    assert "cannot write beside the output folder" in result.output and "Permission denied" in result.output


def test_any_refusal_of_the_system_exits_2_with_its_file(site, monkeypatch):
    import vpcsite.build

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", str(site / "public" / "x"))

    monkeypatch.setattr(vpcsite.build, "_build", full_disk)
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 2
    assert "No space left on device" in result.output


def test_ctrl_c_landing_while_workers_clean_up_is_an_interrupt(site, monkeypatch):
    import vpcsite.build

    def interrupted_then_broken(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise BrokenPipeError(32, "Broken pipe") from None  # a pool torn down mid-message

    monkeypatch.setattr(vpcsite.build, "_build", interrupted_then_broken)
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 130
    assert result.output.strip() == "interrupted"


def test_a_linked_file_deleted_during_the_build_is_a_warning(site, monkeypatch):
    from vpcsite.render.site import SiteRenderer

    image = site / "content" / "images" / "canvas-sketch.svg"
    real = SiteRenderer.settle

    def settle_then_delete(self):
        real(self)
        image.unlink()  # gone after it was found, before it is copied

    monkeypatch.setattr(SiteRenderer, "settle", settle_then_delete)
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 0
    assert "content/about.md:10:11: warning VPC502" in result.output
    assert "canvas-sketch.svg cannot be read: No such file or directory" in result.output


def test_a_content_folder_that_cannot_be_read_is_an_error(site, monkeypatch):
    real = os.scandir
    locked = str(site / "content" / "value-maps")

    def refusing(path="."):
        if isinstance(path, str) and path == locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refusing)
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(site, *command)
        no_bug(result)
        assert result.exit_code == 1
        assert "content/value-maps/:1:1: error VPC012 folder cannot be read" in result.output
    assert not (site / "public").exists()


# --- values the parsers cannot construct -----------------------------------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize(
    "value, said",
    [
        ("!!int abc", "'abc' cannot be read: it is not a valid int"),
        ("!!timestamp x", "'x' cannot be read: it is not a valid timestamp"),
        ("!!float pi", "'pi' cannot be read: it is not a valid float"),
        ("!!bool maybe", "'maybe' cannot be read: it is not a valid bool"),
        ("!!binary '%%%'", "YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
        (HUGE, "cannot be read: a number of more than 4300 digits"),
    ],
)
def test_yaml_values_that_cannot_be_constructed_are_content_errors(site, value, said):
    segment = site / "content" / "segments" / "busy-professional.md"
    text = segment.read_text()
    segment.write_text(text.replace("title:", f"title: {value}\nx_title:", 1))
    result = run(site, "check")
    no_bug(result)
    assert result.exit_code == 1
    assert said in result.output


def test_a_huge_number_in_toml_front_matter_is_a_content_error(site):
    (site / "content" / "notes.md").write_text(f'+++\ntitle = "Notes"\nweight = {HUGE}\n+++\nText.\n')
    result = run(site, "check")
    no_bug(result)
    assert result.exit_code == 1
    assert "content/notes.md:3:10: error VPC005 TOML value cannot be read: a number of more than 4300 digits" in result.output


def test_a_huge_number_in_site_toml_is_a_configuration_error(site):
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("target = [0.5, 0.7]", f"target = [0.5, {HUGE}]"))
    result = run(site, "check")
    no_bug(result)
    assert result.exit_code == 2
    assert "site.toml:12:16: error VPC401" in result.output


def test_a_link_hiding_a_nul_is_a_missing_file(site):
    about = site / "content" / "about.md"
    about.write_text(about.read_text() + "\n![x](images/a%00b.png)\n")
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 0
    assert "warning VPC502 linked file 'images/a\\x00b.png' does not exist" in result.output


def test_a_huge_number_in_theme_toml_is_a_configuration_error(site):
    (site / "themes" / "mine").mkdir(parents=True)
    (site / "themes" / "mine" / "theme.toml").write_text(f"weight = {HUGE}\n")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('theme = "default"', 'theme = "mine"'))
    result = run(site, "build", "--no-pdf")
    no_bug(result)
    assert result.exit_code == 2
    assert "error VPC403 'theme':" in result.output and "4300 digits" in result.output


@pytest.mark.parametrize("key", ["output_dir", "content_dir", "theme"])
def test_a_folder_name_in_site_toml_holding_a_nul_is_a_configuration_error(site, key):
    toml = site / "site.toml"
    lines = [f'{key} = "a\\u0000b"' if line.startswith(f"{key} ") else line for line in toml.read_text().splitlines()]
    toml.write_text("\n".join(lines) + "\n")
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(site, *command)
        no_bug(result)
        assert result.exit_code == 2
        assert f"error VPC403 '{key}': must not contain control characters" in result.output

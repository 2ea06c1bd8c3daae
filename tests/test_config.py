"""site.toml: defaults, and configuration errors that name the key and its line."""

from __future__ import annotations

from pathlib import Path

from vpcsite.config import SiteConfig, load_config


def load(tmp_path: Path, text: str):
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_no_site_toml_gives_the_design_defaults(tmp_path):
    config, found = load_config(tmp_path)
    assert found == []
    assert config == SiteConfig()
    assert config.output_dir == "public" and config.content_dir == "content"
    assert config.fit.target == (0.5, 0.7)
    assert (config.pdf.enabled, config.pdf.page_size, config.pdf.orientation) == (True, "A4", "landscape")
    assert config.markdown.unsafe_html is False
    assert config.check.strict is False and config.check.ignore == []


def test_every_key_can_be_set(tmp_path):
    config, found = load(
        tmp_path,
        'title = "T"\nbase_url = "https://x/vpc/"\ntheme = "print"\n[fit]\ntarget = [0, 1]\n'
        '[pdf]\nenabled = false\npage_size = "Letter"\norientation = "portrait"\n'
        '[markdown]\nunsafe_html = true\n[check]\nstrict = true\nignore = ["VPC301"]\n',
    )
    assert found == []
    assert config.fit.target == (0.0, 1.0)
    assert config.pdf.page_size == "Letter" and config.check.ignore == ["VPC301"]


def test_unknown_key_names_key_line_and_suggestion(tmp_path):
    _, found = load(tmp_path, '[pdf]\nenabled = true\npage_sise = "A4"\n')
    assert [(d.code, d.line, d.column) for d in found] == [("VPC402", 3, 1)]
    assert "'pdf.page_sise'" in found[0].message
    assert found[0].hint.startswith("did you mean 'page_size'?")


def test_wrong_type_names_key_and_line(tmp_path):
    _, found = load(tmp_path, 'title = "x"\n[markdown]\nunsafe_html = "yes"\n')
    assert [(d.code, d.line, d.column) for d in found] == [("VPC403", 3, 15)]
    assert found[0].message == "'markdown.unsafe_html': expected true or false, got text"


def test_value_outside_vocabulary(tmp_path):
    _, found = load(tmp_path, '[pdf]\npage_size = "A5"\n')
    assert found[0].code == "VPC403" and found[0].line == 2
    assert "A4, A3, Letter, Legal" in found[0].hint


def test_target_out_of_range_or_reversed(tmp_path):
    _, found = load(tmp_path, "[fit]\ntarget = [0.5, 1.5]\n")
    assert found[0].code == "VPC403" and found[0].line == 2
    _, found = load(tmp_path, "[fit]\ntarget = [0.7, 0.5]\n")
    assert "low end" in found[0].message


def test_unknown_code_in_ignore(tmp_path):
    _, found = load(tmp_path, '[check]\nignore = ["VPC301", "VPC3O2"]\n')
    assert found[0].code == "VPC403" and "'VPC3O2' is not a vpcsite diagnostic code" in found[0].message


def test_toml_syntax_error_has_line(tmp_path):
    _, found = load(tmp_path, 'title = "x"\ntheme = \n')
    assert found[0].code == "VPC401" and found[0].line == 2


def test_error_codes_cannot_be_ignored(tmp_path):
    _, found = load(tmp_path, '[check]\nignore = ["VPC201"]\n')
    assert found[0].code == "VPC403" and "only warnings can be ignored" in found[0].message


import pytest  # noqa: E402


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('base_url = "javascript:alert(1)"', "'base_url': must be an http:// or https:// address"),
        ('base_url = "example.org/vpc/"', "'base_url': must be an http:// or https:// address"),
        ('base_url = "https://example.org/a b/"', "'base_url': must not contain spaces or control characters"),
        ('theme = "../../etc"', "'theme': must be the name of a theme folder"),
        ('theme = ".hidden"', "'theme': must be the name of a theme folder"),
        ('content_dir = "/etc"', "'content_dir': must be a folder inside the site"),
        ('content_dir = "../elsewhere/content"', "'content_dir': must be a folder inside the site"),
        ('content_dir = "."', "'content_dir': must be a folder inside the site"),
    ],
)
def test_values_that_would_reach_outside_the_site_or_into_links_are_refused(tmp_path, line, message):
    config, found = load(tmp_path, f'title = "T"\n{line}\n')
    assert config is None
    [d] = found
    assert (d.code, d.line) == ("VPC403", 2)
    assert d.message.startswith(message) and d.hint


def test_good_values_of_those_keys_pass(tmp_path):
    config, found = load(tmp_path, 'base_url = "http://localhost:8000/x%20y/"\ntheme = "my-theme_2"\ncontent_dir = "docs/canvases"\n')
    assert found == [] and config.content_dir == "docs/canvases"


def test_a_content_folder_linked_from_outside_the_site_is_a_configuration_error(tmp_path):
    from vpcsite.build import ConfigError, check_site

    from .conftest import SEGMENT, write_site

    elsewhere = write_site(tmp_path / "elsewhere", {"segments/busy-professional.md": SEGMENT})
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text('title = "T"\ncontent_dir = "content"\n')
    (site / "content").symlink_to(elsewhere)
    with pytest.raises(ConfigError) as refused:
        check_site(site)
    [d] = refused.value.diagnostics
    assert (d.code, d.line) == ("VPC403", 2) and d.path.endswith("site.toml")
    assert f"is a symbolic link to {elsewhere}, outside the site" in d.message

"""Template lookup order and theme manifests."""

from __future__ import annotations

import pytest

from vpcsite.theme import BUILTIN_TEMPLATES, ThemeError, find_theme, template_folders

from .conftest import ROOT


def test_site_templates_come_before_the_theme_and_the_builtins(tmp_path):
    (tmp_path / "templates").mkdir()
    theme = find_theme("print", tmp_path)
    folders = template_folders(tmp_path, theme)
    assert folders[0] == tmp_path / "templates"
    assert folders[1] == theme.templates
    assert folders[-1] == BUILTIN_TEMPLATES


def test_a_site_whose_templates_are_the_builtins_keeps_theme_templates_first():
    # The repository's example site: its templates/ folder is the built-in one.
    theme = find_theme("print", ROOT)
    folders = template_folders(ROOT, theme)
    assert folders[0] == theme.templates
    assert folders[-1] == BUILTIN_TEMPLATES


def test_site_theme_wins_over_builtin_theme_of_the_same_name(tmp_path):
    own = tmp_path / "themes" / "default"
    own.mkdir(parents=True)
    (own / "theme.toml").write_text('name = "default"\nstylesheets = ["static/mine.css"]\n')
    assert find_theme("default", tmp_path).stylesheets == ("static/mine.css",)


def test_unknown_theme_and_bad_manifest_are_theme_errors(tmp_path):
    with pytest.raises(ThemeError, match="not found"):
        find_theme("nope", tmp_path)
    bad = tmp_path / "themes" / "bad"
    bad.mkdir(parents=True)
    (bad / "theme.toml").write_text('stylesheets = ["../../etc/passwd"]\n')
    with pytest.raises(ThemeError, match="lists of paths"):
        find_theme("bad", tmp_path)

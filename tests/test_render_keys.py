"""What a page is made from: template closures and built-in templates."""

from __future__ import annotations

from pathlib import Path

from vpcsite.render.html import make_environment
from vpcsite.render.keys import template_key
from vpcsite.theme import find_theme

from .conftest import write_site


def environment(root: Path):
    return make_environment(root, find_theme("default", root))


def test_a_built_in_template_depends_on_what_it_extends_and_imports(tmp_path):
    before = template_key(environment(tmp_path), "index.html")
    assert before.builtin
    write_site(tmp_path, {"templates/macros.html": "{% macro canvas_card(c) %}{% endmacro %}"})
    after = template_key(environment(tmp_path), "index.html")
    assert after.key != before.key and not after.builtin
    # a template that does not use macros.html is not affected
    assert template_key(environment(tmp_path), "404.html") == template_key(environment(tmp_path / "none"), "404.html")


def test_a_template_chosen_at_render_time_depends_on_every_template(tmp_path):
    write_site(tmp_path, {"templates/page.html": '{% include page.kind ~ ".html" %}'})
    key = template_key(environment(tmp_path), "page.html")
    assert not key.builtin
    write_site(tmp_path, {"templates/extra.html": "x"})
    assert template_key(environment(tmp_path), "page.html").key != key.key


def test_a_template_with_a_syntax_error_still_gets_a_key(tmp_path):
    write_site(tmp_path, {"templates/page.html": "{% if %}"})
    assert not template_key(environment(tmp_path), "page.html").builtin

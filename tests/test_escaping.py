"""Markup written in Python escapes exactly as the templates' autoescaping does, so a
page reads the same byte for byte whichever writes it."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from vpcsite.render.escaping import EscapingTemplate, markup, text


@given(st.text(alphabet=st.sampled_from("&<>'\"a é\n;#x"), max_size=30))
def test_text_escapes_as_markupsafe_does(value: str) -> None:
    assert text(value) == str(escape(value))


def test_every_special_character_is_escaped() -> None:
    assert text("""<a href="x">Tom & 'Jerry'</a>""") == "&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"


@given(st.one_of(st.text(alphabet=st.sampled_from("&<>'\"a é\n;#x"), max_size=30), st.integers(), st.none()))
def test_the_templates_escape_as_markupsafe_does(value: object) -> None:
    assert markup(value) == escape(value) and type(markup(value)) is type(escape(value))


def test_markup_is_kept_as_it_is() -> None:
    safe = Markup("<b>bold</b>")
    assert markup(safe) == escape(safe) == "<b>bold</b>"
    # the same object, not a copy: a list's remembered pieces are output this way on
    # every build, megabytes of them
    assert markup(safe) is safe


def test_the_site_templates_escape_with_markup(tmp_path) -> None:
    """The built-in environment's templates call `markup`, not markupsafe's `escape`, and
    write what Jinja would."""
    from jinja2 import Environment

    from vpcsite.render.html import make_environment
    from vpcsite.theme import find_theme

    env = make_environment(tmp_path, find_theme("default", tmp_path))
    source = "{{ a }}|{{ b }}|{{ c }}{% macro m(x) %}{{ x }}{% endmacro %}|{{ m(a) }}"
    template = env.from_string(source)
    assert isinstance(template, EscapingTemplate)
    values = {"a": "<Tom & 'Jerry'>", "b": Markup("<i>ok</i>"), "c": 3}
    plain = Environment(autoescape=True).from_string(source)
    assert template.render(**values) == plain.render(**values) == "&lt;Tom &amp; &#39;Jerry&#39;&gt;|<i>ok</i>|3|&lt;Tom &amp; &#39;Jerry&#39;&gt;"
    # the compiled template's own namespace holds the faster escape
    assert template.root_render_func.__globals__["escape"] is markup

"""Markup written in Python escapes exactly as the templates' autoescaping does, so a
page reads the same byte for byte whichever writes it."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from vpcsite.render.escaping import text


@given(st.text(alphabet=st.sampled_from("&<>'\"a é\n;#x"), max_size=30))
def test_text_escapes_as_markupsafe_does(value: str) -> None:
    assert text(value) == str(escape(value))


def test_every_special_character_is_escaped() -> None:
    assert text("""<a href="x">Tom & 'Jerry'</a>""") == "&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"

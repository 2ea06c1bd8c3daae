"""The Markdown renderer: the plain-text fast path gives exactly what markdown-it gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsite.markdown import MarkdownRenderer, _parser, plain_html
from vpcsite.places import TextPlace, body_place

#: Letters, the punctuation plain text may hold, and characters that start markup.
_ALPHABET = st.sampled_from(list("aZé1 ,.;:?()'\"/%!-’“”‘–—…") + list("*_`[]<>&~#|\\\n\t") + ["  ", "1. ", "- "])


def full(text: str, inline: bool) -> str:
    md = _parser(False)
    tokens = md.parseInline(text, {}) if inline else md.parse(text, {})
    return md.renderer.render(tokens, md.options, {})


def assert_fast_path_agrees(text: str, inline: bool) -> None:
    """Where the fast path answers, it answers what markdown-it renders."""
    fast = plain_html(text, inline)
    if fast is not None:
        assert fast == full(text, inline)


@settings(max_examples=600, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=14).map("".join), inline=st.booleans())
def test_fast_path_agrees_with_markdown_it(text, inline):
    assert_fast_path_agrees(text, inline)


def test_quoted_evidence_takes_the_fast_path():
    text = '"I would pay for this if it saved me one evening a month." (P12, lawyer)'
    assert plain_html(text, True) == full(text, True)
    assert plain_html(text, True) is not None


def test_text_with_markup_or_a_trailing_space_is_parsed():
    for text in ("Depends on the *partner* shipping", "a <b>", "Tom & Jerry", "[notes](x.md)", "ends with a space "):
        assert plain_html(text, False) is None
    rendered = MarkdownRenderer().render_at("ends with a space ", "x.md", lambda: body_place(1), False)
    assert rendered.html == "<p>ends with a space</p>\n"


_TEXT = st.lists(st.sampled_from(list("aZé1 ,.;:?'/!-’…_*\"&<[]")), min_size=1, max_size=10).map("".join)
_URL = st.tuples(
    st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "javascript:", "//"]),
    st.lists(st.sampled_from(list("abcXYZ09.-:@")), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(list("/aZ09-._~?#=+,;:@!$*'%()&<>\"[] ")), max_size=12).map("".join),
).map("".join)


@settings(max_examples=600, deadline=None)
@given(text=_TEXT, url=_URL)
def test_link_fast_path_agrees_with_markdown_it(text, url):
    assert_fast_path_agrees(f"[{text}]({url})", True)


def test_an_evidence_link_takes_the_fast_path_and_keeps_the_link_policy():
    entry = "[Interview notes, March](https://research.example.com/interviews/march-2024)"
    assert plain_html(entry, True) == full(entry, True)
    # Anything but a plain web link is parsed, so the link policy sees it.
    for other in ("[notes](javascript:alert(1))", "[notes](../x.md)", "[notes](https://example.com/a%20b)", "[*notes*](https://example.com)"):
        assert plain_html(other, True) is None
    dropped = MarkdownRenderer().render_at("[notes](javascript:alert(1))", "x.md", lambda: TextPlace(3, 5), True)
    assert [d.code for d in dropped.diagnostics] == ["VPC501"]


def test_a_texts_place_is_asked_only_when_a_link_needs_pinning():
    asked: list[int] = []

    def place() -> TextPlace:
        asked.append(1)
        return TextPlace(7, 9)

    renderer = MarkdownRenderer()
    renderer.render_at("Plain words", "a.md", place, True)
    renderer.render_at("Some *emphasis* and `code`", "a.md", place, False)
    assert asked == []
    result = renderer.render_at("See [this](javascript:alert(1)) and [that](vbscript:x)", "a.md", place, True)
    assert asked == [1]  # once per text, however many links it has
    assert [(d.line, d.column) for d in result.diagnostics] == [(7, 9 + 11), (7, 9 + 43)]  # the column of each scheme
    block = renderer.render_at("Intro\n\nthen [x](javascript:y)", "a.md", lambda: body_place(7), False)
    assert [(d.line, d.column) for d in block.diagnostics] == [(9, 10)]


def test_underscores_never_take_the_fast_path():
    """Found by the link property test: `\\w` in the fast paths' patterns admits `_`, and
    markdown-it reads "a _b_" as emphasis."""
    for text, inline in (("a _b_", False), ("a _b_", True), ("[a _a_](https://x.org/a)", True), ("snake_case id", True)):
        assert plain_html(text, inline) is None
        assert_fast_path_agrees(text, inline)
    assert "<em>b</em>" in full("a _b_", True)


_LINKY = st.lists(
    st.sampled_from(
        [
            "[a]",
            "](",
            "]:",
            ")",
            "(",
            "<",
            ">",
            "javascript",
            "JavaScript",
            "data",
            "https",
            "mailto",
            ":",
            "&#58;",
            "\\",
            " ",
            "\n",
            "x",
            "/",
            "\t",
            "!",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(text=_LINKY, inline=st.booleans())
def test_the_pre_scan_never_skips_a_text_with_something_to_drop(text, inline):
    """`might_drop` spares check a parse; it may say yes too often, never no wrongly."""
    from vpcsite.markdown import might_drop

    renderer = MarkdownRenderer()
    env: dict = {}
    tokens = renderer._md.parseInline(text, env) if inline else renderer._md.parse(text, env)
    found = [d for d in renderer._police(tokens, text, "a.md", lambda: body_place(1), inline, None)[0] if d.code == "VPC501"]
    if "<" in text:
        found += renderer._raw_html(text, "a.md", lambda: body_place(1), inline)
    if found:
        assert might_drop(text, inline)
    assert renderer.findings(text, "a.md", lambda: body_place(1), inline) == found

"""The one configured Markdown renderer and its link policy.

Content is untrusted: raw HTML is escaped unless `[markdown] unsafe_html = true`, and links
and images may only use http, https, mailto or a relative URL; anything else is dropped
with a warning naming the file and line. Rendered HTML goes to templates as a value,
never as template source, so Markdown cannot reach Jinja.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .diagnostics import Diagnostic, diagnostic
from .places import TextPlace

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class Rendered:
    html: str
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Local files the text links to or shows (images, downloads) as (relative URL,
    #: line, column), so the build can copy them next to the page or report them.
    assets: tuple[tuple[str, int, int], ...] = field(default=())
    #: Every image the HTML shows, as (src, line, column): what a PDF renderer will try
    #: to fetch, so a refused fetch can be reported where it was written.
    images: tuple[tuple[str, int, int], ...] = field(default=())


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see, after the blanks and controls it ignores."""
    found = _SCHEME.match(_INVISIBLE.sub("", url))
    return found.group(1).lower() if found else None


def local_target(url: str) -> str | None:
    """The file a relative URL names (no scheme, no host, not a fragment), else None."""
    if not url or url.startswith(("#", "/", "\\")) or link_scheme(url) is not None:
        return None
    parts = urlsplit(url)
    if parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


#: Blocks whose content markdown-it parses as blocks again, one level deeper.
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open", "footnote_open"})


def too_deep(tokens: Sequence[Token], text: str, limit: int, path: str, place: Place) -> list[Diagnostic]:
    """markdown-it stops parsing, without a word, inside blocks nested `limit` deep
    (quotes in quotes, lists in lists): what lies within is lost. Said at the line where
    the nesting passed the limit, once per text."""
    for token in tokens:
        if token.nesting == 1 and token.level >= limit - 1 and token.type in _CONTAINERS:
            row = token.map[0] if token.map else 0
            offset = 0
            for _ in range(row):
                offset = text.find("\n", offset) + 1 or len(text)
            line, column = place().locate(text, offset)
            return [
                diagnostic(
                    "VPC508",
                    path,
                    line,
                    column,
                    f"Markdown nested more than {limit} levels deep (quotes or lists inside each other); the text inside is left out",
                    "nest fewer quotes or lists",
                )
            ]
    return []


@lru_cache(maxsize=4)
def _parser(unsafe_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": unsafe_html, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    # Every URL reaches our own policy below, which reports what it drops.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


#: Maps a local link target ("../segments/x.md", "../static/logo.svg") to the URL of
#: what it names in the output (another page, a static file), or None when it is a file
#: to copy next to the page.
LocalLinks = Callable[[str], str | None]

#: Where the text stands in its file, character by character (places.py); asked only
#: when a finding needs pinning, since a front matter value's place unpacks its
#: document's positions.
Place = Callable[[], TextPlace]


#: Text that Markdown renders as itself (but for quotes): one line starting with a letter
#: or an opening quote, no character that could start markup, no space at the end (a
#: paragraph drops it). Most item notes and quoted evidence entries are such text.
_PLAIN = re.compile(r"(?:[^\W\d_]|[\"“‘])[\w ,.;:?()'\"/%!\-’“”‘–—…]*(?<! )", re.UNICODE)


#: An evidence entry that is one web link with plain text: "[Interview notes](https://…)".
#: The address holds only characters markdown-it leaves as they are (a lower-case host,
#: no port, no percent sign, parenthesis or ampersand), so it needs no normalising.
_WEB_LINK = re.compile(r"\[([^\W_][\w ,.;:?'/!\-’“”‘–—…]*(?<! ))\]\((https?://[a-z0-9.-]+(?:/[A-Za-z0-9\-._~/?#=+,;:@!$*']*)?)\)")


def plain_html(text: str, inline: bool) -> str | None:
    """What markdown-it makes of plain text, or of one plain web link in a line, without
    parsing it; None for anything else."""
    if "_" in text:
        return None  # `\w` in the patterns lets it through, and "a _b_" is emphasis
    if _PLAIN.fullmatch(text):
        html = text.replace('"', "&quot;")
        return html if inline else f"<p>{html}</p>\n"
    if inline:
        link = _WEB_LINK.fullmatch(text)
        if link is not None:
            return f'<a href="{link.group(2)}">{link.group(1)}</a>'
    return None


class MarkdownRenderer:
    def __init__(self, unsafe_html: bool = False) -> None:
        self.unsafe_html = unsafe_html
        self._md = _parser(unsafe_html)
        #: Results that depend on the text alone (no link, no diagnostic): a segment's
        #: notes and evidence appear on every canvas that targets it.
        self._memo: dict[tuple[bool, str], str] = {}

    def render_at(self, text: str, path: str, place: Place, inline: bool, local: LocalLinks | None = None) -> Rendered:
        """A whole Markdown document (a body, a note), or with `inline` one line of it
        (an evidence entry: no paragraphs, same link policy). `place` gives the text's
        line and column in the file; it is asked only when a link or image needs
        pinning, since finding a front matter value's place unpacks its document's
        positions."""
        plain = plain_html(text, inline)
        if plain is not None:
            return Rendered(plain)
        key = (inline, text)
        cached = self._memo.get(key)
        if cached is not None:
            return Rendered(cached)
        env: dict[str, object] = {}
        tokens = self._md.parseInline(text, env) if inline else self._md.parse(text, env)
        found, assets, linked, images = self._police(tokens, text, path, place, inline, local)
        if not self.unsafe_html and "<" in text:
            found.extend(self._raw_html(text, path, place, inline))
        if not inline:
            found.extend(too_deep(tokens, text, self._md.options["maxNesting"], path, place))
        html = self._md.renderer.render(tokens, self._md.options, env)
        if not (found or assets or linked or images):
            self._memo[key] = html
        return Rendered(html, tuple(found), tuple(assets), tuple(images))

    def findings(self, text: str, path: str, place: Place, inline: bool) -> list[Diagnostic]:
        """What the link policy and the HTML policy drop from a text (VPC501, VPC506),
        without rendering it: what `vpcsite check` reports of every note, evidence entry
        and body. The same findings as rendering gives, so a build reports each once."""
        if not might_drop(text, inline):
            return []
        env: dict[str, object] = {}
        tokens = self._md.parseInline(text, env) if inline else self._md.parse(text, env)
        found = [d for d in self._police(tokens, text, path, place, inline, None)[0] if d.code == "VPC501"]
        if not self.unsafe_html and "<" in text:
            found.extend(self._raw_html(text, path, place, inline))
        return found

    def _raw_html(self, text: str, path: str, place: Place, inline: bool) -> list[Diagnostic]:
        """Every piece of raw HTML (but closing tags, which go with their opening one)
        that the HTML policy shows as text, at its own line and column."""
        md = _parser(True)
        env: dict[str, object] = {}
        tokens = md.parseInline(text, env) if inline else md.parse(text, env)
        lines = text.split("\n")
        where: TextPlace | None = None
        cursors: dict[int, int] = {}
        found: list[Diagnostic] = []
        for row, token in _rows(tokens, inline):
            if token.type not in ("html_block", "html_inline") or token.content.startswith("</"):
                continue
            shown = token.content.strip().split("\n", 1)[0]
            where = where or place()
            line, column = _locate(text, lines, row, shown[:20], where, cursors)
            found.append(
                diagnostic(
                    "VPC506",
                    path,
                    line,
                    column,
                    f"raw HTML {_shorten(shown)} is shown as text",
                    "write it in Markdown, or set [markdown] unsafe_html = true in site.toml if every author is trusted",
                )
            )
        return found

    def _police(
        self,
        tokens: Sequence[Token],
        text: str,
        path: str,
        place: Place,
        inline: bool,
        local: LocalLinks | None,
    ) -> tuple[list[Diagnostic], list[tuple[str, int, int]], bool, list[tuple[str, int, int]]]:
        """Apply the link policy to every link and image, pinning each to its line.
        The flag says whether any link was local (so the HTML depends on the page)."""
        found: list[Diagnostic] = []
        assets: list[tuple[str, int, int]] = []
        images: list[tuple[str, int, int]] = []
        linked = False
        lines = text.split("\n")
        where: TextPlace | None = None
        cursors: dict[int, int] = {}
        for row, token in _rows(tokens, inline):
            attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
            if attr is None:
                continue
            url = str(token.attrGet(attr) or "")
            scheme = link_scheme(url)
            target = local_target(url)
            needle = f"{scheme}:" if scheme else (target or url)
            where = where or place()
            line, column = _locate(text, lines, row, needle, where, cursors)
            if scheme is not None and scheme not in ALLOWED_SCHEMES:
                what = "link" if attr == "href" else "image"
                if token.type == "link_open":
                    token.attrs.pop("href", None)  # an <a> without href: inert text
                else:
                    # An image becomes its alt text: nothing to fetch, still valid HTML.
                    alt = "".join(child.content for child in token.children or [])
                    token.type, token.tag, token.attrs, token.children, token.content = "text", "", {}, None, alt
                found.append(
                    diagnostic(
                        "VPC501",
                        path,
                        line,
                        column,
                        f"{what} to a '{scheme}:' URL was dropped",
                        "links and images may use http, https, mailto or a relative path",
                    )
                )
                continue
            if attr == "src":
                images.append((url, line, column))
            if target is None:
                continue
            linked = True
            rewritten = local(target) if local is not None else None
            if rewritten is not None:
                fragment = urlsplit(url).fragment
                token.attrSet(attr, rewritten + (f"#{fragment}" if fragment else ""))
                if attr == "src":
                    images[-1] = (str(token.attrGet(attr) or ""), line, column)
            elif target.endswith(".md") and local is not None:
                found.append(
                    diagnostic(
                        "VPC502",
                        path,
                        line,
                        column,
                        f"link to '{target}', which is not a page of this site",
                        "check the path, relative to this file (drafts are left out without --drafts)",
                    )
                )
            else:
                assets.append((target, line, column))
        return found, assets, linked, images


#: Where a link destination starts: after '](' (links, images) or ']:' (reference
#: definitions), blanks and an opening '<' skipped; it runs to a ')', a '>' or a blank.
_DESTINATION = re.compile(r"\]\(|\]:")
_DESTINATION_START = re.compile(r"[ \t\n]*<?")


def _rows(tokens: Sequence[Token], inline: bool) -> Iterator[tuple[int, Token]]:
    """Every block and inline token but line breaks, with the row of the text it is on."""
    for block in tokens:
        row = block.map[0] if block.map and not inline else 0
        for token in [block, *(block.children or [])]:
            if token.type in ("softbreak", "hardbreak"):
                row += 1
                continue
            yield row, token


def might_drop(text: str, inline: bool) -> bool:
    """Whether the policies could drop anything from `text`, without parsing it: raw HTML
    and autolinks need a '<'; a link, image or reference whose scheme is refused needs a
    destination whose start is not plainly allowed. A destination with an entity or a
    backslash, which markdown-it decodes, counts as refused, so nothing is missed."""
    if "<" in text:
        return True
    for opener in _DESTINATION.finditer(text):
        start = _DESTINATION_START.match(text, opener.end()).end()  # type: ignore[union-attr]
        head = text[start : start + 80]
        cut = len(head)
        for stop in ")> \n":
            found = head.find(stop)
            if found >= 0:
                cut = min(cut, found)
        head = head[:cut]
        if "&" in head or "\\" in head:
            return True
        scheme = link_scheme(head)
        if scheme is not None and scheme not in ALLOWED_SCHEMES:
            return True
    return False


def _shorten(shown: str) -> str:
    return repr(shown if len(shown) <= 40 else shown[:39] + "…")


#: What opens a URL: a link or image, an autolink, a reference definition.
_OPENERS = ("](", "<", "]: ")


def _locate(text: str, lines: list[str], row: int, needle: str, where: TextPlace, cursors: dict[int, int]) -> tuple[int, int]:
    """Line and column in the file of the next `needle` on source row `row` of the text
    (each finding on a row starts looking after the one before, so two links with the
    same scheme on one line get their own columns). A needle right after what opens a
    URL is preferred to the same words in a link's text."""
    source = (lines[row] if row < len(lines) else "").lower()
    needle = needle.lower()
    start = cursors.get(row, 0)
    opened = [found + len(opener) for opener in _OPENERS if needle and (found := source.find(opener + needle, start)) >= 0]
    index = min(opened) if opened else source.find(needle, start) if needle else -1
    if index < 0:
        index = max(source.find(needle), 0) if needle else 0
    cursors[row] = index + max(len(needle), 1)
    offset = sum(len(line) + 1 for line in lines[: min(row, len(lines))]) + index
    return where.locate(text, offset)

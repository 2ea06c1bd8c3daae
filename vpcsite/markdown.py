"""The one configured Markdown renderer and its link policy.

Content is untrusted: raw HTML is escaped unless `[markdown] unsafe_html = true`, and links
and images may only use http, https, mailto or a relative URL; anything else is dropped
with a warning naming the file and line. Rendered HTML goes to templates as a value,
never as template source, so Markdown cannot reach Jinja.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .diagnostics import Diagnostic, diagnostic

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


@lru_cache(maxsize=4)
def _parser(unsafe_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": unsafe_html, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    # Every URL reaches our own policy below, which reports what it drops.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


#: Maps a link to another content page ("../segments/x.md#jobs") to the URL of that
#: page's output, or None when no such page exists.
PageLinks = Callable[[str], str | None]


class MarkdownRenderer:
    def __init__(self, unsafe_html: bool = False) -> None:
        self.unsafe_html = unsafe_html
        self._md = _parser(unsafe_html)

    def render(self, text: str, path: str, first_line: int, pages: PageLinks | None = None) -> Rendered:
        """A whole Markdown document (a body, a note); `first_line` is its line in the file."""
        env: dict[str, object] = {}
        tokens = self._md.parse(text, env)
        found, assets = self._police(tokens, path, first_line, None, pages)
        html = self._md.renderer.render(tokens, self._md.options, env)
        return Rendered(html, tuple(found), tuple(assets))

    def render_inline(self, text: str, path: str, line: int, column: int, pages: PageLinks | None = None) -> Rendered:
        """One line of Markdown (an evidence entry): no paragraphs, same link policy."""
        env: dict[str, object] = {}
        tokens = self._md.parseInline(text, env)
        found, assets = self._police(tokens, path, line, column, pages)
        html = self._md.renderer.render(tokens, self._md.options, env)
        return Rendered(html, tuple(found), tuple(assets))

    def _police(
        self, tokens: Sequence[Token], path: str, first_line: int, column: int | None, pages: PageLinks | None
    ) -> tuple[list[Diagnostic], list[tuple[str, int, int]]]:
        found: list[Diagnostic] = []
        assets: list[tuple[str, int, int]] = []
        for block in tokens:
            line = first_line + (block.map[0] if block.map and column is None else 0)
            for token in [block, *(block.children or [])]:
                attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
                if attr is None:
                    continue
                url = str(token.attrGet(attr) or "")
                scheme = link_scheme(url)
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    token.attrSet(attr, "")
                    if token.type == "link_open":
                        token.attrs.pop("href", None)
                    what = "link" if attr == "href" else "image"
                    found.append(
                        diagnostic(
                            "VPC501",
                            path,
                            line,
                            column or 1,
                            f"{what} to a '{scheme}:' URL was dropped",
                            "links and images may use http, https, mailto or a relative path",
                        )
                    )
                    continue
                target = local_target(url)
                if target is None:
                    continue
                if target.endswith(".md") and attr == "href" and pages is not None:
                    page = pages(target)
                    if page is not None:
                        fragment = urlsplit(url).fragment
                        token.attrSet("href", page + (f"#{fragment}" if fragment else ""))
                        continue
                    found.append(
                        diagnostic("VPC502", path, line, column or 1, f"link to '{target}', which is not a page of this site", "check the path, relative to this file")
                    )
                    continue
                assets.append((target, line, column or 1))
        return found, assets

"""The lists of every item in full under a canvas drawing and on a segment's page: each
item's rank, text, latest experiment result, weight, kind, status, links, evidence and
note.

Written in Python rather than as a template macro, as svg.py draws the canvas: a
canvas lists some fifty items with a dozen values each, and a thousand-canvas site
spent a fifth of its page time in the macro's calls and escapes (the HTML build must
stay within twice the floor, see docs/performance.md). The built-in `item_list` macro
calls `entry_list`, so a theme's own templates still call the macro; a theme that wants
other markup overrides the macro. Every value is escaped, as autoescaping would.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .escaping import text
from .views import SECTION_TITLES, ItemView, Link

#: The result mark's symbol ("?" for inconclusive), as method-marks.html writes it.
_RESULT_SYMBOLS = {"supported": "✓", "refuted": "✗"}


def result_mark(item: ItemView) -> Markup:
    """The mark of a tested item's latest experiment result, with the experiment's title
    as its tooltip (method-marks.html's `result_mark` macro calls this)."""
    result = text(item.result or "")
    return Markup(
        f'<span class="result-mark result-mark--{result}" title="{text(item.result_title)}: {result}">'
        f'<span aria-hidden="true">{_RESULT_SYMBOLS.get(item.result or "", "?")}</span>'
        f'<span class="visually-hidden">latest experiment {result}</span></span>'
    )


def weight(item: ItemView) -> Markup:
    """The item's rank and its word, marked when derived: the markup of macros.html's
    `weight` macro, which stays in the template so a site's own macros.html can spell it
    from the item's parts."""
    derived = item.rank_origin == "derived"
    if item.rank_origin:
        shown = f'{escape(item.weight)}<span class="item__word"> · {escape(item.weight_word)}</span>'
        if derived:
            shown += '<span class="item__origin"> derived</span>'
    else:
        shown = str(escape(item.weight_text))
    extra = " item__weight--derived" if derived else ""
    return Markup(f'<span class="item__weight{extra}"><span class="visually-hidden">{escape(item.scale)} </span>{shown}</span>')


def _links(verb: str, links: Sequence[Link]) -> str:
    joined = ", ".join(f'<a href="#{text(link.dom_id)}-entry"><span class="ref">{text(link.ref)}</span> {text(link.text)}</a>' for link in links)
    return f'<p class="entry__links"><span class="item__verb">{text(verb)}</span> {joined}</p>\n'


def _entry(item: ItemView) -> str:
    side = item.side
    dom = text(item.dom_id)
    unlinked = "" if item.linked else " is-unlinked"
    mark = " " + result_mark(item) if item.result else ""
    kind = f'<span class="item__kind">{text(item.kind)}</span> ' if item.kind else ""
    flag = f' <span class="flag">{text(item.flag)}</span>' if item.flag else ""
    status = text(item.status)
    parts = [
        f'<li class="entry entry--{side}{unlinked}" id="{dom}-entry">\n'
        f'<p class="entry__title"><a class="ref ref--{side}" href="#{dom}">{text(item.ref)}</a> {text(item.text)}{mark}</p>\n'
        f'<p class="entry__meta">{f"{weight(item)} " if item.weight else ""}{kind}<span class="badge badge--{status}">{status}</span>{flag}</p>\n'
    ]
    if item.links:
        parts.append(_links(item.links_label, item.links))
    if item.by:
        parts.append(_links("delivered by", item.by))
    if item.evidence:
        parts.append('<ul class="evidence">\n')
        parts += [f"<li>{escape(evidence)}</li>\n" for evidence in item.evidence]
        parts.append("</ul>\n")
    if item.note:
        parts.append(f'<div class="note">{escape(item.note)}</div>\n')
    parts.append("</li>\n")
    return "".join(parts)


def entry_list(name: str, items: Sequence[ItemView]) -> Markup:
    """One block's items in full: "Pains 4", then each pain as a list entry."""
    head = (
        f'<section class="vpc-list vpc-list--{text(name)}" id="vpc-list-{text(name)}">\n'
        f'<h3 class="vpc-list__title">{text(SECTION_TITLES[name])} <span class="vpc-list__count">{len(items)}</span></h3>\n'
    )
    if not items:
        return Markup(head + '<p class="vpc-list__empty">None listed.</p>\n</section>')
    return Markup(head + '<ol class="entries">\n' + "".join(_entry(item) for item in items) + "</ol>\n</section>")

"""Escaping for markup written in Python (svg.py, entries.py): the same characters and
entities as Jinja's autoescaping (markupsafe), so a page reads byte for byte as a
template would write it, but as a plain string: markupsafe's `escape` makes a Markup
object of every value, and a canvas page escapes some two thousand of them."""

from __future__ import annotations


def text(value: str) -> str:
    """`value` with &, <, >, ' and " escaped, as markupsafe escapes them."""
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")

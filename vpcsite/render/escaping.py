"""Escaping, as fast as it can be had: the same characters and entities as Jinja's
autoescaping (markupsafe) everywhere, so a page reads byte for byte the same whichever
writes it.

- `text`, for markup written in Python (svg.py, entries.py): a plain string. markupsafe's
  `escape` makes a Markup object of every value, and a canvas page escapes some two
  thousand of them.
- `EscapingTemplate`, the templates' own: a Markup made straight from the escaped
  string. markupsafe's `escape` spends two Python calls on it (itself and
  `Markup.__new__`), some 0.2 µs a value, a tenth of a canvas page's time.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from jinja2 import Template
from markupsafe import Markup, escape


def _replaced(value: str) -> str:
    """`value` with &, <, >, ' and " escaped, as markupsafe escapes them."""
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


try:  # markupsafe 3's escaper in C, for plain strings (tested against `escape`)
    from markupsafe import _escape_inner as text
except ImportError:  # pragma: no cover - markupsafe 2
    text = _replaced

_new = str.__new__


def markup(value: Any) -> Markup:
    """markupsafe's `escape`, without its two Python calls for a plain string, nor its copy of a Markup."""
    kind = type(value)
    if kind is str:
        return _new(Markup, text(value))
    if kind is Markup:
        # As it is: `escape` would copy it (`Markup(value.__html__())`), and a remembered
        # piece is output this way on every build that lists it (render/fragments.py).
        return value
    return escape(value)


class EscapingTemplate(Template):
    """A template whose autoescaping calls `markup`. Jinja's compiled code imports
    `escape` into the template's namespace, where it is replaced before any of the
    template's functions runs."""

    @classmethod
    def _from_namespace(cls, environment: Any, namespace: MutableMapping[str, Any], globals: Any) -> Any:
        if namespace.get("escape") is escape:
            namespace["escape"] = markup
        return super()._from_namespace(environment, namespace, globals)


__all__ = ["EscapingTemplate", "markup", "text"]

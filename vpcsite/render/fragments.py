"""Pieces of a page remembered between builds of one process: `{% remember "name", card %}
… {% endremember %}` renders its body once for each card key, page and site, and gives
the same markup again while they stay the same. The index and the fit summary list
every canvas; while serving, a saved title changes one card, not a thousand.

A remembered piece depends on its template's source (the environment, and so the
remembered pieces, are made again when a template changes: render/write.py), its call
site, the page and site it is rendered for, and the key of the object it shows: for a
canvas's card the hash of what lists show of it (cards.card_values), for the fit chart
the hash of its rows. A card without a key (a site's own template may show anything of
it) is rendered every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

#: Past this many pieces an environment starts again (a long session of many edits).
LIMIT = 100_000


class RememberExtension(Extension):
    tags = {"remember", "remember_each"}  # noqa: RUF012 - the base class declares a set

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        # `asked_pieces`: the keys of the pieces asked for since a build began, when the
        # build keeps them for the next one's process (memostore.py; render/write.py sets
        # it, None otherwise: the dev server keeps its pieces in memory). `spill_pieces`,
        # while set, takes each new piece instead (memostore.PartWriter.add): a process
        # that builds no more writes them out and keeps none.
        environment.extend(remembered_pieces={}, asked_pieces=None, spill_pieces=None)
        self._last: tuple[Any, Any, str] | None = None
        self._aside: Iterator[str] = iter(())

    def parse(self, parser: Parser) -> nodes.Node | list[nodes.Node]:
        token = next(parser.stream)
        if token.value == "remember_each":
            return self._parse_each(parser, token.lineno)
        name = parser.parse_expression()
        parser.stream.expect("comma")
        card = parser.parse_expression()
        body = parser.parse_statements(("name:endremember",), drop_needle=True)
        site = (parser.name or "", token.lineno)
        args = [nodes.Const(site), name, card, nodes.Name("page", "load"), nodes.Name("site", "load")]
        return nodes.CallBlock(self.call_method("_piece", args), [], [], body).set_lineno(token.lineno)

    def _parse_each(self, parser: Parser, lineno: int) -> list[nodes.Node]:
        """`{% remember_each NAME, ITEMS as ITEM[, NUMBER] [by EXTRA] %}…{% endremember_each %}`:
        the body once for each item, as a loop would render it, each remembered by the
        item's key (and its number, when the body uses it; and `EXTRA[item.id]`, when a
        mapping is given, for what else an item's piece shows). The loop runs in Python:
        a Jinja loop costs some ten microseconds an item, and the index and the fit
        summary of 5,000 canvases loop over 20,000 items on every rebuild."""
        name = parser.parse_expression()
        parser.stream.expect("comma")
        items = parser.parse_expression()
        parser.stream.expect("name:as")
        params = [nodes.Name(parser.parse_assign_target(name_only=True).name, "param")]
        if parser.stream.skip_if("comma"):
            params.append(nodes.Name(parser.parse_assign_target(name_only=True).name, "param"))
        extra: nodes.Expr = parser.parse_expression() if parser.stream.skip_if("name:by") else nodes.Const(None)
        body = parser.parse_statements(("name:endremember_each",), drop_needle=True)
        site = (parser.name or "", lineno)
        args = [nodes.Const(site), name, items, extra, nodes.Const(len(params)), nodes.Name("page", "load"), nodes.Name("site", "load")]
        # The pieces are output one by one, not joined: the fit summary's rows at 1,000
        # canvases are 7 MB, and a copy of them all was its process's peak. The call
        # leaves them aside (it outputs nothing), the loop after it takes them.
        gather = nodes.CallBlock(self.call_method("_each", args), params, [], body).set_lineno(lineno)
        piece = "_vpc_piece"
        output = nodes.Output([nodes.Name(piece, "load")]).set_lineno(lineno)
        loop = nodes.For(nodes.Name(piece, "store"), self.call_method("_take"), [output], [], None, False).set_lineno(lineno)
        return [gather, loop]

    def _each(self, at: tuple[str, int], name: Any, items: Any, extra: Any, params: int, page: Any, site: Any, caller: Callable[..., str]) -> str:
        self._aside = self._pieces(at, name, items, extra, params, self._where(page, site), caller)
        return ""

    def _pieces(self, at: tuple[str, int], name: Any, items: Any, extra: Any, params: int, where: str, caller: Callable[..., str]) -> Iterator[str]:
        """Each item's piece, made as the loop takes it: a process that keeps no piece
        (`spill_pieces`) never holds a list's pieces all at once."""
        for number, item in enumerate(items):
            args = (item, number) if params == 2 else (item,)
            key = getattr(item, "key", None)
            if not isinstance(key, str) or not key:
                yield caller(*args)
                continue
            yield self._remembered((at, name, key, where, number if params == 2 else None, None if extra is None else extra[item.id]), caller, *args)

    def _take(self) -> Iterator[str]:
        """The pieces `_each` just set aside, for the loop that outputs them (the two run
        one right after the other; a nested list's pair runs inside its item's piece,
        after the outer loop took its own)."""
        out, self._aside = self._aside, iter(())
        return out

    def _remembered(self, wanted: tuple, body: Callable[..., str], *args: Any) -> Markup:
        """The piece `wanted` names, rendered by `body(*args)` the first time it is asked for."""
        pieces: dict = self.environment.remembered_pieces  # type: ignore[attr-defined]
        asked: set | None = self.environment.asked_pieces  # type: ignore[attr-defined]
        if asked is not None:
            asked.add(wanted)
        found = pieces.get(wanted)
        if found is None:
            found = Markup(body(*args))
            spill = self.environment.spill_pieces  # type: ignore[attr-defined]
            if spill is None or not spill(wanted, found):
                if len(pieces) > LIMIT:
                    pieces.clear()
                pieces[wanted] = found
        return found

    def _where(self, page: Any, site: Any) -> str:
        """The page and site a piece is rendered for, as one string, made once per page:
        the index asks for five thousand pieces on a large site, and hashing the page's
        and the site's dataclasses anew for each (the navigation and all) cost more than
        the lookup."""
        last = self._last
        if last is None or last[0] is not page or last[1] is not site:
            last = self._last = (page, site, f"{page!r}\n{site!r}")
        return last[2]

    def _piece(self, at: tuple[str, int], name: str, card: Any, page: Any, site: Any, caller: Callable[[], str]) -> str:
        key = getattr(card, "key", None)
        if not isinstance(key, str) or not key:
            return caller()
        return self._remembered((at, name, key, self._where(page, site)), caller)


def warm(environment: Any) -> bool:
    """Whether this environment has rendered remembered pieces already (so pages made
    of them are quick to render again in this process)."""
    return bool(getattr(environment, "remembered_pieces", None))


def used_pieces(environment: Any) -> dict:
    """The pieces asked for by the build under way, to keep for the next."""
    pieces: dict = environment.remembered_pieces
    return {wanted: pieces[wanted] for wanted in environment.asked_pieces or () if wanted in pieces}

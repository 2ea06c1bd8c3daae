"""data/site.json: the validated model and every score, for tools and dashboards.

The `version` field changes only when a field is renamed or removed (additions keep it);
docs/site-json.md describes the format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..fit import Fit, Score, gaps
from ..memo import remembered, source
from ..ranks import OFFER_SECTIONS, offer_ranks

if TYPE_CHECKING:
    from ..check import CheckResult
    from ..config import SiteConfig
    from ..history import SiteHistory

SITE_JSON_VERSION = 1


def _score(score: Score) -> dict[str, Any]:
    return {"addressed": score.addressed, "total": score.total, "value": score.value}


def fit_data(result: Fit) -> dict[str, Any]:
    return {
        "jobs": _score(result.jobs),
        "pains": _score(result.pains),
        "gains": _score(result.gains),
        "overall": _score(result.overall),
        "verified": _score(result.verified),
        "band": result.band,
    }


#: One entry of a list in site.json: the key it is remembered by (what it is made of)
#: and how to make it.
Piece = tuple[tuple[str, ...], Callable[[], dict[str, Any]]]


class Pieces(list):
    """A list of site.json whose entries are made when asked for (`site_data` makes
    them all; `site_json` only those it does not remember the JSON of)."""


def site_data(config: SiteConfig, checked: CheckResult, history: SiteHistory | None = None) -> dict[str, Any]:
    """data/site.json as plain data."""
    return {
        name: [make() for _, make in value] if isinstance(value, Pieces) else value for name, value in _site_pieces(config, checked, history).items()
    }


def site_json(config: SiteConfig, checked: CheckResult, history: SiteHistory | None = None) -> bytes:
    """data/site.json as orjson writes `site_data` indented by two."""
    return b"".join(site_json_parts(config, checked, history))


def site_json_parts(config: SiteConfig, checked: CheckResult, history: SiteHistory | None = None) -> Iterator[bytes]:
    """data/site.json in parts, made from the JSON of each entry as they are taken: a
    process that builds again (the dev server) encodes only the entries of files that
    changed, not the 17 MB of a thousand canvases, and the parts are written as they come
    (85 MB at 5,000), never joined."""
    import orjson

    def dumped(value: Any) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)

    yield b"{\n"
    for number, (name, value) in enumerate(_site_pieces(config, checked, history).items()):
        yield b"  " if number == 0 else b",\n  "
        yield dumped(name) + b": "
        if not isinstance(value, Pieces):
            yield dumped(value).replace(b"\n", b"\n  ")
        elif not value:
            yield b"[]"
        else:
            # Inside the top level's list, each entry's lines sit two levels deeper.
            separator = b"[\n    "
            for key, make in value:
                yield separator
                yield remembered(("json-bytes", *key), _nested(dumped, make))
                separator = b",\n    "
            yield b"\n  ]"
    yield b"\n}\n"


def _nested(dumped: Callable[[Any], bytes], make: Callable[[], dict[str, Any]]) -> Callable[[], bytes]:
    """An entry of a top-level list as JSON: its lines sit two levels deeper."""
    return lambda: dumped(make()).replace(b"\n", b"\n    ")


def _site_pieces(config: SiteConfig, checked: CheckResult, history: SiteHistory | None = None) -> dict[str, Any]:
    site = checked.site
    folder = config.content_dir.rstrip("/")

    # The entries are made once each, when their JSON is not remembered (`site_json_parts`
    # remembers the bytes by every source they are made of): remembering the dicts too
    # kept a second copy of site.json, as Python objects, for nothing.
    def entry(document: Any) -> dict[str, Any]:
        # The path is relative to the site root, whatever folder the build started from.
        return {"path": f"{folder}/{document.relative}", **document.model.model_dump(mode="json")}

    def open_items(document: Any, segment: Any) -> dict[str, Any]:
        open_ = gaps(segment.model, document.model)
        return {
            "unaddressed": {"pains": list(open_.pains), "gains": list(open_.gains)},
            "orphans": [{"section": section, "id": item_id} for section, item_id in open_.orphans],
        }

    def ranked_items(document: Any, segment: Any, dumped: dict[str, Any]) -> dict[str, Any]:
        """The value map's items with their ranks filled in: `importance` as shown,
        `importance_origin` "written" or "derived"."""
        ranks = offer_ranks(segment.model, document.model)
        return {
            section: [
                {**item, "importance": ranks[section, item["id"]].value, "importance_origin": ranks[section, item["id"]].origin}
                for item in dumped[section]
            ]
            for section in OFFER_SECTIONS
        }

    def value_map(map_id: str, document: Any) -> dict[str, Any]:
        result = checked.fits.get(map_id)
        dumped = entry(document)
        value_map = {**dumped, "fit": fit_data(result) if result else None}
        segment = site.segments.get(document.model.segment)
        if segment is not None:
            value_map.update(ranked_items(document, segment, dumped))
            value_map.update(open_items(document, segment))
        if history is not None and map_id in history.canvases:
            # Only in a git repository with history on: the key is absent otherwise.
            value_map["history"] = history.canvases[map_id].as_data()
        return value_map

    def value_map_piece(map_id: str, document: Any) -> Piece:
        """A value map's entry with the sources it is made of (its segment, the target
        band, its fit history), for `site_json`."""
        segment = site.segments.get(document.model.segment)
        shown = history.key(map_id) if history is not None and map_id in history.canvases else "-"
        key = ("vm", *source(document), *(source(segment) if segment is not None else ("-", "-")), repr(config.fit.target), shown, folder)
        return key, lambda: value_map(map_id, document)

    def entry_piece(document: Any) -> Piece:
        return ("entry", *source(document), folder), lambda: entry(document)

    return {
        "version": SITE_JSON_VERSION,
        "title": config.title,
        "base_url": config.base_url,
        "fit_target": list(config.fit.target),
        "segments": Pieces([entry_piece(document) for _, document in sorted(site.segments.items())]),
        "value_maps": Pieces([value_map_piece(map_id, document) for map_id, document in sorted(site.value_maps.items())]),
        "pages": Pieces([entry_piece(document) for document in sorted(site.pages, key=lambda d: d.path)]),
        "experiments": Pieces([entry_piece(document) for _, document in sorted(site.experiments.items())]),
        # The statuses concluded experiments set (segments and value maps above show them).
        "evidence": [
            {"type": kind, "document": document_id, "item": item_id, "status": verdict.status, "experiment": verdict.experiment}
            for (kind, document_id, item_id), verdict in sorted(checked.verdicts.items())
        ],
        "business_models": [
            {
                **entry(document),
                "fits": {
                    map_id: checked.fits[map_id].overall.value if map_id in checked.fits else None for map_id in document.model.value_propositions
                },
            }
            for _, document in sorted(site.business_models.items())
        ],
    }

"""data/site.json: the validated model and every score, for tools and dashboards.

The `version` field changes only when a field is renamed or removed (additions keep it);
docs/site-json.md describes the format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fit import Fit, Score, gaps

if TYPE_CHECKING:
    from ..build import CheckResult
    from ..config import SiteConfig

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


def site_data(config: "SiteConfig", checked: "CheckResult") -> dict[str, Any]:
    site = checked.site

    def source(document: Any) -> str:
        # Relative to the site root, whatever folder the build was started from.
        return f"{config.content_dir.rstrip('/')}/{document.relative}"

    value_maps = []
    for map_id, document in sorted(site.value_maps.items()):
        entry = {"path": source(document), **document.model.model_dump(mode="json")}
        result = checked.fits.get(map_id)
        entry["fit"] = fit_data(result) if result else None
        segment = site.segments.get(document.model.segment)
        if segment is not None:
            open_ = gaps(segment.model, document.model)
            entry["unaddressed"] = {"pains": list(open_.pains), "gains": list(open_.gains)}
            entry["orphans"] = [{"section": section, "id": item_id} for section, item_id in open_.orphans]
        value_maps.append(entry)
    return {
        "version": SITE_JSON_VERSION,
        "title": config.title,
        "base_url": config.base_url,
        "fit_target": list(config.fit.target),
        "segments": [
            {"path": source(document), **document.model.model_dump(mode="json")} for _, document in sorted(site.segments.items())
        ],
        "value_maps": value_maps,
        "pages": [
            {"path": source(document), **document.model.model_dump(mode="json")}
            for document in sorted(site.pages, key=lambda d: d.path)
        ],
    }

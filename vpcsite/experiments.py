"""Site-wide checks of experiments and business models (DESIGN §4): what they name
resolves, with did-you-mean; done experiments carry a result. Diagnostics only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, diagnostic
from .hints import did_you_mean
from .memo import remembered, source
from .model import Document, Site, items_of


def tested_items(site: Site, experiment: Document) -> dict[str, tuple[Document, str, int]]:
    """Every id an experiment may test, with the document, section and index of its item:
    the items of its value map and of that map's segment, or of its segment alone.
    An id found in both places is left out (VPC209 reports it)."""
    kind, target_id = experiment.model.target
    places: list[Document] = []
    if kind == "value-map":
        value_map = site.value_maps.get(target_id)
        if value_map is not None:
            places.append(value_map)
            segment = site.segments.get(value_map.model.segment)
            if segment is not None:
                places.append(segment)
    elif target_id in site.segments:
        places.append(site.segments[target_id])
    return remembered(("tested", *(part for document in places for part in source(document))), lambda: _item_places(places))


def _item_places(places: list[Document]) -> dict[str, tuple[Document, str, int]]:
    """Ids of the items of these documents with their places, ids found twice left out."""
    found: dict[str, tuple[Document, str, int]] = {}
    twice: set[str] = set()
    for document in places:
        for section, index, item in items_of(document.model):
            if item.id in found and found[item.id][0] is not document:
                twice.add(item.id)
            found.setdefault(item.id, (document, section, index))
    return {item_id: place for item_id, place in found.items() if item_id not in twice}


def tested(site: Site, experiment: Document) -> dict[str, tuple[Document, str, int]]:
    """The items an experiment tests that resolve, by id, in the order of `tests`."""
    items = tested_items(site, experiment)
    return {item_id: items[item_id] for item_id in experiment.model.tests if item_id in items}


def _ambiguous(site: Site, experiment: Document) -> set[str]:
    kind, target_id = experiment.model.target
    value_map = site.value_maps.get(target_id) if kind == "value-map" else None
    segment = site.segments.get(value_map.model.segment) if value_map is not None else None
    if value_map is None or segment is None:
        return set()
    return {item.id for _, _, item in items_of(value_map.model)} & {item.id for _, _, item in items_of(segment.model)}


def check_experiments(site: Site, drafts_left_out: Iterable[str] = (), failed: Iterable[tuple[str, str]] = ()) -> list[Diagnostic]:
    """Each experiment's value map or segment exists, every id in `tests` names one item
    of it, and a done experiment has a result."""
    left_out = set(drafts_left_out)
    broken = set(failed)
    found: list[Diagnostic] = []
    for experiment in site.experiments.values():
        model = experiment.model
        kind, target_id = model.target
        key = "value_map" if kind == "value-map" else "segment"
        known = site.value_maps if kind == "value-map" else site.segments
        if model.state == "done" and model.result is None:
            found.append(
                diagnostic(
                    "VPC309",
                    experiment.path,
                    *experiment.position(("state",)),
                    f"experiment '{model.id}' is done but has no result",
                    "add its learning card: 'result: supported' (or refuted, inconclusive)",
                )
            )
        if target_id not in known:
            if (kind, target_id) in broken:
                continue  # its file has errors of its own
            noun = "value map" if kind == "value-map" else "segment"
            found.append(
                diagnostic(
                    "VPC207",
                    experiment.path,
                    *experiment.position((key,)),
                    f"experiment '{model.id}' names {noun} '{target_id}', which does not exist",
                    _unknown_hint(noun, target_id, known, left_out),
                )
            )
            continue
        if kind == "value-map" and known[target_id].model.segment not in site.segments:
            continue  # the value map's own finding (VPC205) explains it
        items = tested_items(site, experiment)
        for index, item_id in enumerate(model.tests):
            if item_id in items:
                continue
            where = experiment.position(("tests", index))
            if item_id in _ambiguous(site, experiment):
                found.append(
                    diagnostic(
                        "VPC209",
                        experiment.path,
                        *where,
                        f"experiment '{model.id}' tests '{item_id}', an id of both value map '{target_id}' and its segment",
                        "give one of the two items a different 'id:' so the test names one",
                    )
                )
                continue
            guess = did_you_mean(item_id, items)
            if guess is not None:
                document, section, at = items[guess]
                hint = f"did you mean '{guess}'? ({document.path}:{document.position((section, at))[0]})"
            else:
                hint = "items it may test: " + (", ".join(sorted(items)) or "none yet")
            noun = "value map" if kind == "value-map" else "segment"
            found.append(
                diagnostic(
                    "VPC208",
                    experiment.path,
                    *where,
                    f"experiment '{model.id}' tests '{item_id}', which is not an item of {noun} '{target_id}'"
                    + (" or its segment" if kind == "value-map" else ""),
                    hint,
                )
            )
    return found


def check_business_models(site: Site, drafts_left_out: Iterable[str] = (), failed: Iterable[tuple[str, str]] = ()) -> list[Diagnostic]:
    """A business model's segments and value propositions exist; each value proposition
    targets one of its segments (a warning: the blocks disagree)."""
    left_out = set(drafts_left_out)
    broken = set(failed)
    found: list[Diagnostic] = []
    for document in site.business_models.values():
        model = document.model
        for key, kind, known in (("segments", "segment", site.segments), ("value_propositions", "value-map", site.value_maps)):
            noun = "segment" if kind == "segment" else "value map"
            for index, ref in enumerate(getattr(model, key)):
                if ref in known or (kind, ref) in broken:
                    continue
                found.append(
                    diagnostic(
                        "VPC210",
                        document.path,
                        *document.position((key, index)),
                        f"business model '{model.id}' names {noun} '{ref}', which does not exist",
                        _unknown_hint(noun, ref, known, left_out),
                    )
                )
        for index, ref in enumerate(model.value_propositions):
            value_map = site.value_maps.get(ref)
            if value_map is None or value_map.model.segment in model.segments:
                continue
            found.append(
                diagnostic(
                    "VPC310",
                    document.path,
                    *document.position(("value_propositions", index)),
                    f"value proposition '{ref}' targets segment '{value_map.model.segment}', which is not among the segments of business model '{model.id}'",
                    f"add '{value_map.model.segment}' to 'segments:', or list a value map that targets one of them",
                )
            )
    return found


def _unknown_hint(noun: str, ref: str, known: dict[str, Document], left_out: set[str]) -> str:
    """What to type instead of an id that names nothing: a draft's flag, the closest id
    with its file, or the ids there are."""
    if ref in left_out:
        return f"{noun} '{ref}' is a draft; build with --drafts or remove 'draft: true'"
    guess = did_you_mean(ref, known)
    if guess:
        return f"did you mean '{guess}'? ({known[guess].path})"
    return f"{noun}s: " + (", ".join(sorted(known)) or "none yet")

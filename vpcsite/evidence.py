"""Status follows evidence (DESIGN §3): the concluded experiments that test an item set
its status; what is typed in `status:` is kept only where no experiment has spoken.

`verdicts` is the rule itself, a pure function; `with_evidence` gives a site whose
segments and value maps carry the derived statuses, so fit, verified fit, every page,
site.json and the PDFs see them without knowing where they came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .diagnostics import Diagnostic, diagnostic
from .experiments import tested, tested_items
from .memo import remembered, source
from .model import SINGULAR, Document, Site, items_of, outline_of

#: Where an item lives: (document type, document id, item id).
ItemKey = tuple[str, str, str]


@dataclass(frozen=True)
class Finding:
    """A done experiment as the rule reads it: when it concluded, its file (to break
    ties), its result, its reliability rating and the items it tests."""

    experiment: str
    path: str
    concluded: dt.date | None
    result: str | None
    reliability: int | None
    items: tuple[ItemKey, ...]


@dataclass(frozen=True)
class Verdict:
    status: str
    #: The id of the experiment that set it.
    experiment: str
    path: str


def status_of(result: str | None, reliability: int | None) -> str | None:
    """refuted → invalidated; supported → verified with a reliability of 3, else
    observed; inconclusive (or no result) says nothing."""
    if result == "refuted":
        return "invalidated"
    if result == "supported":
        return "verified" if reliability == 3 else "observed"
    return None


def verdicts(findings: Iterable[Finding]) -> dict[ItemKey, Verdict]:
    """Each item's status from the latest experiment that says something about it, in
    order of `concluded` then file name (a done experiment without a date counts as the
    oldest)."""
    order = sorted(findings, key=lambda f: (f.concluded or dt.date.min, f.path))
    found: dict[ItemKey, Verdict] = {}
    for finding in order:
        status = status_of(finding.result, finding.reliability)
        if status is None:
            continue
        for key in finding.items:
            found[key] = Verdict(status, finding.experiment, finding.path)
    return found


def findings_of(site: Site) -> list[Finding]:
    """The done experiments of the site, with the items each tests resolved."""
    found = []
    for experiment in site.experiments.values():
        model = experiment.model
        if model.state != "done":
            continue
        keys = tuple((owner.model.type, owner.model.id, item_id) for item_id, (owner, _, _) in tested(site, experiment).items())
        found.append(Finding(model.id, experiment.path, model.concluded, model.result, model.ratings.reliability, keys))
    return found


def with_evidence(site: Site) -> tuple[Site, dict[ItemKey, Verdict], list[Diagnostic]]:
    """The site with every item's derived status, the verdicts, and a warning (VPC308)
    for each written status an experiment contradicts.

    A segment or value map that any experiment tests gets a new content hash made of its
    own and those experiments' hashes: every page and cache keyed by it then follows
    the experiments as it follows its own file."""
    decided = verdicts(findings_of(site))
    touching: dict[tuple[str, str], dict[str, None]] = {}
    for experiment in site.experiments.values():
        for document, _, _ in tested_items(site, experiment).values():
            touching.setdefault((document.model.type, document.model.id), {})[f"{experiment.path}:{experiment.digest}"] = None
    by_document: dict[tuple[str, str], dict[str, Verdict]] = {}
    for (kind, document_id, item_id), verdict in decided.items():
        by_document.setdefault((kind, document_id), {})[item_id] = verdict
    warnings: list[Diagnostic] = []

    def updated(document: Document) -> Document:
        key = (document.model.type, document.model.id)
        if key not in touching:
            return document
        # What the experiments make of a document depends on it and them alone: the
        # dev server works it out again only when one of them changes.
        sources = sorted(touching[key])
        new, found = remembered(("evidence", *source(document), *sources), lambda: _apply(document, by_document.get(key, {}), sources))
        warnings.extend(found)
        return new

    evidenced = dataclasses.replace(
        site,
        segments={key: updated(document) for key, document in site.segments.items()},
        value_maps={key: updated(document) for key, document in site.value_maps.items()},
    )
    return evidenced, decided, warnings


def _apply(document: Document, decided: dict[str, Verdict], sources: list[str]) -> tuple[Document, list[Diagnostic]]:
    """A document with its items' derived statuses, a content hash covering the
    experiments (`sources`), and a VPC308 for each written status they contradict."""
    model = document.model
    changes: dict[str, list] = {}
    found: list[Diagnostic] = []
    for section, index, item in items_of(model):
        verdict = decided.get(item.id)
        if verdict is None or item.status == verdict.status:
            continue
        if document.positions.written((section, index, "status")):
            found.append(
                diagnostic(
                    "VPC308",
                    document.path,
                    *document.position((section, index, "status")),
                    f"{SINGULAR[section]} '{item.id}' is declared '{item.status}', but experiment '{verdict.experiment}' makes it '{verdict.status}'",
                    f"write 'status: {verdict.status}' or remove it; the status follows {verdict.path}",
                )
            )
        items = changes.setdefault(section, list(getattr(model, section)))
        items[index] = item.model_copy(update={"status": verdict.status})
    new_model = model.model_copy(update=changes) if changes else model
    new = dataclasses.replace(
        document,
        model=new_model,
        digest=digest(document.digest, *sources),
        model_digest=digest(document.model_digest, *sources),
        outline=digest(repr(outline_of(new_model))) if changes else document.outline,
    )
    return new, found


def digest(*parts: str) -> str:
    """A hash of hashes (the same construction as the build record's)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()

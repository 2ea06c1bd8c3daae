"""Checking a site: load → validate → link → score. `check_site` is what `vpcsite check`
runs and what every build runs first, so both report exactly the same findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import ConfigError, SiteConfig, content_dir_outside, load_config, missing_content_dir
from .content import DocumentCache, LoadedContent, inside, load_content
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .evidence import with_evidence
from .experiments import check_business_models, check_experiments
from .fit import Fit
from .layouts import last_layout_warnings
from .links import canvas_fit, canvas_warnings_of, check_links, check_page_urls, untargeted_segments
from .memory import paused_gc
from .model import Document, Segment, Site, ValueMap
from .names import check_names
from .notes import markdown_findings
from .workers import cpu_count


@dataclass(frozen=True)
class CheckResult:
    config: SiteConfig
    site: Site
    fits: dict[str, Fit]
    diagnostics: list[Diagnostic]
    #: (type, id by file name) of documents whose files did not load, or loaded only in
    #: part (salvage.py): neither is scored or published.
    unloaded: frozenset[tuple[str, str]] = frozenset()
    #: Statuses experiments set, by (document type, document id, item id) (evidence.py).
    verdicts: dict = field(default_factory=dict)

    def failed(self, strict: bool) -> bool:
        return has_errors(self.diagnostics, strict)


def assemble(documents: list) -> Site:
    by_type: dict[str, dict] = {"segment": {}, "value-map": {}, "experiment": {}, "business-model": {}}
    pages = []
    for document in documents:
        kind = document.model.type
        if kind in by_type:
            by_type[kind].setdefault(document.model.id, document)
        else:
            pages.append(document)
    return Site(by_type["segment"], by_type["value-map"], pages, by_type["experiment"], by_type["business-model"])


def score_site(site: Site, target: tuple[float, float], map_ids: Iterable[str] | None = None) -> dict[str, Fit]:
    """The fit of every canvas (value map whose segment exists), or of those of `map_ids`."""
    fits = {}
    for map_id in site.value_maps if map_ids is None else map_ids:
        document = site.value_maps[map_id]
        value_map = document.model
        assert isinstance(value_map, ValueMap)
        segment_doc = site.segments.get(value_map.segment)
        if segment_doc is not None:
            assert isinstance(segment_doc.model, Segment)
            fits[map_id] = canvas_fit(document, segment_doc, target)
    return fits


def check_site(
    root: Path,
    config: SiteConfig | None = None,
    *,
    drafts: bool = False,
    cache: DocumentCache | None = None,
    last_layout: bool = True,
    jobs: int = 0,
    digests: dict[str, str] | None = None,
) -> CheckResult:
    """Load and check the whole site; raises ConfigError only for site.toml problems.

    `last_layout` adds what the last build measured of unchanged canvases (VPC602); a
    build leaves it out, since it measures afresh. `jobs` is how many processes load
    documents (0: all cores)."""
    if config is None:
        config, problems = load_config(root)
        if config is None:
            raise ConfigError(sort_diagnostics(problems))
    if not (root / config.content_dir).is_dir():
        raise ConfigError([missing_content_dir(root, config.content_dir)])
    content = os.path.realpath(root / config.content_dir)
    if not inside(Path(content), Path(os.path.realpath(root))):
        raise ConfigError([content_dir_outside(root, config.content_dir, content)])
    with paused_gc():
        return _check_content(root, config, drafts, cache, last_layout, jobs or cpu_count(), digests)


def _check_content(
    root: Path, config: SiteConfig, drafts: bool, cache: DocumentCache | None, last_layout: bool, workers: int, digests: dict[str, str] | None
) -> CheckResult:
    loaded = load_content(root, config.content_dir, drafts=drafts, cache=cache, workers=workers, digests=digests, max_size=config.check.max_file_size)

    def measure(site: Site) -> list[Diagnostic]:
        return last_layout_warnings(root / config.output_dir, site, config.pdf.page_size)

    return check_loaded(config, loaded, measure if config.pdf.enabled and last_layout else None)


def check_loaded(config: SiteConfig, loaded: LoadedContent, measure: Callable[[Site], list[Diagnostic]] | None = None) -> CheckResult:
    """The checks and scores of documents already loaded, wherever their files came from
    (the content folder, or a git revision for `vpcsite diff`). `measure` adds what the
    last build measured of the canvases.

    A check of documents that differ from the last check's (in this process) only in
    the content of some segments and value maps redoes what those touch (`_recheck`):
    the dev server's rebuild of 5,000 canvases checked them all for one edit."""
    global _LAST
    last, _LAST = _LAST, None
    if measure is None and last is not None:
        again = _recheck(last, config, loaded)
        if again is not None:
            _LAST = again
            return again.result
    found = _check_all(config, loaded, measure)
    site = found.result.site
    if measure is None and not (site.experiments or site.business_models or any(d.partial for d in loaded.documents)):
        _LAST = found
    return found.result


@dataclass
class _Found:
    """What one check found, by kind, with what it checked: the next check of nearly the
    same documents takes what their changes leave standing (`_recheck`)."""

    config: SiteConfig
    loaded: LoadedContent
    #: Every value map loaded, in file order (ids used twice included).
    value_maps: list[Document]
    names: list[Diagnostic]
    urls: list[Diagnostic]
    links: list[Diagnostic]
    untargeted: list[Diagnostic]
    canvases: list[Diagnostic]
    notes: list[Diagnostic]
    result: CheckResult


#: The last check of this process that a recheck may start from (check_loaded).
_LAST: _Found | None = None


def _check_all(config: SiteConfig, loaded: LoadedContent, measure: Callable[[Site], list[Diagnostic]] | None) -> _Found:
    names = check_names(loaded.documents)
    site = assemble(loaded.documents)
    urls = check_page_urls(site.pages)
    value_maps = [document for document in loaded.documents if document.model.type == "value-map"]
    links = check_links(site, value_maps, loaded.drafts, loaded.failed)
    target = config.fit.target
    untargeted = untargeted_segments(site, value_maps, loaded.targeted)
    canvases = canvas_warnings_of(site, value_maps, target)
    notes = markdown_findings(loaded.documents, config.markdown.unsafe_html)
    found = [*loaded.diagnostics, *names, *urls, *links, *untargeted, *canvases, *notes]
    found.extend(check_experiments(site, loaded.drafts, loaded.failed))
    found.extend(check_business_models(site, loaded.drafts, loaded.failed))
    # Documents with errors were checked as far as they go; they are never scored or
    # published (their errors stop a build in any case: errors cannot be ignored).
    partial = [document for document in loaded.documents if document.partial]
    if partial:
        site = assemble([document for document in loaded.documents if not document.partial])
    verdicts: dict = {}
    if site.experiments:
        site, verdicts, contradicted = with_evidence(site)
        found.extend(contradicted)
    if measure is not None:
        found.extend(measure(site))
    fits = score_site(site, target)
    # Files that failed to load, or loaded only in part: `vpcsite diff` calls them invalid.
    unloaded = loaded.failed | {(d.model.type, d.relative.rsplit("/", 1)[-1].removesuffix(".md")) for d in partial}
    result = _result(config, site, fits, found, unloaded, verdicts)
    return _Found(config, loaded, value_maps, names, urls, links, untargeted, canvases, notes, result)


def _result(config: SiteConfig, site: Site, fits: dict[str, Fit], found: list[Diagnostic], unloaded: frozenset, verdicts: dict) -> CheckResult:
    ignored = set(config.check.ignore)
    kept = [d for d in found if d.code not in ignored]
    return CheckResult(config, site, fits, sort_diagnostics(kept), unloaded, verdicts)


def _recheck(last: _Found, config: SiteConfig, loaded: LoadedContent) -> _Found | None:
    """The check of `loaded` from the last one, when its documents are the last check's
    but for the content of some segments and value maps (same files, types, ids and
    segments named, none with errors, and no experiment or business model in the
    site): what names, page addresses and targeting found stands, and the links,
    warnings, notes and fits of the canvases the changed documents touch are found
    again. None when the documents differ in any other way."""
    before, now = last.loaded, loaded
    if config != last.config or (now.drafts, now.failed, now.targeted) != (before.drafts, before.failed, before.targeted):
        return None
    if len(now.documents) != len(before.documents):
        return None
    changed = [(old, new) for old, new in zip(before.documents, now.documents) if old is not new]
    for old, new in changed:
        kind = new.model.type
        if kind not in ("segment", "value-map") or new.partial or (old.relative, old.model.type, old.model.id) != (new.relative, kind, new.model.id):
            return None
        if kind == "value-map" and old.model.segment != new.model.segment:
            return None
    paths = {new.path for _, new in changed}
    site = last.result.site
    segments, value_map_docs = dict(site.segments), dict(site.value_maps)
    swapped = {id(old): new for old, new in changed}
    for old, new in changed:
        table = segments if new.model.type == "segment" else value_map_docs
        if table.get(new.model.id) is old:
            table[new.model.id] = new
    site = Site(segments, value_map_docs, site.pages, site.experiments, site.business_models)
    value_maps: list[Document] = [swapped.get(id(document), document) for document in last.value_maps]
    edited_segments = {new.model.id for _, new in changed if new.model.type == "segment"}
    touched = [d for d in value_maps if d.path in paths or d.model.segment in edited_segments]
    again = {document.path for document in touched}
    target = config.fit.target
    # Names and the segments no value map targets depend on ids alone; their findings
    # are found again only to place them anew in a changed file.
    names = check_names(now.documents) if any(d.path in paths for d in last.names) else last.names
    untargeted = untargeted_segments(site, value_maps, now.targeted) if any(d.path in paths for d in last.untargeted) else last.untargeted
    links = [d for d in last.links if d.path not in again] + check_links(site, touched, now.drafts, now.failed)
    canvases = [d for d in last.canvases if d.path not in again] + canvas_warnings_of(site, touched, target)
    notes = [d for d in last.notes if d.path not in paths] + markdown_findings([new for _, new in changed], config.markdown.unsafe_html)
    fits = {**last.result.fits, **score_site(site, target, {document.model.id for document in touched})}
    found = [*now.diagnostics, *names, *last.urls, *links, *untargeted, *canvases, *notes]
    result = _result(config, site, fits, found, now.failed, {})
    return _Found(config, now, value_maps, names, last.urls, links, untargeted, canvases, notes, result)

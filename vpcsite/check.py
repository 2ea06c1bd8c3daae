"""Checking a site: load → validate → link → score. `check_site` is what `vpcsite check`
runs and what every build runs first, so both report exactly the same findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import ConfigError, SiteConfig, content_dir_outside, load_config, missing_content_dir
from .content import DocumentCache, LoadedContent, inside, load_content
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .evidence import with_evidence
from .experiments import check_business_models, check_experiments
from .fit import Fit
from .layouts import last_layout_warnings
from .links import canvas_fit, canvas_warnings, check_links, check_page_urls
from .memory import paused_gc
from .model import Segment, Site, ValueMap
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


def score_site(site: Site, target: tuple[float, float]) -> dict[str, Fit]:
    fits = {}
    for map_id, document in site.value_maps.items():
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
    last build measured of the canvases."""
    found = list(loaded.diagnostics)
    found.extend(check_names(loaded.documents))
    site = assemble(loaded.documents)
    found.extend(check_page_urls(site.pages))
    value_maps = [document for document in loaded.documents if document.model.type == "value-map"]
    found.extend(check_links(site, value_maps, loaded.drafts, loaded.failed))
    target = config.fit.target
    found.extend(canvas_warnings(site, value_maps, target, loaded.targeted))
    found.extend(markdown_findings(loaded.documents, config.markdown.unsafe_html))
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
    ignored = set(config.check.ignore)
    kept = [d for d in found if d.code not in ignored]
    # Files that failed to load, or loaded only in part: `vpcsite diff` calls them invalid.
    unloaded = loaded.failed | {(d.model.type, d.relative.rsplit("/", 1)[-1].removesuffix(".md")) for d in partial}
    return CheckResult(config, site, fits, sort_diagnostics(kept), unloaded, verdicts)

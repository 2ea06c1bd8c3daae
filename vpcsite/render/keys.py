"""What each output is made from, as one key: a page whose key is the one the last build
recorded is taken over unchanged instead of rendered again (DESIGN §12).

A key covers the templates the page's template uses (found from their source, not
assumed), the site-wide values every page shows (title, navigation, stylesheets), and
the documents the page shows: a canvas page its value map and segment whole; the
index, the fit summary and a segment page only the outlines of the canvases they list,
so an edited note re-renders its own page and nothing else. A template of the site's
own may show anything, so pages whose templates are not all built in depend on whole
documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, TemplateError, meta

from ..memo import remembered
from ..record import digest
from ..theme import BUILTIN_TEMPLATES
from .cards import card_values

if TYPE_CHECKING:
    from ..fit import Fit
    from ..model import Site


@dataclass(frozen=True)
class TemplateKey:
    #: Hash of every template the template can load, with its source.
    key: str
    #: Whether all of them are vpcsite's own (whose use of a canvas is known).
    builtin: bool


def template_key(env: Environment, name: str) -> TemplateKey:
    """The template and everything it extends, includes and imports, transitively. A
    name computed at render time could be any template: then all of them count."""
    loader = env.loader
    assert loader is not None
    sources: dict[str, tuple[str, str]] = {}
    pending = [name]
    everything = False
    while pending:
        current = pending.pop()
        if current in sources:
            continue
        try:
            source, filename, _ = loader.get_source(env, current)
            references = list(meta.find_referenced_templates(env.parse(source)))
        except TemplateError:
            # Rendering will report it; until then the page depends on every template.
            sources[current] = ("", "")
            everything = True
            continue
        sources[current] = (filename or "", source)
        for reference in references:
            if reference is None:
                everything = True
            else:
                pending.append(reference)
    if everything:
        for other in env.list_templates():
            if other not in sources:
                try:
                    source, filename, _ = loader.get_source(env, other)
                except TemplateError:
                    source, filename = "", ""
                sources[other] = (filename or "", source)
    builtin_folder = str(BUILTIN_TEMPLATES.resolve())
    builtin = not everything and all(filename and str(Path(filename).resolve()).startswith(builtin_folder + "/") for filename, _ in sources.values())
    parts: list[str] = []
    for template, (filename, source) in sorted(sources.items()):
        parts += [template, filename, source]
    return TemplateKey(digest(*parts), builtin)


class TemplateKeys:
    """Template keys of one environment, each worked out once. Parsing every template
    for its references costs a tenth of a second, so keys are taken over from the last
    build when `stamp` (the hash of every template file, from the build's scan) is the
    one it recorded."""

    def __init__(self, env: Environment, stamp: str = "", previous: dict | None = None):
        self.env = env
        self.stamp = stamp
        self._keys: dict[str, TemplateKey] = {}
        if stamp and previous and previous.get("stamp") == stamp:
            self._keys = {name: TemplateKey(str(key), bool(builtin)) for name, (key, builtin) in previous.get("keys", {}).items()}

    def record(self) -> dict:
        """What the build record keeps for the next build."""
        if not self.stamp:
            return {}
        return {"stamp": self.stamp, "keys": {name: [k.key, k.builtin] for name, k in sorted(self._keys.items())}}

    def __getitem__(self, name: str) -> TemplateKey:
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = template_key(self.env, name)
        return found


class CardKeys:
    """The hash of what lists show of each canvas (cards.card_values): the key of what
    the index, the fit summary and a segment's page show of it. The build record keeps
    each with the hash of its sources (value map, segment, target band), so it is worked
    out again only for canvases that changed."""

    def __init__(self, site: Site, fits: dict[str, Fit], target: tuple[float, float], previous: dict | None = None):
        self._site = site
        self._fits = fits
        #: The target band as card sources name it.
        self._target = repr(target)
        #: Per canvas: (hash of its sources, its key), the last build's until asked.
        self._known: dict[str, tuple[str, str]] = {map_id: (str(source), str(key)) for map_id, (source, key) in (previous or {}).items()}
        #: The keys asked for in this build: the lists and a segment's page ask alike.
        self._now: dict[str, str] = {}

    def __getitem__(self, map_id: str) -> str:
        found = self._now.get(map_id)
        if found is not None:
            return found
        document = self._site.value_maps[map_id]
        segment = self._site.segments[document.model.segment]
        # Hashed once per process (memo.py), not once per build: a rebuild of 5,000
        # canvases hashes the sources of the one that changed.
        sources = (document.digest, segment.digest, self._target)
        source = remembered(("card-source", *sources), partial(digest, *sources))
        known = self._known.get(map_id)
        if known is None or known[0] != source:
            known = self._known[map_id] = (source, digest(repr(card_values(document.model, segment.model, self._fits.get(map_id)))))
        found = self._now[map_id] = known[1]
        return found

    def record(self) -> dict[str, tuple[str, str]]:
        """What the build record keeps: every value map's (sources, key) known, in order."""
        return {map_id: self._known[map_id] for map_id in sorted(self._known) if map_id in self._site.value_maps}

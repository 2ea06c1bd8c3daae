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
from pathlib import Path

from jinja2 import Environment, TemplateError, meta

from ..record import digest
from ..theme import BUILTIN_TEMPLATES


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

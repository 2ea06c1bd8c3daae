"""Themes and template lookup: the site's `templates/` > the theme's `templates/` > the
built-in templates; a theme is a folder with `theme.toml`, `static/` and optional
`templates/`, found in the site's `themes/` first, then among the built-in ones.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILTIN_TEMPLATES = PACKAGE / "templates"
BUILTIN_THEMES = PACKAGE / "themes"


#: What a theme links when its theme.toml names no stylesheets.
DEFAULT_STYLESHEETS = ("static/style.css",)


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    description: str = ""
    #: A theme may build on another (the print theme reuses default's templates).
    extends: str | None = None
    #: Site-root-relative URLs every page links (from theme.toml).
    stylesheets: tuple[str, ...] = DEFAULT_STYLESHEETS
    scripts: tuple[str, ...] = ()

    @property
    def templates(self) -> Path:
        return self.folder / "templates"

    @property
    def static(self) -> Path:
        return self.folder / "static"


class ThemeError(Exception):
    """The configured theme cannot be found or read: a configuration error."""


def available_themes(site_root: Path) -> list[str]:
    names: set[str] = set()
    for base in (site_root / "themes", BUILTIN_THEMES):
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if (p / "theme.toml").is_file())
    return sorted(names)


def find_theme(name: str, site_root: Path) -> Theme:
    for base in (site_root / "themes", BUILTIN_THEMES):
        folder = base / name
        manifest = folder / "theme.toml"
        if manifest.is_file():
            try:
                data = tomllib.loads(manifest.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
                # ValueError: a number of thousands of digits, which Python will not read.
                raise ThemeError(f"{manifest}: {' '.join(str(exc).split())[:200]}") from None
            extends = data.get("extends")
            stylesheets = data.get("stylesheets", list(DEFAULT_STYLESHEETS))
            scripts = data.get("scripts", [])
            if not _strings(stylesheets) or not _strings(scripts):
                raise ThemeError(f"{manifest}: stylesheets and scripts must be lists of paths")
            return Theme(
                name,
                folder,
                str(data.get("description", "")),
                extends if isinstance(extends, str) else None,
                tuple(stylesheets),
                tuple(scripts),
            )
    raise ThemeError(f"theme '{name}' not found; available: {', '.join(available_themes(site_root))}")


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and not v.startswith(("/", "..")) for v in value)


def theme_chain(theme: Theme, site_root: Path) -> list[Theme]:
    """The theme and those it extends, nearest first (cycles stop at the first repeat)."""
    chain = [theme]
    while chain[-1].extends and all(t.name != chain[-1].extends for t in chain):
        try:
            chain.append(find_theme(chain[-1].extends, site_root))
        except ThemeError as exc:
            raise ThemeError(f"theme '{chain[-1].name}' extends '{chain[-1].extends}', which is not found ({exc})") from None
    return chain


def template_folders(site_root: Path, theme: Theme) -> list[Path]:
    """Lookup order for templates, existing folders only.

    A folder that is the built-in one (a site kept beside vpcsite's own sources, whose
    `templates/` the package links to) keeps the built-in place, last, so a theme's
    templates still come before it."""
    builtin = BUILTIN_TEMPLATES.resolve()
    folders = [site_root / "templates", *(t.templates for t in theme_chain(theme, site_root)), BUILTIN_TEMPLATES]
    seen: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        real = folder.resolve()
        if real == builtin and folder != BUILTIN_TEMPLATES:
            continue
        if real not in [s.resolve() for s in seen]:
            seen.append(folder)
    return seen


def static_folders(site_root: Path, theme: Theme) -> list[Path]:
    """Folders copied to the output's static/, later ones winning: built-in chain, then the site."""
    chain = [t.static for t in reversed(theme_chain(theme, site_root))]
    return [folder for folder in chain if folder.is_dir()]

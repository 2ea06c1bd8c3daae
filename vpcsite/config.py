"""site.toml → SiteConfig with every default of DESIGN §6; mistakes name the key and line.

Configuration problems are their own class of diagnostic (VPC4xx): the CLI exits 2 on them,
because nothing about the content can be trusted until the configuration is right.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator

from .diagnostics import CODES, Diagnostic, Severity, diagnostic, display_path
from .front import Refused
from .hints import _EXPECTED, _type_name, did_you_mean
from .source import normalise_text
from .tomlfront import parse_toml

CONFIG_FILE = "site.toml"


NO_SITE = "no vpcsite site here (no site.toml or content/ folder)"


def is_site(root: Path) -> bool:
    """A folder is a site when it has a site.toml or a content/ folder (DESIGN §2)."""
    return (root / CONFIG_FILE).is_file() or (root / "content").is_dir()


class ConfigError(Exception):
    """site.toml is wrong: nothing else can be trusted, so the run stops (exit 2)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("configuration error")
        self.diagnostics = diagnostics


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class FitConfig(_Section):
    target: tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]] = (0.5, 0.7)

    @field_validator("target", mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        # TOML arrays arrive as lists; integers 0 and 1 are fine bounds.
        if isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return tuple(float(v) for v in value)
        return value

    @field_validator("target")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if value[0] > value[1]:
            raise ValueError("the low end must not exceed the high end")
        return value


class PdfConfig(_Section):
    enabled: bool = True
    page_size: Literal["A4", "A3", "Letter", "Legal"] = "A4"
    orientation: Literal["landscape", "portrait"] = "landscape"


class MarkdownConfig(_Section):
    unsafe_html: bool = False


#: Sizes as site.toml may write them: 5000000, "5 MB", "512 kB", "2 MiB".
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bB]|[kKmMgG][iI]?[bB])?\s*$")
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}

#: A content file larger than this is refused unread (DESIGN §4): a 50 MB page took
#: 36 s and 2.3 GB to check, and no canvas needs a tenth of it.
DEFAULT_MAX_FILE_SIZE = 5_000_000


class CheckConfig(_Section):
    strict: bool = False
    ignore: list[str] = []
    max_file_size: Annotated[
        int,
        WithJsonSchema(
            {
                "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": _SIZE.pattern}],
                "description": 'bytes, or a size such as "5 MB", "512 kB", "2 MiB"',
            }
        ),
    ] = DEFAULT_MAX_FILE_SIZE

    @field_validator("max_file_size", mode="before")
    @classmethod
    def _bytes(cls, value: Any) -> Any:
        if isinstance(value, str):
            found = _SIZE.match(value)
            if not found:
                raise ValueError(f'\'{value}\' is not a size; write bytes (5000000) or "5 MB", "512 kB"')
            return int(float(found.group(1)) * _UNITS[(found.group(2) or "b").lower()])
        return value

    @field_validator("max_file_size")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1 byte")
        return value

    @field_validator("ignore")
    @classmethod
    def _known_codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in CODES:
                raise ValueError(f"'{code}' is not a vpcsite diagnostic code")
            if CODES[code][0] is not Severity.WARNING:
                # Silencing an error would let a broken canvas build; only warnings go.
                raise ValueError(f"'{code}' is an error; only warnings can be ignored")
        return value


class GitConfig(_Section):
    #: Commits of fit history per canvas (DESIGN §11); 0 turns history off.
    history: Annotated[int, Field(ge=0, le=1000)] = 20


def base_url_problem(value: str) -> str | None:
    """Why a base URL cannot be one (it goes into canonical links and the sitemap)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// address, such as https://example.org/canvases/"
    if any(character.isspace() or ord(character) < 32 for character in value):
        return "must not contain spaces or control characters (write a space as %20)"
    return None


class SiteConfig(_Section):
    title: str = "Value propositions"
    base_url: str = ""
    theme: str = "default"
    content_dir: str = "content"
    output_dir: str = "public"
    fit: FitConfig = FitConfig()
    pdf: PdfConfig = PdfConfig()
    markdown: MarkdownConfig = MarkdownConfig()
    check: CheckConfig = CheckConfig()
    git: GitConfig = GitConfig()

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        problem = base_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("theme")
    @classmethod
    def _folder_name(cls, value: str) -> str:
        if not value or value.startswith(".") or "/" in value or "\\" in value:
            raise ValueError("must be the name of a theme folder, such as 'default'")
        return value

    @field_validator("content_dir", "output_dir", "theme", mode="before")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        # A NUL names no file on any system, and a control character no sane folder.
        if isinstance(value, str) and any(ord(character) < 32 or character == "\x7f" for character in value):
            raise ValueError("must not contain control characters (such as a NUL, \\u0000)")
        return value

    @field_validator("content_dir")
    @classmethod
    def _inside_the_site(cls, value: str) -> str:
        # Content is what the site publishes: a folder elsewhere (or /etc) is not its own.
        path = PurePosixPath(value.replace("\\", "/"))
        if not value or path.is_absolute() or ".." in path.parts or PureWindowsPath(value).drive or path == PurePosixPath("."):
            raise ValueError("must be a folder inside the site, such as 'content'")
        return value


def load_config(root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read `root/site.toml`; with no file at all, the defaults apply."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig(), []
    shown = display_path(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            diagnostic(
                "VPC401", shown, 1, 1, f"site.toml cannot be read: {exc.strerror or exc}", "check that you may read the file (chmod u+r site.toml)"
            )
        ]
    return parse_config(data, shown)


def parse_config(data: bytes, shown: str) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """site.toml's bytes → SiteConfig, wherever they were read from (a file, or a git
    revision for `vpcsite diff`); `shown` names the file in diagnostics."""
    text, problems = normalise_text(data, shown)
    if text is None:
        return None, [diagnostic("VPC401", shown, d.line, d.column, d.message, d.hint) for d in problems]
    try:
        parsed = parse_toml(text)
    except Refused as refused:
        return None, [diagnostic("VPC401", shown, *refused.position, refused.message, refused.hint)]
    try:
        return SiteConfig.model_validate(parsed.values), []
    except ValidationError as exc:
        found = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            key = ".".join(str(part) for part in loc if not isinstance(part, int))
            if error["type"] == "extra_forbidden":
                line, column = parsed.position(loc, key=True)
                section = _section_model(loc[:-1])
                valid = list(section.model_fields) if section else []
                guess = did_you_mean(str(loc[-1]), valid)
                found.append(
                    diagnostic(
                        "VPC402",
                        shown,
                        line,
                        column,
                        f"unknown configuration key '{key}'",
                        (f"did you mean '{guess}'? " if guess else "") + "valid keys: " + ", ".join(valid),
                    )
                )
                continue
            line, column = parsed.position(loc)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] in _EXPECTED:
                message = f"expected {_EXPECTED[error['type']]}, got {_type_name(error.get('input'))}"
            elif error["type"] == "literal_error":
                message = f"{error.get('input')!r} is not one of: {str((error.get('ctx') or {}).get('expected', '')).replace(' or ', ', ')}"
            elif error["type"] in ("less_than_equal", "greater_than_equal"):
                bound = (error.get("ctx") or {}).get("le", (error.get("ctx") or {}).get("ge"))
                message = f"{error.get('input')} is {'above' if error['type'] == 'less_than_equal' else 'below'} {bound}"
            elif error["type"] in ("tuple_type", "too_short", "too_long"):
                message = "expected two numbers, low first"
            found.append(diagnostic("VPC403", shown, line, column, f"'{key or 'site.toml'}': {message}", _config_hint(loc)))
        return None, found


def _section_model(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: Any = SiteConfig
    for part in loc:
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = field.annotation
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _config_hint(loc: tuple[Any, ...]) -> str | None:
    hints = {
        ("fit", "target"): "write two numbers from 0 to 1, low first: target = [0.5, 0.7]",
        ("pdf", "page_size"): "page_size is one of: A4, A3, Letter, Legal",
        ("pdf", "orientation"): "orientation is landscape or portrait",
        ("check", "ignore"): 'list codes such as "VPC301" (see docs/content-format.md)',
        ("check", "max_file_size"): 'a size in bytes, or text such as "5 MB" or "512 kB"',
        ("base_url",): 'the address the site is published at, or "" for none',
        ("theme",): "a theme is a folder under themes/ with a theme.toml; built in: default, print",
        ("content_dir",): "a path relative to site.toml, without '..'",
    }
    return hints.get(tuple(part for part in loc if not isinstance(part, int))[:2])


# --- Diagnostics about the configuration ----------------------------------------


def missing_content_dir(root: Path, content_dir: str) -> Diagnostic:
    """VPC403: the content folder site.toml names (or the default) is not there."""
    config_file = root / CONFIG_FILE
    has_config = config_file.is_file()
    return diagnostic(
        "VPC403",
        display_path(config_file if has_config else root / content_dir, root),
        config_line(root, "content_dir"),
        1,
        f"content folder '{content_dir}' does not exist",
        "create it, or set content_dir in site.toml to the folder that holds your canvases"
        if has_config
        else "create it, or add a site.toml whose content_dir names the folder that holds your canvases",
    )


def content_dir_outside(root: Path, content_dir: str, real: str) -> Diagnostic:
    """The content folder is a link out of the site: what it publishes would not be the
    site's own (the same rule as for linked files inside it, VPC504)."""
    return diagnostic(
        "VPC403",
        display_path(root / CONFIG_FILE, root),
        config_line(root, "content_dir"),
        1,
        f"content folder '{content_dir}' is a symbolic link to {real}, outside the site",
        "move or copy the content into the site",
    )


def config_line(root: Path, key: str) -> int:
    """The line of a top-level key in site.toml (1 when it is not there): where a
    diagnostic about that setting points."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        return 1
    lines = config_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((n for n, text in enumerate(lines, 1) if text.strip().startswith(key)), 1)


def content_dir_missing_at(shown: str, content_dir: str, label: str) -> Diagnostic:
    """VPC403 of `diff`: the content folder is not there at one of the two revisions
    compared (`shown` is site.toml, or the folder when the revision has no site.toml)."""
    return diagnostic(
        "VPC403",
        shown,
        1,
        1,
        f"content folder '{content_dir}' does not exist at {label}",
        "nothing to compare on this side; every canvas of the other side counts as added or removed",
    )


def theme_problem(root: Path, problem: str, themes: list[str]) -> Diagnostic:
    """VPC403: the theme site.toml names cannot be used (missing, or it extends a
    missing one); `themes` are the ones there are."""
    return diagnostic(
        "VPC403",
        display_path(root / CONFIG_FILE, root),
        config_line(root, "theme"),
        1,
        f"'theme': {problem}",
        "themes: " + ", ".join(themes) + " (a theme is a folder under themes/ with a theme.toml)",
    )


def site_schema() -> dict[str, Any]:
    """The JSON Schema of site.toml (editors with a TOML language server can use it)."""
    schema = json.loads(json.dumps(SiteConfig.model_json_schema()))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vpcsite site.toml"
    return schema

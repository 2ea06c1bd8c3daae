"""site.toml → SiteConfig with every default of DESIGN §6; mistakes name the key and line.

Configuration problems are their own class of diagnostic (VPC4xx): the CLI exits 2 on them,
because nothing about the content can be trusted until the configuration is right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .diagnostics import CODES, Diagnostic, Severity, diagnostic, display_path
from .schema import _EXPECTED, _type_name, did_you_mean
from .source import _Refused, normalise_text, parse_toml

CONFIG_FILE = "site.toml"


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


class CheckConfig(_Section):
    strict: bool = False
    ignore: list[str] = []

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


def load_config(root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read `root/site.toml`; with no file at all, the defaults apply."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig(), []
    shown = display_path(path, root)
    text, problems = normalise_text(path.read_bytes(), shown)
    if text is None:
        return None, [diagnostic("VPC401", shown, d.line, d.column, d.message, d.hint) for d in problems]
    try:
        parsed = parse_toml(text)
    except _Refused as refused:
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
        ("check", "ignore"): "list codes such as \"VPC301\" (see docs/content-format.md)",
    }
    return hints.get(tuple(part for part in loc if not isinstance(part, int))[:2])

"""Whether an image a page shows can be decoded: a browser shows a broken icon for a
corrupt one, and the PDF renderer drops it without a word, so the build says so (VPC507)."""

from __future__ import annotations

import os
from pathlib import Path

#: Suffixes of the images pages may show, by how they are checked.
RASTER = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico"})
VECTOR = frozenset({".svg"})

_checked: dict[tuple[str, int, int], str | None] = {}


def image_problem(path: Path) -> str | None:
    """Why the image at `path` cannot be shown ("not a PNG image"), or None (also for a
    file that is not an image). Remembered by size and modification time."""
    suffix = path.suffix.lower()
    if suffix not in RASTER and suffix not in VECTOR:
        return None
    try:
        info = os.stat(path)
    except OSError as exc:
        return exc.strerror or str(exc)
    key = (str(path), info.st_size, info.st_mtime_ns)
    if key not in _checked:
        _checked[key] = _svg_problem(path) if suffix in VECTOR else _raster_problem(path, suffix)
    return _checked[key]


def _raster_problem(path: Path, suffix: str) -> str | None:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return None
    try:
        with Image.open(path) as image:
            image.verify()  # reads the whole file: a truncated or garbled one fails
    except UnidentifiedImageError:
        return f"it is not a {suffix.lstrip('.').upper()} image (or any image Pillow knows)"
    except Exception as exc:  # decoders fail in many ways on bad bytes
        return f"it is damaged ({' '.join(str(exc).split())[:100] or type(exc).__name__})"
    return None


def _svg_problem(path: Path) -> str | None:
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(path.read_bytes(), True)
    except expat.ExpatError as exc:
        return f"it is not well-formed SVG ({expat.ErrorString(exc.code)}, line {exc.lineno})"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None

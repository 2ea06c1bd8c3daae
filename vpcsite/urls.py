"""Where each page of the built site goes (DESIGN §8): the one spelling of every output
URL, used by the renderer to write pages and link them, and by the checks that keep a
content page from landing on a page vpcsite writes itself."""

from __future__ import annotations

#: Top-level folders of the output that hold files vpcsite writes whole (site.json,
#: PDFs, the themes' and the site's static files): nothing from content/ goes there.
FILE_FOLDERS = ("pdf", "data", "static")
#: Top-level folders of the output that vpcsite fills: a content page may not live there.
GENERATED_FOLDERS = ("canvases", "segments", "fit", "experiments", "assumptions", "business-models", *FILE_FOLDERS)


def canvas_url(canvas_id: str) -> str:
    return f"canvases/{canvas_id}/index.html"


def svg_url(canvas_id: str) -> str:
    """The canvas drawing alone, to embed elsewhere (render/drawing.py lays it out)."""
    return f"canvases/{canvas_id}/canvas.svg"


def segment_url(segment_id: str) -> str:
    return f"segments/{segment_id}/index.html"


def experiment_url(experiment_id: str) -> str:
    return f"experiments/{experiment_id}/index.html"


def business_model_url(model_id: str) -> str:
    return f"business-models/{model_id}/index.html"


EXPERIMENTS_URL = "experiments/index.html"
ASSUMPTIONS_URL = "assumptions/index.html"


def pdf_url(canvas_id: str) -> str:
    return f"pdf/{canvas_id}.pdf"


def page_url(relative_md: str) -> str:
    """content/about.md → about/index.html; content/guides/index.md → guides/index.html."""
    stem = relative_md.removesuffix(".md")
    if stem == "index":
        return "index.html"
    if stem.endswith("/index"):
        return stem.removesuffix("index") + "index.html"
    return f"{stem}/index.html"

"""PDF handouts with WeasyPrint: one PDF per canvas and a workshop handout.

- Sandboxed (sandbox.py): only files the build itself mapped can be embedded; no
  network, no file URLs, no redirects.
- Fitted (fitting.py): each canvas is laid out at the largest type size that fits its
  page, with as few layouts as possible.
- Reproducible: fixed metadata, no dates; the same input gives the same bytes.
- Fast: canvases render in worker processes under a timeout (pool.py); a cache keyed
  on everything that shapes a canvas PDF skips unchanged canvases (cache.py); the
  handout is assembled from the canvas PDFs (handout.py), not laid out again.
stage.py is the PDF stage of a build, putting these together.
"""

from __future__ import annotations

from .cache import PdfCache, cache_key
from .fitting import TYPE_STEPS, page_css, render_pdf
from .handout import assemble_handout, page_numbers_html
from .pool import PdfJob, PdfOutcome, render_canvases
from .sandbox import ORIGIN, SandboxFetcher, make_fetcher_class, refused_warnings
from .stage import write_pdfs

__all__ = [
    "ORIGIN",
    "TYPE_STEPS",
    "PdfCache",
    "PdfJob",
    "PdfOutcome",
    "SandboxFetcher",
    "assemble_handout",
    "cache_key",
    "make_fetcher_class",
    "page_css",
    "page_numbers_html",
    "refused_warnings",
    "render_canvases",
    "render_pdf",
    "write_pdfs",
]

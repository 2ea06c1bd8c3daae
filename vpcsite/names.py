"""Names that become files and URLs of the built site: segment and value-map ids name
folders (canvases/<id>/, segments/<id>/, pdf/<id>.pdf) and a page's path under content/
names its URL. Each must be safe everywhere the site is checked out or served: no URL
scheme hiding in a file name, no two names one file system folds into one (macOS and
Windows ignore case), no device name Windows refuses to create. Diagnostics only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .diagnostics import Diagnostic, diagnostic
from .model import ID_PATTERN, Document
from .urls import page_url

_ID = re.compile(ID_PATTERN)

#: Names Windows keeps for devices, in any case and with any extension ("nul.txt").
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))})


def reserved_name(name: str) -> bool:
    """Whether Windows refuses a file or folder called `name` (CON, nul.md, Com1.pdf)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in RESERVED


def _id_position(document: Document) -> tuple[int, int]:
    if document.positions.written(("id",)):
        return document.position(("id",))
    return (1, 1)  # the id comes from the file name


def check_names(documents: Iterable[Document]) -> list[Diagnostic]:
    """Every id and page path that names an output file, checked as a file name: a
    segment or value-map id used twice, or twice but for case, would name one folder."""
    found: list[Diagnostic] = []
    folded: dict[tuple[str, str], Document] = {}
    page_urls: dict[str, Document] = {}
    for document in documents:
        if document.model.type == "page":
            found.extend(_page_name(document, page_urls))
            continue
        kind, document_id = document.model.type, document.model.id
        if reserved_name(document_id):
            line, column = _id_position(document)  # only now: positions are unpacked on demand
            found.append(
                diagnostic(
                    "VPC109",
                    document.path,
                    line,
                    column,
                    f"{kind} id '{document_id}' is a device name on Windows, where its folder cannot be made",
                    f"choose another id, such as '{document_id}-{kind.split('-')[0]}'",
                )
            )
        key = (kind, document_id.casefold())
        other = folded.get(key)
        if other is not None and other.model.id == document_id:
            where = ("id",) if document.positions.written(("id",)) else ("title",)
            line, column = document.position(where, key=where == ("title",))
            found.append(
                diagnostic(
                    "VPC108",
                    document.path,
                    line,
                    column,
                    f"{kind} id '{document_id}' is already used by {other.path}",
                    "give one of them a different 'id:' (or rename the file)",
                )
            )
        elif other is not None:
            line, column = _id_position(document)
            found.append(
                diagnostic(
                    "VPC108",
                    document.path,
                    line,
                    column,
                    f"{kind} id '{document_id}' differs only in case from '{other.model.id}' ({other.path}); "
                    "on macOS and Windows their folders are one",
                    "give one of them an id that differs in more than case",
                )
            )
        folded.setdefault(key, document)
    return found


def _page_name(document: Document, seen: dict[str, Document]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    parts = document.relative.removesuffix(".md").split("/")
    for part in parts:
        if not _ID.match(part):
            # "javascript:alert(1).md" would put that scheme into every page's navigation.
            found.append(
                diagnostic(
                    "VPC109",
                    document.path,
                    1,
                    1,
                    f"page path '{part}' is not a valid name for a page's URL",
                    "page files and their folders are named like ids: letters, digits, '-' and '_', starting with a letter or digit",
                )
            )
            return found
        if reserved_name(part):
            found.append(
                diagnostic(
                    "VPC109",
                    document.path,
                    1,
                    1,
                    f"page path '{part}' is a device name on Windows, where its folder cannot be made",
                    "rename the file or its folder",
                )
            )
            return found
    url = page_url(document.relative).casefold()
    other = seen.get(url)
    if other is not None and page_url(other.relative) != page_url(document.relative):
        found.append(
            diagnostic(
                "VPC110",
                document.path,
                1,
                1,
                f"page would be written to {page_url(document.relative)}, which differs only in case from {other.path}'s; on macOS and Windows they are one",
                "rename one of them",
            )
        )
    seen.setdefault(url, document)
    return found

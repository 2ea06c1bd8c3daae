"""Site-wide checks: every reference resolves to the right kind of item, ids are unique
across the site, and the canvas warnings of DESIGN §4. Diagnostics only, no printing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from .diagnostics import Diagnostic, diagnostic
from .fit import Fit, addressed, fit, percent
from .memo import remembered, source
from .model import Document, Segment, Site, ValueMap, items_of
from .schema import did_you_mean
from .urls import GENERATED_FOLDERS, page_url

# Which section a reference must point into, its code when it does not resolve.
_REFERENCES = {
    # (value-map section, key): (where the ids live, what they are, code)
    ("relievers", "relieves"): ("pains", "pain", "VPC201"),
    ("creators", "creates"): ("gains", "gain", "VPC202"),
    ("products", "jobs"): ("jobs", "job", "VPC203"),
}
_SINGULAR = {"jobs": "job", "pains": "pain", "gains": "gain"}
#: How each reference reads in a message: "reliever 'r' relieves 'p'", "product 'a' serves job 'j'".
_VERB = {"relieves": "relieves", "creates": "creates", "jobs": "serves job"}
_OWNER = {"relievers": "reliever", "creators": "creator", "products": "product"}


def check_page_urls(pages: Iterable[Document]) -> list[Diagnostic]:
    """A page goes where its file name says (DESIGN §8); it may not land on a page that
    vpcsite writes itself, or on another page, since one of the two would be lost."""
    found: list[Diagnostic] = []
    first: dict[str, Document] = {}
    for document in pages:
        url = page_url(document.relative)
        top = url.split("/", 1)[0]
        if top in GENERATED_FOLDERS:
            found.append(
                diagnostic(
                    "VPC110",
                    document.path,
                    1,
                    1,
                    f"page would be written to {url}, inside {top}/, which vpcsite fills itself",
                    "rename or move the file; pages may not use the folders " + ", ".join(f"{f}/" for f in GENERATED_FOLDERS),
                )
            )
        elif url in first:
            found.append(
                diagnostic(
                    "VPC110",
                    document.path,
                    1,
                    1,
                    f"page would be written to {url}, as is {first[url].path}",
                    "rename one of them: 'about.md' and 'about/index.md' are the same page",
                )
            )
        else:
            first[url] = document
    return found


def canvas_fit(document: Document, segment: Document, target: tuple[float, float]) -> Fit:
    """The fit of a value map against its segment (fit.fit), remembered."""
    # The key is built inline: asked for twice per canvas on every rebuild (the checks
    # and the scores), 5,000 canvases each time while serving.
    return remembered(
        ("fit", document.path, document.digest, segment.path, segment.digest, target), partial(fit, segment.model, document.model, target)
    )  # type: ignore[arg-type]


def check_links(
    site: Site,
    value_maps: Iterable[Document],
    drafts_left_out: Iterable[str] = (),
    failed: Iterable[tuple[str, str]] = (),
) -> list[Diagnostic]:
    """Resolve `segment`, `relieves`, `creates`, `jobs` and `by` of every value map.

    `value_maps` includes any whose id clashes with another, so each file is checked.
    """
    left_out = set(drafts_left_out)
    broken = {document_id for kind, document_id in failed if kind == "segment"}
    found: list[Diagnostic] = []
    for document in value_maps:
        value_map = document.model
        assert isinstance(value_map, ValueMap)
        found.extend(remembered(("by", *source(document)), partial(_check_by, document)))
        target = site.segments.get(value_map.segment)
        if target is None and (value_map.segment in broken or not value_map.segment):
            continue  # that segment's file has errors of its own, or this map's `segment` has
        if target is None:
            line, column = document.position(("segment",))
            guess = did_you_mean(value_map.segment, [*site.segments, *broken])
            if value_map.segment in left_out:
                hint = f"segment '{value_map.segment}' is a draft; build with --drafts or remove 'draft: true'"
            elif guess in broken:
                hint = f"did you mean '{guess}'? (its file has errors of its own)"
            elif guess and site.segments[guess].partial:
                hint = f"did you mean '{guess}'? ({site.segments[guess].path}, which has errors of its own)"
            elif guess:
                hint = f"did you mean '{guess}'? ({site.segments[guess].path})"
            else:
                hint = "segments: " + (", ".join(sorted(site.segments)) or "none yet; add one under content/segments/")
            found.append(
                diagnostic(
                    "VPC205",
                    document.path,
                    line,
                    column,
                    f"value map '{value_map.id}' names segment '{value_map.segment}', which does not exist",
                    hint,
                )
            )
        else:
            found.extend(remembered(("refs", *source(document), *source(target)), partial(_check_references, document, target)))
    return found


def _check_references(document: Document, target: Document) -> list[Diagnostic]:
    value_map, segment = document.model, target.model
    assert isinstance(value_map, ValueMap) and isinstance(segment, Segment)
    ids = {section: {item.id: index for index, item in enumerate(getattr(segment, section))} for section in _SINGULAR}
    found = []
    for (section, key), (into, noun, code) in _REFERENCES.items():
        for index, item in enumerate(getattr(value_map, section)):
            for ref_index, ref in enumerate(getattr(item, key)):
                if ref in ids[into]:
                    continue
                line, column = document.position((section, index, key, ref_index))
                other = next((s for s in ids if ref in ids[s]), None)
                owner = f"{_OWNER[section]} '{item.id}'"
                if target.may_hold(ref, into):
                    continue  # an item the segment's file has errors in, or near one
                if other is not None:
                    right = {"pains": "a reliever's 'relieves'", "gains": "a creator's 'creates'", "jobs": "a product's 'jobs'"}[other]
                    found.append(
                        diagnostic(
                            "VPC206",
                            document.path,
                            line,
                            column,
                            f"{owner} {_VERB[key]} '{ref}', which is a {_SINGULAR[other]} of segment '{segment.id}', not a {noun}",
                            f"a {_SINGULAR[other]} belongs in {right}",
                        )
                    )
                    continue
                guess = did_you_mean(ref, ids[into])
                if guess is not None:
                    where = target.position((into, ids[into][guess]))
                    hint = f"did you mean '{guess}'? ({target.path}:{where[0]})"
                elif ids[into]:
                    hint = f"{noun}s of '{segment.id}': " + ", ".join(ids[into])
                else:
                    hint = f"segment '{segment.id}' has no {noun}s yet ({target.path})"
                found.append(
                    diagnostic(
                        code,
                        document.path,
                        line,
                        column,
                        f"{owner} {_VERB[key]} '{ref}', which is not a {noun} of segment '{segment.id}'",
                        hint,
                    )
                )
    return found


def _check_by(document: Document) -> list[Diagnostic]:
    value_map = document.model
    assert isinstance(value_map, ValueMap)
    products = {product.id for product in value_map.products}
    found = []
    for section in ("relievers", "creators"):
        for index, item in enumerate(getattr(value_map, section)):
            for ref_index, ref in enumerate(item.by):
                if ref in products or document.may_hold(ref, "products"):
                    continue
                line, column = document.position((section, index, "by", ref_index))
                guess = did_you_mean(ref, products)
                hint = (
                    f"did you mean '{guess}'?"
                    if guess
                    else ("products of this value map: " + ", ".join(sorted(products)) if products else "add it under 'products:'")
                )
                found.append(
                    diagnostic(
                        "VPC204",
                        document.path,
                        line,
                        column,
                        f"{_OWNER[section]} '{item.id}' is delivered by '{ref}', which is not a product of value map '{value_map.id}'",
                        hint,
                    )
                )
    return found


def canvas_warnings(site: Site, value_maps: list[Document], target: tuple[float, float], also_targeted: Iterable[str] = ()) -> list[Diagnostic]:
    """The warnings of DESIGN §4: orphan items, unaddressed high-weight needs, low fit.

    `also_targeted`: segments named by value maps that could not be loaded. Only what
    is known is warned about: a value map with errors gets the warnings about its own
    intact items, an unaddressed pain or gain needs the pain or gain and every reliever
    or creator intact, and the fit needs the whole value map and segment."""
    return [*untargeted_segments(site, value_maps, also_targeted), *canvas_warnings_of(site, value_maps, target)]


def untargeted_segments(site: Site, value_maps: list[Document], also_targeted: Iterable[str] = ()) -> list[Diagnostic]:
    """VPC306: segments no value map (`value_maps`, every one of the site) targets."""
    found: list[Diagnostic] = []
    targeted = {document.model.segment for document in value_maps} | set(also_targeted)  # type: ignore[union-attr]
    for segment_id, document in site.segments.items():
        if segment_id not in targeted:
            line, column = document.position(("title",), key=True)
            found.append(
                diagnostic(
                    "VPC306",
                    document.path,
                    line,
                    column,
                    f"segment '{segment_id}' is targeted by no value map",
                    f"add a value map with 'segment: {segment_id}' under content/value-maps/",
                )
            )
    return found


def canvas_warnings_of(site: Site, value_maps: list[Document], target: tuple[float, float]) -> list[Diagnostic]:
    """The warnings of each of `value_maps` against its segment, each at the value map's
    own file (check.py rechecks only the canvases an edit touched, by that)."""
    found: list[Diagnostic] = []
    for document in value_maps:
        value_map = document.model
        assert isinstance(value_map, ValueMap)
        path, digest = document.path, document.digest
        found.extend(remembered(("orphans", path, digest), partial(_orphans, document, value_map)))
        target_doc = site.segments.get(value_map.segment)
        if target_doc is None:
            continue
        found.extend(remembered(("open", path, digest, target_doc.path, target_doc.digest), partial(_unaddressed, document, value_map, target_doc)))
        if document.partial or target_doc.partial:
            continue  # the fit needs every weight and every link
        result = canvas_fit(document, target_doc, target)
        if result.band == "below":
            line, column = document.position(("title",))
            found.append(
                diagnostic(
                    "VPC307",
                    document.path,
                    line,
                    column,
                    f"fit of '{value_map.id}' is {percent(result.overall.value)}, below the target band {percent(target[0])}–{percent(target[1])}",
                    "relieve the most severe pains and create the most relevant gains first",
                )
            )
    return found


def _orphans(document: Document, value_map: ValueMap) -> list[Diagnostic]:
    found = []
    delivering = {product for section in ("relievers", "creators") for item in getattr(value_map, section) for product in item.by}
    # A reliever or creator with errors may name any product in its `by`.
    deliveries_known = _intact(document, "relievers") and _intact(document, "creators")
    for section, index, item in items_of(value_map):
        if (section, index) in document.damaged:
            continue
        # Positions are looked up only for what is reported: finding one unpacks them.
        if section == "relievers" and not item.relieves:  # type: ignore[attr-defined]
            line, column = document.position((section, index))
            found.append(
                diagnostic(
                    "VPC301",
                    document.path,
                    line,
                    column,
                    f"reliever '{item.id}' relieves no pain",
                    "list the pains it relieves: 'relieves: [pain-id]'",
                )
            )
        elif section == "creators" and not item.creates:  # type: ignore[attr-defined]
            line, column = document.position((section, index))
            found.append(
                diagnostic(
                    "VPC302", document.path, line, column, f"creator '{item.id}' creates no gain", "list the gains it creates: 'creates: [gain-id]'"
                )
            )
        elif section == "products" and not item.jobs and item.id not in delivering and deliveries_known:  # type: ignore[attr-defined]
            found.append(
                diagnostic(
                    "VPC303",
                    document.path,
                    *document.position((section, index)),
                    f"product '{item.id}' serves no job and delivers no reliever or creator",
                    "list the jobs it helps with ('jobs: [job-id]') or name it in a reliever's or creator's 'by'",
                )
            )
    return found


def _intact(document: Document, section: str) -> bool:
    """Whether every item of a section was read without error (always, in a whole document)."""
    return not document.partial or (f"*{section}" not in document.unresolved and all(damaged != section for damaged, _ in document.damaged))


def _unaddressed(document: Document, value_map: ValueMap, target: Document) -> list[Diagnostic]:
    """Severe pains and relevant gains no reliever or creator addresses: known for every
    intact pain (gain) once every reliever (creator) of the value map was read."""
    segment = target.model
    assert isinstance(segment, Segment)
    hit = addressed(value_map)
    found = []
    pains_known, gains_known = _intact(document, "relievers"), _intact(document, "creators")
    for index, pain in enumerate(segment.pains):
        if pains_known and ("pains", index) not in target.damaged and pain.severity >= 4 and pain.id not in hit.pains:
            found.append(
                diagnostic(
                    "VPC304",
                    document.path,
                    *document.position(("segment",)),
                    f"pain '{pain.id}' (severity {pain.severity}) of segment '{segment.id}' is relieved by no reliever of '{value_map.id}'",
                    f"add a reliever with 'relieves: [{pain.id}]'",
                )
            )
    for index, gain in enumerate(segment.gains):
        if gains_known and ("gains", index) not in target.damaged and gain.relevance >= 4 and gain.id not in hit.gains:
            found.append(
                diagnostic(
                    "VPC305",
                    document.path,
                    *document.position(("segment",)),
                    f"gain '{gain.id}' (relevance {gain.relevance}) of segment '{segment.id}' is created by no creator of '{value_map.id}'",
                    f"add a creator with 'creates: [{gain.id}]'",
                )
            )
    return found

"""The built example site in a real browser: valid HTML, accessible, interactive, responsive.

Checks run on the output of `vpcsite build`: the Nu HTML checker on every page, axe-core and
the canvas's hover and keyboard highlighting in headless Chromium, and the page width at a
desktop and a phone viewport. `scripts/test.sh` installs every tool these tests use; a
missing tool fails the test that needs it, with a message naming what to run.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from vpcsite.build import check_site
from vpcsite.cli import main
from vpcsite.model import SECTIONS

from .conftest import ROOT, commit_history, copy_example, gen_site

NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "run `bash scripts/test.sh`, which installs everything the tests need"

#: The classes canvas.js sets while an item is hovered or focused: `is-active` on that
#: item, `is-linked` on every item it links to.
LINKED_CLASS = "is-linked"
ACTIVE_CLASS = "is-active"

CANVAS = "fitnow"
RELIEVER = "ten-minute-workouts"

#: One page of each kind the site has, by the template that renders it.
PAGES = {
    "index": "index.html",
    "canvas": f"canvases/{CANVAS}/index.html",
    "segment": "segments/busy-professional/index.html",
    "fit": "fit/index.html",
    "page": "about/index.html",
    "experiment": "experiments/badge-ab-test/index.html",
    "experiments": "experiments/index.html",
    "assumptions": "assumptions/index.html",
    "business-model": "business-models/fitnow-business/index.html",
}
#: The pages of the method beyond the canvas (experiments, assumptions, business models).
METHOD_PAGES = ("experiment", "experiments", "assumptions", "business-model")
VIEWPORTS = {"desktop-1280x800": (1280, 800), "phone-390x844": (390, 844)}
SERIOUS_IMPACTS = {"serious", "critical"}


# --- the built site ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's example site, so building it writes nothing here; a
    git repository with history, so pages show fit history too."""
    site = copy_example(tmp_path_factory.mktemp("example-site") / "site")
    commit_history(site)
    return site


@pytest.fixture(scope="module")
def public(example_site: Path) -> Path:
    """The example site built with `vpcsite build --no-pdf`: its output folder."""
    # Run from the site folder, as a user does; `--source` still names it explicitly.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(example_site)
        result = CliRunner().invoke(main, ["--source", str(example_site), "build", "--no-pdf"])
    assert result.exit_code == 0, f"build failed (exit {result.exit_code}):\n{result.output}"
    output = example_site / "public"
    assert (output / "index.html").is_file(), f"the build wrote no index.html:\n{result.output}"
    return output


@pytest.fixture(scope="module")
def checked(example_site: Path):
    """The example site's model, the source of truth the pages are compared with."""
    return check_site(example_site)


@pytest.fixture(scope="module")
def server(public: Path) -> Iterator[str]:
    """The output folder served over HTTP on a free local port; yields its base URL."""

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(public)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def page_address(public: Path, server: str | None, path: str) -> str:
    """The page at `path` opened from disk (server None) or from the local HTTP server."""
    if server is None:
        return (public / path).as_uri()
    return server + path


def canvas_item_count(checked, canvas_id: str) -> int:
    """Items drawn on a canvas: those of its value map and of the segment it targets."""
    value_map = checked.site.value_maps[canvas_id].model
    segment = checked.site.segments[value_map.segment].model
    return sum(len(getattr(document, section)) for document in (value_map, segment) for section in SECTIONS[document.type])


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by playwright (whose own browsers are never used)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the Python package 'playwright' is not installed: {INSTALL_HINT}")
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: {INSTALL_HINT}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser):
    """Open pages in a fresh browser context at a given viewport; closes them afterwards."""
    contexts = []

    def open_page(width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def element_ids(page, selector: str) -> set[str]:
    return set(page.eval_on_selector_all(selector, "elements => elements.map(element => element.id)"))


# --- the Nu HTML checker -----------------------------------------------------------------


def test_every_page_passes_the_nu_html_checker(public: Path):
    java = shutil.which("java")
    assert java, f"java is not on PATH: {INSTALL_HINT}"
    assert VNU_JAR.is_file(), f"{VNU_JAR.relative_to(ROOT)} is missing: {INSTALL_HINT}"
    pages = sorted(public.rglob("*.html"))
    assert pages, "the build wrote no HTML pages"
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the checker gave no JSON report (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")

    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]

    def where(message: dict) -> str:
        url = message.get("url", "")
        path = url.removeprefix("file:")
        with contextlib.suppress(ValueError):
            path = Path(path).relative_to(public).as_posix()
        return f"{path}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"

    report = "\n".join(
        f"{where(m)}: {m.get('subType') or m['type']}: {m.get('message', '').strip()}\n    {m.get('extract', '').strip()!r}" for m in errors
    )
    if errors:
        pytest.fail(f"{len(errors)} HTML error(s) in {len(pages)} pages:\n{report}", pytrace=False)


# --- axe-core ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_serious_accessibility_violations(public: Path, new_page, kind: str):
    assert AXE_SCRIPT.is_file(), f"{AXE_SCRIPT.relative_to(ROOT)} is missing: {INSTALL_HINT}"
    page = new_page()
    page.goto(page_address(public, None, PAGES[kind]))
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run()")
    serious = [v for v in results["violations"] if v.get("impact") in SERIOUS_IMPACTS]
    report = "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} ({v.get('helpUrl', '')})\n"
        + "\n".join(
            f"    {', '.join(map(str, node['target']))}\n        " + node.get("failureSummary", "").strip().replace("\n", "\n        ")
            for node in v["nodes"]
        )
        for v in serious
    )
    if serious:
        pytest.fail(f"{PAGES[kind]}: {len(serious)} serious or critical axe violation(s):\n{report}", pytrace=False)


# --- the canvas: loading, highlighting, width --------------------------------------------


@pytest.mark.parametrize("served", ["file", "http"])
def test_canvas_page_loads_its_stylesheet_and_script_without_errors(public: Path, server: str, new_page, served: str):
    page = new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # Failed loads are reported with their address by the two handlers below; the console's
    # copy of them has none, and includes the browser's own favicon request.
    page.on(
        "console",
        lambda message: (
            message.type == "error" and not message.text.startswith("Failed to load resource") and problems.append(f"console error: {message.text}")
        ),
    )
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and problems.append(f"HTTP {response.status}: {response.url}"))
    page.goto(page_address(public, server if served == "http" else None, PAGES["canvas"]))
    loaded = page.evaluate(
        """() => ({
            stylesheets: [...document.styleSheets].filter(sheet => { try { return sheet.cssRules.length > 0 } catch (e) { return true } }).length,
            scripts: document.scripts.length,
        })"""
    )
    assert not problems, f"{PAGES['canvas']} over {served}:\n" + "\n".join(problems)
    assert loaded["stylesheets"] > 0, f"{PAGES['canvas']} over {served}: no stylesheet with rules was applied"
    assert loaded["scripts"] > 0, f"{PAGES['canvas']} over {served}: the page loads no script"


def expected_pains(checked) -> set[str]:
    """DOM ids of the pains the reliever relieves, according to the model."""
    value_map = checked.site.value_maps[CANVAS].model
    reliever = next(r for r in value_map.relievers if r.id == RELIEVER)
    assert reliever.relieves, f"reliever '{RELIEVER}' relieves no pain: the test would prove nothing"
    return {f"vpc-pains-{pain}" for pain in reliever.relieves}


def open_reliever(page, address: str):
    page.goto(address)
    reliever = page.locator(f"#vpc-relievers-{RELIEVER}")
    assert reliever.count() == 1, f"no element with id 'vpc-relievers-{RELIEVER}' on {address}"
    assert not element_ids(page, f".{LINKED_CLASS}"), f"items are highlighted before any interaction on {address}"
    return reliever


@pytest.mark.parametrize("served", ["file", "http"])
def test_hovering_a_reliever_highlights_exactly_the_pains_it_relieves(public: Path, server: str, checked, new_page, served: str):
    page = new_page()
    reliever = open_reliever(page, page_address(public, server if served == "http" else None, PAGES["canvas"]))
    reliever.hover()
    highlighted = element_ids(page, f'[id^="vpc-pains-"].{LINKED_CLASS}')
    assert highlighted == expected_pains(checked), (
        f"hovering '{RELIEVER}' highlighted pains {sorted(highlighted)}, expected {sorted(expected_pains(checked))} (class '{LINKED_CLASS}')"
    )


def test_focusing_a_reliever_highlights_its_pains_and_blurring_clears_them(public: Path, checked, new_page):
    page = new_page()
    reliever = open_reliever(page, page_address(public, None, PAGES["canvas"]))
    page.focus(f"#vpc-relievers-{RELIEVER}")
    focused = page.evaluate("() => document.activeElement && document.activeElement.id")
    assert focused == f"vpc-relievers-{RELIEVER}", f'the reliever cannot take keyboard focus (focus is on {focused!r}): does it have tabindex="0"?'
    highlighted = element_ids(page, f'[id^="vpc-pains-"].{LINKED_CLASS}')
    assert highlighted == expected_pains(checked), (
        f"focusing '{RELIEVER}' highlighted pains {sorted(highlighted)}, expected {sorted(expected_pains(checked))}"
    )
    reliever.blur()
    still = element_ids(page, f".{LINKED_CLASS}, .{ACTIVE_CLASS}")
    assert not still, f"after blur these items are still highlighted: {sorted(still)}"


@pytest.fixture(scope="module")
def largest_canvas(checked) -> str:
    return max(sorted(checked.site.value_maps), key=lambda canvas_id: canvas_item_count(checked, canvas_id))


@pytest.mark.parametrize("canvas", [CANVAS, "largest"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_canvas_page_does_not_overflow_the_viewport_horizontally(public: Path, new_page, largest_canvas: str, viewport: str, canvas: str):
    canvas_id = largest_canvas if canvas == "largest" else canvas
    width, height = VIEWPORTS[viewport]
    page = new_page(width, height)
    page.goto(page_address(public, None, f"canvases/{canvas_id}/index.html"))
    measured = page.evaluate(
        """() => {
            const limit = window.innerWidth;
            const past = element => element.getBoundingClientRect().right > limit + 0.5;
            const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                + (typeof element.className === 'string' && element.className.trim()
                    ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
            const path = element => {
                const names = [];
                for (let e = element; e && e !== document.body && names.length < 4; e = e.parentElement) names.unshift(name(e));
                return names.join(' > ');
            };
            // The elements that cross the edge themselves, not their descendants.
            const wide = [...document.querySelectorAll('body *')]
                .filter(element => past(element) && !(element.parentElement && element.parentElement !== document.body && past(element.parentElement)))
                .slice(0, 10)
                .map(element => path(element) + ' (right edge ' + Math.round(element.getBoundingClientRect().right) + 'px)');
            return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, wide};
        }"""
    )
    assert measured["scrollWidth"] <= measured["innerWidth"], (
        f"canvas '{canvas_id}' at {width}×{height} is {measured['scrollWidth']}px wide, "
        f"wider than the {measured['innerWidth']}px viewport; first elements past the edge:\n    " + "\n    ".join(measured["wide"])
    )


@pytest.mark.parametrize("kind", METHOD_PAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_method_page_does_not_overflow_the_viewport_horizontally(public: Path, new_page, viewport: str, kind: str):
    width, height = VIEWPORTS[viewport]
    page = new_page(width, height)
    page.goto(page_address(public, None, PAGES[kind]))
    measured = page.evaluate("() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})")
    assert measured["scrollWidth"] <= measured["innerWidth"], f"{PAGES[kind]} at {width}×{height} is {measured['scrollWidth']}px wide"


# --- the canvas drawing: a true square facing a true circle, on the first screen -----------

#: The example canvases (value maps whose segment exists).
EXAMPLE_CANVASES = ("fitnow", "gym-chain", "trainer-dashboard")

MEASURE_DRAWING = """() => {
    const box = selector => {
        const r = document.querySelector(selector).getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height};
    };
    return {
        map: box('[data-vpc="value-map"] .vpc-square'),
        mapGroup: box('[data-vpc="value-map"]'),
        profile: box('[data-vpc="profile"] .vpc-circle'),
        profileGroup: box('[data-vpc="profile"]'),
        header: document.querySelector('.site-header').getBoundingClientRect().bottom,
        viewport: {width: window.innerWidth, height: window.innerHeight},
    };
}"""


@pytest.mark.parametrize("canvas", EXAMPLE_CANVASES)
def test_the_value_map_is_a_square_and_the_profile_a_circle_of_the_same_size_on_the_first_screen(public: Path, new_page, canvas: str):
    page = new_page(1280, 800)
    page.goto(page_address(public, None, f"canvases/{canvas}/index.html"))
    m = page.evaluate(MEASURE_DRAWING)
    for name in ("map", "profile"):
        ratio = m[name]["width"] / m[name]["height"]
        assert 0.95 <= ratio <= 1.05, f"{canvas}: the {name} is {m[name]['width']:.0f}×{m[name]['height']:.0f} px (ratio {ratio:.2f})"
    assert abs(m["map"]["height"] - m["profile"]["height"]) <= 0.05 * m["profile"]["height"]
    assert m["map"]["right"] <= m["profile"]["left"], f"{canvas}: the square is not left of the circle"
    for name in ("mapGroup", "profileGroup"):
        box = m[name]
        assert box["top"] >= m["header"] - 0.5 and box["bottom"] <= 800 and box["left"] >= 0 and box["right"] <= 1280, (
            f"{canvas}: the {name} ({box}) is not wholly inside the first 1280×800 screen under the header"
        )


@pytest.mark.parametrize("canvas", EXAMPLE_CANVASES)
def test_every_item_of_the_profile_lies_inside_the_circle(public: Path, new_page, canvas: str):
    page = new_page(1280, 800)
    page.goto(page_address(public, None, f"canvases/{canvas}/index.html"))
    outside = page.evaluate(
        """() => {
            const c = document.querySelector('[data-vpc="profile"] .vpc-circle').getBoundingClientRect();
            const cx = c.left + c.width / 2, cy = c.top + c.height / 2, r = c.width / 2;
            const items = [...document.querySelectorAll('[data-vpc="profile"] [data-vpc-item]')];
            const out = [];
            for (const item of items) {
                const b = item.getBoundingClientRect();
                for (const [x, y] of [[b.left, b.top], [b.right, b.top], [b.left, b.bottom], [b.right, b.bottom]]) {
                    if (Math.hypot(x - cx, y - cy) > r + 0.5) out.push(item.id + ' corner ' + Math.round(x) + ',' + Math.round(y));
                }
            }
            return {count: items.length, out};
        }"""
    )
    assert outside["count"] > 0, f"{canvas}: no [data-vpc-item] in the profile"
    assert not outside["out"], f"{canvas}: item boxes cross the circle:\n" + "\n".join(outside["out"])


def test_every_item_of_the_canvas_is_on_the_drawing_with_its_whole_text(public: Path, checked, new_page):
    page = new_page(1280, 800)
    page.goto(page_address(public, None, PAGES["canvas"]))
    shown = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-vpc-item]')].map(e => [e.id, e.querySelector('text').textContent]))"
    )
    assert len(shown) == canvas_item_count(checked, CANVAS)
    value_map = checked.site.value_maps[CANVAS].model
    for reliever in value_map.relievers:
        # The rank mark, then the lines (tspans): the text reads whole, a space between them.
        rank, text = shown[f"vpc-relievers-{reliever.id}"].split(" ", 1)
        assert rank.startswith("R") and text.rstrip() == reliever.text


def test_hovering_an_item_draws_a_line_to_each_item_it_addresses_and_shows_its_details(public: Path, checked, new_page):
    page = new_page(1280, 800)
    reliever = open_reliever(page, page_address(public, None, PAGES["canvas"]))
    assert page.locator(".vpc-links .vpc-link").count() == 0
    assert page.locator(".vpc-panel").is_hidden()
    reliever.hover()
    value_map = checked.site.value_maps[CANVAS].model
    model = next(r for r in value_map.relievers if r.id == RELIEVER)
    assert page.locator(".vpc-links .vpc-link").count() == len(model.relieves) + len(model.by)
    panel = page.locator(".vpc-panel")
    assert panel.is_visible() and "relieves" in panel.inner_text()
    page.mouse.move(1, 1)
    assert page.locator(".vpc-links .vpc-link").count() == 0


def test_an_item_describes_its_links_for_screen_readers(public: Path, new_page):
    page = new_page(1280, 800)
    page.goto(page_address(public, None, PAGES["canvas"]))
    described = page.evaluate(
        f"""() => {{
            const item = document.getElementById('vpc-relievers-{RELIEVER}');
            return document.getElementById(item.getAttribute('aria-describedby')).textContent;
        }}"""
    )
    assert described.startswith("relieves: P1 Lack of time")


def test_the_drawing_reads_without_script(public: Path, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(page_address(public, None, PAGES["canvas"]))
        assert page.locator("[data-vpc-item]").first.is_visible()
        assert page.locator(f"#vpc-relievers-{RELIEVER}-entry").is_visible()
        assert "10-minute workouts" in page.locator(f"#vpc-relievers-{RELIEVER}-entry").inner_text()
    finally:
        context.close()


def test_no_page_is_wider_than_a_390_px_phone(public: Path, new_page):
    page = new_page(390, 844)
    wide = []
    for path in sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html")):
        page.goto(page_address(public, None, path))
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width}px")
    assert not wide, "pages wider than 390 px:\n" + "\n".join(wide)


def test_embed_this_canvas_copies_an_img_snippet_of_the_svg(public: Path, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(page_address(public, None, PAGES["canvas"]))
        page.click(".vpc-embed summary")
        page.click(".vpc-embed__copy")
        page.wait_for_function("() => document.querySelector('.vpc-embed__copy').textContent === 'Copied'")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith('<img src="canvases/fitnow/canvas.svg" alt="Value Proposition Canvas: FitNow app')
        image = page.evaluate(
            """async () => {
                const img = new Image();
                img.src = '../../canvases/fitnow/canvas.svg';
                await img.decode();
                return [img.naturalWidth, img.naturalHeight];
            }"""
        )
        assert image[0] > image[1] > 0, "the embedded SVG does not load as an image"
    finally:
        context.close()


# --- a crowded canvas --------------------------------------------------------------------


@pytest.fixture(scope="module")
def dense_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty generated canvases of 5-12 items a block, built: most too full for the
    drawing at its smallest type, so their drawing grows."""
    site = tmp_path_factory.mktemp("dense") / "site"
    gen_site().generate(20, site, seed=0)
    result = CliRunner().invoke(main, ["--source", str(site), "build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    return site / "public"


#: The drawing of a canvas page, measured: every item id on it, the items of the profile
#: whose corners leave the circle, how far its frame scrolls, and the page's width.
MEASURE_CROWDED = """() => {
    const c = document.querySelector('[data-vpc="profile"] .vpc-circle').getBoundingClientRect();
    const cx = c.left + c.width / 2, cy = c.top + c.height / 2, r = c.width / 2;
    const out = [];
    for (const item of document.querySelectorAll('[data-vpc="profile"] [data-vpc-item]')) {
        const b = item.querySelector('rect').getBoundingClientRect();
        for (const [x, y] of [[b.left, b.top], [b.right, b.top], [b.left, b.bottom], [b.right, b.bottom]]) {
            if (Math.hypot(x - cx, y - cy) > r + 0.5) out.push(item.id);
        }
    }
    const frame = document.querySelector('.vpc-figure__scroll');
    const square = document.querySelector('.vpc-square').getBoundingClientRect();
    return {
        ids: [...document.querySelectorAll('.vpc-svg [data-vpc-item]')].map(e => e.getAttribute('data-vpc-item')).sort(),
        out, scrolls: frame.scrollWidth > frame.clientWidth + 1,
        shapes: [square.width / square.height, c.width / c.height, c.height / square.height],
        pageWidth: document.documentElement.scrollWidth,
    };
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_crowded_canvas_shows_every_item_on_a_drawing_that_grows_and_scrolls_in_its_frame(dense_public: Path, new_page, viewport: str):
    width, height = VIEWPORTS[viewport]
    site = check_site(dense_public.parent).site
    page = new_page(width, height)
    grown = 0
    for canvas_id, document in sorted(site.value_maps.items()):
        value_map = document.model
        segment = site.segments[value_map.segment].model
        expected = sorted(item.id for doc in (value_map, segment) for section in SECTIONS[doc.type] for item in getattr(doc, section))
        page.goto(page_address(dense_public, None, f"canvases/{canvas_id}/index.html"))
        m = page.evaluate(MEASURE_CROWDED)
        assert m["ids"] == expected, canvas_id
        assert not m["out"], f"{canvas_id}: items cross the circle: {m['out']}"
        assert all(0.95 <= ratio <= 1.05 for ratio in m["shapes"]), (canvas_id, m["shapes"])
        assert m["pageWidth"] <= width, f"{canvas_id}: the page is {m['pageWidth']}px wide"
        if page.locator(".vpc-figure__scroll--grown").count():
            grown += 1
            assert m["scrolls"], f"{canvas_id}: a grown drawing does not scroll in its frame"
    assert grown, "no generated canvas grew"


def test_hovering_an_item_of_a_grown_drawing_draws_its_links_to_the_items_themselves(dense_public: Path, new_page):
    page = new_page(1280, 800)
    page.goto(page_address(dense_public, None, "canvases/brightbase/index.html"))
    assert page.locator(".vpc-figure__scroll--grown").count() == 1
    page.locator(".vpc-item--relievers").first.focus()
    ends = page.evaluate(
        """() => [...document.querySelectorAll('.vpc-links .vpc-link-end')].map(end => {
            const at = end.getBoundingClientRect();
            const x = at.left + at.width / 2, y = at.top + at.height / 2;
            return [...document.querySelectorAll('.is-linked > rect:first-child')].some(rect => {
                const b = rect.getBoundingClientRect();
                return x >= b.left - 2 && x <= b.right + 2 && y >= b.top - 2 && y <= b.bottom + 2;
            });
        })"""
    )
    assert ends and all(ends), "a link of a grown drawing ends away from the item it links to"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_segment_page_draws_a_round_profile_with_every_item_inside_it(public: Path, new_page, viewport: str):
    width, height = VIEWPORTS[viewport]
    page = new_page(width, height)
    page.goto(page_address(public, None, PAGES["segment"]))
    m = page.evaluate(
        MEASURE_CROWDED.replace("const square = document.querySelector('.vpc-square')", "const square = document.querySelector('.vpc-circle')")
    )
    assert len(m["ids"]) == 16 and not m["out"], m
    assert 0.95 <= m["shapes"][1] <= 1.05, m["shapes"]
    assert m["pageWidth"] <= width


def test_the_detail_panel_of_a_grown_drawing_stays_beside_the_drawing(dense_public: Path, new_page):
    page = new_page(1280, 800)
    page.goto(page_address(dense_public, None, "canvases/brightbase/index.html"))
    # Scroll the frame so that a creator's box is half out of it on the left, then hover
    # the half in sight: the panel is placed by the box, and must not leave the figure.
    at = page.evaluate(
        """() => {
            const frame = document.querySelector('.vpc-figure__scroll--grown');
            const item = document.querySelector('.vpc-item--creators');
            const box = item.querySelector('rect').getBoundingClientRect();
            frame.scrollLeft += box.left - frame.getBoundingClientRect().left + box.width / 2;
            const moved = item.querySelector('rect').getBoundingClientRect();
            return [frame.getBoundingClientRect().left + 5, moved.top + moved.height / 2, moved.left < frame.getBoundingClientRect().left];
        }"""
    )
    assert at[2], "the item's box is not half out of the frame"
    page.mouse.move(at[0], at[1])
    boxes = page.evaluate(
        """() => [document.querySelector('.vpc-panel'), document.querySelector('[data-vpc-canvas]')].map(e => {
            const r = e.getBoundingClientRect();
            return [r.left, r.right];
        })"""
    )
    (left, right), (figure_left, figure_right) = boxes
    assert page.locator(".vpc-panel").is_visible()
    assert figure_left - 0.5 <= left and right <= figure_right + 0.5, boxes


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_grown_drawing_has_no_serious_accessibility_violations(dense_public: Path, new_page, viewport: str):
    page = new_page(*VIEWPORTS[viewport])
    page.goto(page_address(dense_public, None, "canvases/brightbase/index.html"))
    assert page.locator(".vpc-figure__scroll--grown").count() == 1
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run()")
    serious = [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in results["violations"] if v.get("impact") in SERIOUS_IMPACTS]
    assert not serious, serious

"""The search box in a real browser, on the example site opened from disk (file://): it
loads its index on first use, lists an item's canvas, leads to the item, works from the
keyboard, stays out of the way without JavaScript and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import (  # noqa: F401 - fixtures
    AXE_SCRIPT,
    SERIOUS_IMPACTS,
    browser,
    example_site,
    new_page,
    page_address,
    public,
)

#: A word found only in one item of the example: the reliever "10-minute workouts" of
#: the FitNow canvas.
WORD = "10-minute"
CANVAS_URL = "canvases/fitnow/index.html"
ANCHOR = "vpc-relievers-ten-minute-workouts"


def _results(page) -> list[dict]:
    page.wait_for_selector(".site-search__result")
    return page.eval_on_selector_all(
        ".site-search__result",
        "links => links.map(a => ({href: a.getAttribute('href'), title: a.querySelector('.site-search__title').textContent, where: a.querySelector('.site-search__where').textContent}))",
    )


def test_the_index_is_not_loaded_until_the_box_is_used(public: Path, new_page):
    page = new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page_address(public, None, "index.html"))
    assert not any("search-index.js" in url or "minisearch" in url for url in requested)
    assert not page.evaluate("() => 'vpcsiteSearch' in window")
    page.focus("#site-search-input")
    page.wait_for_function("() => window.vpcsiteSearch && window.MiniSearch")
    assert any(url.endswith("data/search-index.js") for url in requested)


@pytest.mark.parametrize("viewport", [(1280, 800), (1920, 1080)])
@pytest.mark.parametrize("start", ["index.html", CANVAS_URL, "segments/busy-professional/index.html"])
def test_typing_an_items_word_lists_its_canvas_and_the_result_lands_on_the_item(public: Path, new_page, start: str, viewport):
    page = new_page(*viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_address(public, None, start))
    page.fill("#site-search-input", WORD)
    results = _results(page)
    hit = next((r for r in results if r["title"].startswith("10-minute workouts")), None)
    assert hit is not None, results
    assert "FitNow app" in hit["where"] and "Pain reliever" in hit["where"]
    assert not hit["href"].startswith(("/", "file:")), "links are relative, to work at any depth"
    page.click(f".site-search__result[href='{hit['href']}']")
    page.wait_for_url(f"**/{CANVAS_URL}#{ANCHOR}")
    assert page.evaluate("() => decodeURIComponent(location.hash)") == f"#{ANCHOR}"
    target = page.evaluate(
        f"() => {{ const e = document.getElementById('{ANCHOR}'); const r = e.getBoundingClientRect(); return {{text: e.textContent, top: r.top, bottom: r.bottom, height: innerHeight}}; }}"
    )
    assert "10-minute workouts" in target["text"]
    assert 0 <= target["top"] < target["height"], "the item is scrolled into view"
    # The page scrolls, not the clipped drawing around the item (which would shift its
    # content out of its shape).
    shifted = page.evaluate(
        f"() => {{ const out = []; for (let n = document.getElementById('{ANCHOR}').parentElement; n && n !== document.body; n = n.parentElement) if (n.scrollTop || n.scrollLeft) out.push(n.className); return out; }}"
    )
    assert shifted == []
    assert not errors, errors


def test_a_canvas_title_finds_the_canvas_page(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, "about/index.html"))
    page.fill("#site-search-input", "trainer dashboard")
    results = _results(page)
    assert results[0]["title"] == "Trainer dashboard" and results[0]["where"] == "Canvas"
    assert results[0]["href"] == "../canvases/trainer-dashboard/index.html"


def test_a_word_of_an_experiments_hypothesis_lists_the_experiment_and_leads_to_its_page(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, "about/index.html"))
    # "streaks" is in the hypothesis of the badge A/B test (and in an item of FitNow).
    page.fill("#site-search-input", "streaks")
    results = _results(page)
    hit = next((r for r in results if r["title"] == "Badge A/B test in the beta"), None)
    assert hit is not None, results
    assert hit["where"] == "Experiment"
    assert hit["href"] == "../experiments/badge-ab-test/index.html"
    page.click(f".site-search__result[href='{hit['href']}']")
    page.wait_for_url("**/experiments/badge-ab-test/index.html")
    assert "streaks and badges" in page.text_content(".test-card")


def test_a_business_model_block_item_is_found_and_the_result_lands_on_it(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, "index.html"))
    page.fill("#site-search-input", "Garmin")
    results = _results(page)
    hit = next((r for r in results if r["title"] == "Wearable makers: Garmin, Fitbit"), None)
    assert hit is not None, results
    assert hit["where"] == "Key partner \u00b7 FitNow"
    page.click(f".site-search__result[href='{hit['href']}']")
    anchor = "vpc-key_partners-wearable-makers-garmin-fitbit"
    page.wait_for_url(f"**/business-models/fitnow-business/index.html#{anchor}")
    assert "Garmin" in page.text_content(f"#{anchor}")


@pytest.mark.parametrize("viewport", [(1280, 800), (1920, 1080), (390, 844)])
def test_the_results_stay_on_the_screen_wherever_the_header_puts_the_box(public: Path, new_page, viewport):
    """At 1280 px the example's navigation wraps the header and puts the box at the left:
    the panel, which hangs from the box's right edge, then hangs from its left."""
    page = new_page(*viewport)
    page.goto(page_address(public, None, "index.html"))
    page.fill("#site-search-input", "streaks")
    _results(page)
    box = page.evaluate(
        "() => { const r = document.querySelector('.site-search__panel').getBoundingClientRect(); return [r.left, r.right, innerWidth]; }"
    )
    assert box[0] >= 0 and box[1] <= box[2], box


def test_keyboard_moves_through_results_and_escape_closes_them(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, "index.html"))
    page.fill("#site-search-input", "workout")
    results = _results(page)
    assert len(results) >= 2
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == results[0]["href"]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == results[1]["href"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("() => document.activeElement.id") == "site-search-input"
    page.keyboard.press("Escape")
    assert page.is_hidden(".site-search__panel")
    assert page.evaluate("() => document.activeElement.id") == "site-search-input"
    page.keyboard.press("ArrowDown")
    assert page.is_visible(".site-search__panel")


def test_a_word_found_nowhere_says_so(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, "index.html"))
    page.fill("#site-search-input", "xylophonezzz")
    page.wait_for_selector(".site-search__status:has-text('Nothing found')")
    assert page.eval_on_selector_all(".site-search__result", "links => links.length") == 0


def test_without_javascript_the_box_is_hidden(public: Path, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(page_address(public, None, "index.html"))
        assert page.is_hidden(".site-search")
    finally:
        context.close()


def test_open_results_have_no_serious_accessibility_violations(public: Path, new_page):
    page = new_page()
    page.goto(page_address(public, None, CANVAS_URL))
    page.fill("#site-search-input", "workout")
    _results(page)
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run()")
    serious = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in results["violations"] if v.get("impact") in SERIOUS_IMPACTS]
    assert not serious, serious


@pytest.mark.parametrize("path", ["index.html", CANVAS_URL, "fit/index.html"])
def test_the_box_and_its_results_fit_a_phone(public: Path, new_page, path: str):
    page = new_page(390, 844)
    page.goto(page_address(public, None, path))
    box = page.eval_on_selector(".site-search", "e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; }")
    assert box[0] >= 0 and box[1] <= 390 and box[2] >= 200, box
    page.fill("#site-search-input", "workout")
    _results(page)
    panel = page.eval_on_selector(".site-search__panel", "e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; }")
    assert panel[0] >= 0 and panel[1] <= 390, panel
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("viewport", [(1280, 800), (1920, 1080)])
def test_a_result_on_the_same_page_scrolls_the_page_not_the_clipped_drawing(public: Path, new_page, viewport):
    page = new_page(*viewport)
    page.goto(page_address(public, None, "segments/busy-professional/index.html"))
    page.fill("#site-search-input", "track workouts")
    hit = next(r for r in _results(page) if r["where"] == "Customer job · Busy professional")
    page.click(f".site-search__result[href='{hit['href']}']")
    anchor = hit["href"].split("#", 1)[1]
    page.wait_for_function(f"() => location.hash === '#{anchor}'")
    page.wait_for_timeout(100)
    found = page.evaluate(
        f"""() => {{
            const target = document.getElementById('{anchor}');
            const shifted = [];
            for (let n = target.parentElement; n && n !== document.body; n = n.parentElement) if (n.scrollTop || n.scrollLeft) shifted.push(n.className);
            const r = target.getBoundingClientRect();
            return {{shifted, top: r.top, bottom: r.bottom, height: innerHeight}};
        }}"""
    )
    assert found["shifted"] == [], found
    assert found["top"] >= 0 and found["bottom"] <= found["height"], found

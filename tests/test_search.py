"""The search index (data/search-index.js): what it holds, where its results lead, that it
is the same bytes for the same site and is written only when what it shows changed."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from vpcsite.build import BuildOptions, build_site, check_site
from vpcsite.model import items_of
from vpcsite.render.search import DOCUMENT_KINDS, SEARCH_INDEX, plain, search_index, search_script

from .conftest import SEGMENT, VALUE_MAP, copy_example, write_site


def load(script: bytes) -> dict:
    """The index a browser gets from the script."""
    text = script.decode("utf-8")
    match = re.fullmatch(r"/\*[^*]*\*/\nwindow\.vpcsiteSearch=(.*);\n", text, re.S)
    assert match, text[:200]
    return json.loads(match.group(1))


def js_slug(text: str) -> str:
    """search.js's slug of an item text, for ids the index leaves out."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def hrefs(index: dict) -> list[tuple[str, str, str]]:
    """(href, title, text) of every document, as search.js links it."""
    found = []
    for page, section, item_id, title, text in index["docs"]:
        url = index["pages"][page][0]
        if section:
            url += f"#vpc-{section}-{item_id or js_slug(title)}"
        found.append((url, title, text))
    return found


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    site = copy_example(tmp_path_factory.mktemp("search") / "site")
    result = build_site(site, BuildOptions(pdf=False))
    assert result.written
    return site


def test_index_holds_every_title_item_note_and_evidence_of_the_example(example):
    index = load((example / "public" / SEARCH_INDEX).read_bytes())
    checked = check_site(example)
    titles = {title for _, title, _ in hrefs(index)}
    texts = " ".join(text for _, _, text in hrefs(index))
    for document in [*checked.site.value_maps.values(), *checked.site.segments.values(), *checked.site.pages]:
        assert document.model.title in titles
        for _, _, item in items_of(document.model):
            assert item.text in titles
            if item.note:
                assert plain(item.note)[:60] in texts, item.id
            for evidence in item.evidence:
                assert plain(evidence)[:40] in texts, item.id


def test_every_result_leads_to_a_page_and_an_element_that_exist(example):
    index = load((example / "public" / SEARCH_INDEX).read_bytes())
    for href, title, _ in hrefs(index):
        path, _, anchor = href.partition("#")
        html = (example / "public" / path).read_text(encoding="utf-8")
        assert not path.startswith(("/", "http")), href
        if anchor:
            assert f'id="{anchor}"' in html, (href, title)


def test_every_experiment_is_found_by_each_step_of_its_cards_and_leads_to_its_page(example):
    index = load((example / "public" / SEARCH_INDEX).read_bytes())
    checked = check_site(example)
    assert checked.site.experiments
    found = {href: (title, text) for href, title, text in hrefs(index)}
    for experiment_id, document in checked.site.experiments.items():
        model = document.model
        title, text = found[f"experiments/{experiment_id}/index.html"]
        assert title == model.title
        steps = [model.hypothesis, model.test, model.metric, model.criteria, model.observation, model.learning, model.decision or "", document.body]
        for step in filter(None, steps):
            assert plain(step)[:40] in text, (experiment_id, step)
    kinds = {page[0]: page[2] for page in index["pages"]}
    assert {kinds[f"experiments/{i}/index.html"] for i in checked.site.experiments} == {"experiment"}


def test_a_long_experiment_keeps_a_word_of_every_step(tmp_path):
    """Each step is cut on its own: a long hypothesis does not push the learning out."""
    experiment = """---
title: Long cards
value_map: fitnow
tests: [ten-minute-workouts]
hypothesis: We believe {long}
test: To verify that, we will {long}
state: done
result: supported
learning: From that we learned Zanzibar matters.
decision: pivot
---
Notes naming Quixotic.
""".replace("{long}", "very " * 200)
    site = write_site(
        tmp_path / "s",
        {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP, "content/experiments/long.md": experiment},
    )
    index = search_index(check_site(site).site)
    (text,) = [doc[4] for doc in index["docs"] if index["pages"][doc[0]][0] == "experiments/long/index.html"]
    assert "Zanzibar" in text and "pivot" in text and "Quixotic" in text and "To verify" in text
    from vpcsite.render.search import EXPERIMENT_CHARS

    assert len(text) <= EXPERIMENT_CHARS


def test_a_business_model_is_found_by_its_title_and_every_block_item(example):
    index = load((example / "public" / SEARCH_INDEX).read_bytes())
    checked = check_site(example)
    assert checked.site.business_models
    results = hrefs(index)
    for model_id, document in checked.site.business_models.items():
        url = f"business-models/{model_id}/index.html"
        assert (url, document.model.title) in {(href, title) for href, title, _ in results}
        items = items_of(document.model)
        assert items
        for section, _, item in items:
            assert (f"{url}#vpc-{section}-{item.id}", item.text) in {(href, title) for href, title, _ in results}
    html = (example / "public" / f"business-models/{model_id}/index.html").read_text(encoding="utf-8")
    section, _, item = items[0]
    assert f'id="vpc-{section}-{item.id}"' in html


def test_an_item_id_that_is_not_the_slug_of_its_text_is_kept():
    from vpcsite.render.search import _stored_id

    assert _stored_id("lack-of-time", "Lack of time") == ""
    assert _stored_id("no-time", "Lack of time") == "no-time"
    # Non-ASCII texts keep their id: search.js's slug knows ASCII letters only.
    assert _stored_id("café-au-lait", "Café au lait") == "café-au-lait"


def test_item_results_name_their_section_and_page_results_their_kind(tmp_path):
    site = write_site(tmp_path / "s", {"content/segments/busy-professional.md": SEGMENT, "content/value-maps/fitnow.md": VALUE_MAP})
    index = search_index(check_site(site).site)
    kinds = {page[2] for page in index["pages"]}
    assert kinds == {"canvas", "segment"}
    canvas = next(n for n, page in enumerate(index["pages"]) if page[2] == "canvas")
    sections = {doc[1] for doc in index["docs"] if doc[0] == canvas}
    assert "" in sections and sections - {""} <= {"products", "relievers", "creators"}


def test_notes_are_plain_text_and_short():
    assert plain("See [the interviews](https://wiki/x) and **this** `code`.") == "See the interviews and this code ."
    assert "https" not in plain("<https://example.com/a> text")
    from vpcsite.render.search import TEXT_CHARS, _short

    assert len(_short("word " * 500)) <= TEXT_CHARS


def test_no_text_can_close_the_script(tmp_path):
    segment = SEGMENT.replace("title: Busy professional", 'title: "Busy </script><script>alert(1)</script>"')
    site = write_site(tmp_path / "s", {"content/segments/busy-professional.md": segment, "content/value-maps/fitnow.md": VALUE_MAP})
    script = search_script(check_site(site).site)
    assert b"</script" not in script
    assert any("</script>" in page[1] for page in load(script)["pages"])


def test_the_same_site_gives_the_same_bytes_and_a_new_kind_is_one_entry(example):
    site = check_site(example).site
    assert search_script(site) == search_script(site) == (example / "public" / SEARCH_INDEX).read_bytes()
    assert [kind.__name__ for kind in DOCUMENT_KINDS] == [
        "canvas_documents",
        "segment_documents",
        "experiment_documents",
        "business_model_documents",
        "page_documents",
    ]


def test_a_note_edit_rewrites_the_index_and_an_unchanged_build_does_not(tmp_path):
    site = copy_example(tmp_path / "site")
    build_site(site, BuildOptions(pdf=False))
    index = site / "public" / SEARCH_INDEX
    before = index.stat().st_mtime_ns, index.read_bytes()
    fitnow = site / "content" / "value-maps" / "fitnow.md"
    fitnow.write_text(fitnow.read_text(encoding="utf-8").replace("need no equipment", "need no Zanzibar"), encoding="utf-8")
    build_site(site, BuildOptions(pdf=False))
    assert b"Zanzibar" in index.read_bytes()
    mtime = index.stat().st_mtime_ns
    build_site(site, BuildOptions(pdf=False))
    assert index.stat().st_mtime_ns == mtime
    assert before[1] != index.read_bytes()


def test_the_vendored_library_is_the_published_minisearch():
    """themes/default/static/vendor/minisearch/minisearch.js is dist/umd/index.js of the npm
    package minisearch 7.2.0, byte for byte (update both together)."""
    import hashlib

    folder = Path(__file__).resolve().parent.parent / "themes" / "default" / "static" / "vendor" / "minisearch"
    digest = hashlib.sha256((folder / "minisearch.js").read_bytes()).hexdigest()
    assert digest == "03c27931eb603af1d3358579e9885eafdb6a2f5fa9929557b3e77d7e99d06d03"
    assert "Luca Ongaro" in (folder / "LICENSE.txt").read_text()


def test_the_script_made_from_remembered_pieces_is_the_whole_index_as_json(tmp_path):
    segment = SEGMENT.replace("title: Busy professional", 'title: "Busy </script> \\u2028 \\t é \\" pro"')
    site = write_site(tmp_path / "s", {"content/segments/busy-professional.md": segment, "content/value-maps/fitnow.md": VALUE_MAP})
    checked = check_site(site).site
    whole = json.dumps(search_index(checked), ensure_ascii=False, separators=(",", ":"))
    whole = whole.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    assert search_script(checked) == f"/* vpcsite search index, format 1 */\nwindow.vpcsiteSearch={whole};\n".encode()


def test_a_rebuild_in_the_same_process_works_out_only_the_changed_file(tmp_path, monkeypatch):
    from vpcsite.render import search

    site = copy_example(tmp_path / "site")
    first = search_script(check_site(site).site)
    fitnow = site / "content" / "value-maps" / "fitnow.md"
    # A word no other test writes: what is remembered is shared by the whole process.
    fitnow.write_text(fitnow.read_text(encoding="utf-8").replace("need no equipment", f"need no Zanzibar {uuid.uuid4().hex}"), encoding="utf-8")
    shown: list[str] = []
    original = search._short
    monkeypatch.setattr(search, "_short", lambda *parts: shown.append(parts[0]) or original(*parts))
    again = check_site(site).site
    second = search_script(again)
    assert b"Zanzibar" in second and first != second
    # only fitnow's page and items were worked out again, the other canvases were remembered
    items = sum(1 for _ in items_of(again.value_maps["fitnow"].model))
    assert len(shown) == 1 + items
    assert load(second) == search_index(again)

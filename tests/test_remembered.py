"""What a process that builds again and again (the dev server) remembers between builds:
site.json joined from the JSON of each entry, and the cards and rows of the pages that
list every canvas. Whatever is remembered, the output is a cold build's, byte for byte."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import orjson

from vpcsite.build import check_site
from vpcsite.config import load_config
from vpcsite.render import write
from vpcsite.render.data import site_data, site_json

from .test_build_incremental import build, same_as_cold, small_site


def test_site_json_joined_from_pieces_is_site_data_as_orjson_writes_it(tmp_path):
    site = small_site(tmp_path / "s")
    config, _ = load_config(site)
    checked = check_site(site)
    assert site_json(config, checked) == orjson.dumps(site_data(config, checked), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def test_site_json_encodes_again_only_the_entry_of_the_changed_file(tmp_path, monkeypatch):
    site = small_site(tmp_path / "s")
    config, _ = load_config(site)
    site_json(config, check_site(site))
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[1]
    # A word no other test writes: what is remembered is shared by the whole process.
    value_map.write_text(value_map.read_text(encoding="utf-8") + f"\nNote {uuid.uuid4().hex}.\n", encoding="utf-8")
    encoded: list[object] = []
    dumps = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda value, **options: encoded.append(value) or dumps(value, **options))
    checked = check_site(site)
    again = site_json(config, checked)
    entries = [value for value in encoded if isinstance(value, dict) and "path" in value]
    assert [entry["path"] for entry in entries] == [f"content/value-maps/{value_map.name}"]
    monkeypatch.setattr(orjson, "dumps", dumps)
    assert again == orjson.dumps(site_data(config, checked), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def pieces(site: Path) -> dict:
    """The lists' pieces a build kept for the next build's process (written as they
    were made: the building process holds none of them)."""
    from vpcsite.memostore import PIECES, _read

    found = _read(site / "public", PIECES)
    assert found is not None
    return found[1]


def test_the_lists_remember_each_card_and_render_again_only_the_changed_one(tmp_path):
    site = small_site(tmp_path / "s", canvases=4)
    build(site, force_all=True)
    first = pieces(site)
    # written as they were made: this process, which builds no more, holds none
    (env,) = write._ENVIRONMENTS.values()
    assert first and not env.remembered_pieces
    segments = len(list((site / "content" / "segments").glob("*.md")))
    # a card on the index, a row of the fit summary's table, a row of its chart; the
    # chart; each segment's card on the index and its part of the fit summary by segment
    # (with its canvases' cards inside)
    assert len(first) == 4 * 3 + 1 + 2 * segments
    value_map = sorted((site / "content" / "value-maps").glob("*.md"))[2]
    text = value_map.read_text(encoding="utf-8")
    value_map.write_text(re.sub(r"^title: (.+)$", rf"title: \1 {uuid.uuid4().hex[:8]}", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    result = build(site)
    assert "index.html" in result.changed and "fit/index.html" in result.changed
    now = pieces(site)
    # The changed canvas's card, table row and chart row are new; so is the chart,
    # joined from the other rows as they were, and its segment's two pieces.
    # The part holds what this build asked for: as many pieces, six of them new.
    new = set(now) - set(first)
    assert len(now) == len(first) and len(new) == 3 + 1 + 2
    assert all(now[key] == first[key] for key in set(now) & set(first))
    assert [name for _, name, *_ in new].count("segment-card") == 1
    same_as_cold(site)


def test_a_list_template_of_the_sites_own_remembers_nothing(tmp_path):
    site = small_site(tmp_path / "s", canvases=4)
    (site / "templates").mkdir()
    builtin = (Path(write.__file__).parent.parent / "templates" / "index.html").read_text(encoding="utf-8")
    (site / "templates" / "index.html").write_text(builtin.replace("<h2>Canvases</h2>", "<h2>Our canvases</h2>"), encoding="utf-8")
    build(site, force_all=True)
    # no card nor row nor segment (the chart shows nothing a template of the site's own
    # may change)
    assert {name for _, name, *_ in pieces(site)} == {"chart", "chart-row"}
    assert "Our canvases" in (site / "public" / "index.html").read_text(encoding="utf-8")
    same_as_cold(site)


def test_a_private_build_records_exactly_the_files_it_leaves_without_walking_them(tmp_path):
    from vpcsite.build import BuildOptions, build_site
    from vpcsite.record import load_record, output_files

    site = small_site(tmp_path / "s", canvases=4)
    private = tmp_path / "private" / "site"
    private.parent.mkdir()

    def recorded_and_present() -> tuple[set[str], set[str]]:
        result = build_site(site, BuildOptions(pdf=False, jobs=1), private=private)
        assert result.written
        record = load_record(private, _setting(site))
        assert record is not None
        assert all(tuple(entry[1:]) == (0, 0, 0) for entry in record.outputs.values())  # not walked for stats
        return set(record.outputs), set(output_files(private))

    recorded, present = recorded_and_present()
    assert recorded == present and "data/site.json" in present and "static/logo.txt" in present
    maps = sorted((site / "content" / "value-maps").glob("*.md"))
    maps[1].unlink()  # its page and drawing go
    maps[2].write_text(maps[2].read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    (site / "static" / "more.txt").write_text("more\n", encoding="utf-8")
    recorded, present = recorded_and_present()
    assert recorded == present and f"canvases/{maps[1].stem}/index.html" not in present and "static/more.txt" in present


def _setting(site) -> str:
    from vpcsite.config import load_config
    from vpcsite.record import build_setting

    config, _ = load_config(site)
    return build_setting(site, config, False, False, False)


def test_private_builds_put_right_in_the_recycled_folder_only_what_changed(tmp_path, monkeypatch):
    """The dev server's folder is written by vpcsite alone, so from the third build on
    (when the replaced output comes back as the staging folder) only the outputs whose
    key differs between the two are linked again, and those gone are removed; the result
    is still a cold build's, file for file."""
    from vpcsite import output
    from vpcsite.build import BuildOptions, build_site
    from vpcsite.content import DocumentCache

    from .conftest import site_files
    from .test_build_incremental import cold

    site = small_site(tmp_path / "s", canvases=4)
    private = tmp_path / "private" / "site"
    private.parent.mkdir()
    cache = DocumentCache()
    linked: list[list[str]] = []
    link_files = output.link_files
    monkeypatch.setattr(output, "link_files", lambda source, staging, files: linked.append(list(files)) or link_files(source, staging, files))
    maps = sorted((site / "content" / "value-maps").glob("*.md"))

    def private_build(change) -> None:
        change()
        linked.clear()
        result = build_site(site, BuildOptions(pdf=False, jobs=1), cache=cache, private=private)
        assert result.written
        reference = cold(site)
        assert site_files(private) == site_files(site / "cold") and result.diagnostics == reference.diagnostics

    def note(number: int):
        return lambda: maps[2].write_text(maps[2].read_text(encoding="utf-8") + f"\nNote {number}.\n", encoding="utf-8")

    private_build(lambda: None)
    private_build(note(1))  # no spare yet: every file is linked (by a forked child)
    everything = len(site_files(private))
    for number in range(2, 5):
        private_build(note(number))
        # here, and only the note's page, site.json and the search index, changed in this
        # build and in the last (the spare is the output before last)
        assert linked and 0 < len(linked[0]) == sum(map(len, linked)) <= 6 < everything
    private_build(lambda: maps[1].unlink())  # its page and drawing go from the spare too
    assert linked and sum(map(len, linked)) < everything / 2
    private_build(lambda: (site / "static" / "more.txt").write_text("more\n", encoding="utf-8"))
    private_build(note(5))
    assert "static/more.txt" in site_files(private)


def test_remember_each_renders_as_a_loop_and_again_only_the_items_whose_key_changed():
    """`{% remember_each %}` gives what a `{% for %}` loop gives, byte for byte, and
    renders the body again only for items whose key (or number, or extra value) is new;
    items without a key are rendered every time."""
    from dataclasses import dataclass

    from jinja2 import Environment

    from vpcsite.render.fragments import RememberExtension

    @dataclass
    class Item:
        id: str
        title: str
        key: str | None

    rendered: list[str] = []
    env = Environment(extensions=[RememberExtension], autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["seen"] = lambda item: rendered.append(item.id) or ""
    each = env.from_string(
        "{% remember_each 'x', items as item, n by extra %}\n<li>{{ seen(item) }}{{ n }} {{ item.title }} {{ extra[item.id] }}</li>\n{% endremember_each %}"
    )
    loop = env.from_string("{% for item in items %}\n<li>{{ loop.index0 }} {{ item.title }} {{ extra[item.id] }}</li>\n{% endfor %}")
    items = [Item("a", "A & B", "ka"), Item("b", "<b>", "kb"), Item("c", "C", None)]
    extra = {"a": 1, "b": 2, "c": 3}
    values = {"items": items, "extra": extra, "page": "p", "site": "s"}
    assert each.render(**values) == loop.render(**values)
    assert rendered == ["a", "b", "c"]
    rendered.clear()
    items[1] = Item("b", "B again", "kb2")
    extra["a"] = 5
    assert each.render(**values) == loop.render(**values)
    assert rendered == ["a", "b", "c"]  # a: its extra value; b: its key; c: no key
    rendered.clear()
    assert each.render(**values) == loop.render(**values)
    assert rendered == ["c"]
    rendered.clear()
    items.insert(0, Item("z", "Z", "kz"))  # every item's number moves
    extra["z"] = 0
    assert each.render(**values) == loop.render(**values)
    assert rendered == ["z", "a", "b", "c"]


def test_remember_each_outputs_its_pieces_one_by_one_and_nests():
    """The pieces are not joined into one string (the fit summary's rows at 1,000
    canvases are 7 MB, and the copy was its process's peak): a template's output
    stream carries each, and a list inside another's item renders as a loop would."""
    from dataclasses import dataclass

    from jinja2 import Environment

    from vpcsite.render.fragments import RememberExtension

    @dataclass
    class Item:
        id: str
        key: str
        parts: tuple

    env = Environment(extensions=[RememberExtension], autoescape=True)
    each = env.from_string(
        "<ul>{% remember_each 'outer', items as item %}<li>{{ item.id }}:"
        "{% remember_each 'inner', item.parts as part %}[{{ part.id }}]{% endremember_each %}</li>{% endremember_each %}</ul>"
    )
    loop = env.from_string(
        "<ul>{% for item in items %}<li>{{ item.id }}:{% for part in item.parts %}[{{ part.id }}]{% endfor %}</li>{% endfor %}</ul>"
    )
    items = [Item(name, f"k{name}", (Item(f"{name}1", f"k{name}1", ()), Item(f"{name}2", f"k{name}2", ()))) for name in "abc"]
    values = {"items": items, "page": "p", "site": "s"}
    assert each.render(**values) == loop.render(**values)
    chunks = list(each.generate(**values))
    assert "<li>a:[a1][a2]</li>" in chunks and "<li>c:[c1][c2]</li>" in chunks

"""Golden files for the example site's HTML and site.json.

After an intended change to templates or views, regenerate and review the diff:
    VPCSITE_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden_site.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vpcsite.build import BuildOptions, build_site

from .conftest import GOLDEN, copy_example

GOLDEN_SITE = GOLDEN / "site"
#: Rendered text outputs under golden review (of SVGs, the canvas drawings: other SVGs
#: are files the content links to, copied as they are); static files are the theme's own.
SUFFIXES = {".html", ".json", ".xml", ".svg"}


def build_example(where: Path) -> Path:
    site = copy_example(where / "example")
    result = build_site(site, BuildOptions(pdf=False, jobs=1))
    assert result.written, result.diagnostics
    return site / "public"


def rendered(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.suffix in SUFFIXES
        and not p.relative_to(folder).as_posix().startswith(("static/", ".cache/"))
        and (p.suffix != ".svg" or p.name == "canvas.svg")
    }


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> dict[str, str]:
    return rendered(build_example(tmp_path_factory.mktemp("golden")))


def test_example_site_matches_golden_files(output):
    if os.environ.get("VPCSITE_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
        for name, text in output.items():
            path = GOLDEN_SITE / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    expected = rendered(GOLDEN_SITE)
    assert sorted(output) == sorted(expected), "pages added or removed"
    for name, text in output.items():
        assert text == expected[name], f"{name} differs from tests/golden/site/{name}"


def test_output_does_not_depend_on_the_working_folder(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "inside-cwd"
    assert rendered(build_example(elsewhere)) == output

"""Markdown findings inside notes, evidence and bodies: at the exact line and column of
what the user wrote, whatever the YAML scalar style; reported by check as well as build,
one per occurrence."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from vpcsite.build import BuildOptions, build_site, check_site

NO_PDF = "[pdf]\nenabled = false\n"


def scheme_places(text: str) -> list[tuple[int, int]]:
    """Where each 'javascript:' URL of a link starts in the file (line, column)."""
    return [(number, found.start() + 3) for number, line in enumerate(text.split("\n"), start=1) for found in re.finditer(r"\]\(javascript:", line)]


def dropped(make_site, segment: str, code: str = "VPC501") -> tuple[list[tuple[int, int]], str]:
    text = textwrap.dedent(segment).lstrip("\n")
    root = make_site({"content/segments/s.md": text, "site.toml": NO_PDF + '[check]\nignore = ["VPC306"]\n'})
    found = check_site(root).diagnostics
    assert all(d.code in ("VPC501", "VPC506") for d in found), found
    return [(d.line, d.column) for d in found if d.code == code], text


STYLES = {
    "folded": """
        ---
        title: S
        jobs:
          - text: J
            note: >
              A folded note whose second line
              has [a](javascript:a) and [b](javascript:b)

              and a paragraph [c](javascript:c)
        ---
        """,
    "folded-strip": """
        ---
        title: S
        jobs:
          - text: J
            note: >-
              one
                more indented [a](javascript:a)
              back [b](javascript:b)
        ---
        """,
    "literal": """
        ---
        title: S
        jobs:
          - text: J
            note: |
              # Heading
              - item [a](javascript:a)
              - item [b](javascript:b)
        pains: []
        ---
        """,
    "literal-keep": """
        ---
        title: S
        jobs:
          - text: J
            note: |+
                deeper start [a](javascript:a)

        ---
        """,
    "double-quoted": r"""
        ---
        title: S
        jobs:
          - text: J
            evidence:
              - "caf\u00e9 \"q\" [a](javascript:a) [b](javascript:b)"
            note: "first line [c](javascript:c)
              folded on [d](javascript:d)"
        ---
        """,
    "single-quoted": """
        ---
        title: S
        jobs:
          - text: J
            evidence:
              - 'it''s [a](javascript:a), isn''t [b](javascript:b)'
            note: 'one [c](javascript:c)
              two [d](javascript:d)'
        ---
        """,
    "plain": """
        ---
        title: S
        jobs:
          - text: J
            evidence:
              - see [a](javascript:a) then [b](javascript:b)
            note: plain [c](javascript:c)
              continued [d](javascript:d)
        ---
        """,
}


@pytest.mark.parametrize("style", STYLES)
def test_a_finding_inside_a_front_matter_text_is_at_its_own_place(make_site, style):
    places, text = dropped(make_site, STYLES[style])
    assert places == scheme_places(text)


def test_a_finding_in_the_body_is_at_its_own_place(make_site):
    places, text = dropped(make_site, "---\ntitle: S\n---\nIntro\n\n* [a](javascript:a) [b](javascript:b)\n\n> [c](javascript:c)\n")
    assert places == scheme_places(text)


def test_raw_html_is_a_warning_at_each_opening_tag(make_site):
    places, _ = dropped(
        make_site,
        "---\ntitle: S\njobs:\n  - text: J\n    note: >-\n      a <b>bold</b> and\n      <i>it</i>\n---\nBody <span>x</span>\n\n<div>\nblock\n</div>\n",
        "VPC506",
    )
    assert places == [(6, 9), (7, 7), (9, 6), (11, 1)]


def test_raw_html_is_no_finding_when_unsafe_html_is_on(make_site):
    root = make_site({"content/segments/s.md": "---\ntitle: S\n---\nBody <span>x</span>\n", "site.toml": NO_PDF + "[markdown]\nunsafe_html = true\n"})
    assert [d.code for d in check_site(root).diagnostics] == ["VPC306"]


def test_build_reports_what_check_reports_once_and_a_missing_image_in_a_folded_note_exactly(make_site):
    root = make_site(
        {
            "site.toml": NO_PDF,
            "content/segments/s.md": "---\ntitle: S\njobs:\n  - text: J\n    note: >-\n      a <b>bold</b> and [a](javascript:a) [b](javascript:b)\n---\n",
            "content/value-maps/v.md": (
                "---\ntitle: V\nsegment: s\nproducts:\n  - text: P\n    jobs: [j]\n    note: >-\n"
                "      A note that runs over\n      two lines, then an image ![shot](missing.png) here\n---\n"
            ),
        }
    )
    checked = [(d.code, d.line, d.column) for d in check_site(root).diagnostics]
    assert checked == [("VPC506", 6, 9), ("VPC501", 6, 29), ("VPC501", 6, 47)]
    built = build_site(root, BuildOptions(pdf=False))
    assert [(d.code, d.line, d.column) for d in built.diagnostics] == [*checked, ("VPC502", 9, 40)]


def test_check_reports_markdown_findings_without_loading_the_renderer(make_site):
    root = make_site({"site.toml": NO_PDF, "content/segments/s.md": "---\ntitle: S\n---\n[a](javascript:x)\n"})
    script = (
        "import sys\nfrom pathlib import Path\nfrom vpcsite.check import check_site\n"
        f"found = check_site(Path({str(root)!r})).diagnostics\n"
        "assert [d.code for d in found] == ['VPC306', 'VPC501'], found\n"
        "print(sorted(m for m in sys.modules if m.startswith('vpcsite.render')))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "[]"


def test_an_autolink_and_a_link_with_the_same_scheme_on_one_line_keep_their_order(make_site):
    places, _text = dropped(make_site, "---\ntitle: S\n---\n<javascript:a> then [javascript: b](javascript:b)\n")
    assert places == [(4, 2), (4, 37)]


def test_a_finding_inside_a_toml_text_is_placed_at_the_texts_start(make_site):
    segment = '+++\ntitle = "S"\n[[jobs]]\ntext = "J"\nnote = """\nfirst\nsecond [a](javascript:a)"""\n+++\nBody [b](javascript:b)\n'
    places, _ = dropped(make_site, segment)
    assert places == [(5, 8), (9, 10)]  # the note's opening quotes; the body exactly

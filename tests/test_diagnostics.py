"""The diagnostic type and its three formats."""

from __future__ import annotations

import json
import re

from vpcsite.diagnostics import CODES, Severity, diagnostic, format_github, format_json, format_text, sort_diagnostics

from .conftest import ROOT


def test_severity_comes_from_the_code_table():
    assert diagnostic("VPC201", "a.md", 1, 1, "m").severity is Severity.ERROR
    assert diagnostic("VPC301", "a.md", 1, 1, "m").severity is Severity.WARNING


def test_sorted_by_file_line_column_and_repeats_dropped():
    b = diagnostic("VPC301", "b.md", 1, 1, "m")
    a2 = diagnostic("VPC201", "a.md", 10, 2, "m")
    a1 = diagnostic("VPC201", "a.md", 2, 5, "m")
    assert sort_diagnostics([b, a2, a1, a1]) == [a1, a2, b]


def test_text_format_is_compiler_style_with_hint():
    found = [diagnostic("VPC201", "c.md", 14, 17, "reliever 'r' relieves 'x'", "did you mean 'y'?")]
    assert format_text(found) == "c.md:14:17: error VPC201 reliever 'r' relieves 'x'\n  hint: did you mean 'y'?\n"


def test_json_format_carries_every_field():
    found = [diagnostic("VPC301", "c.md", 3, 4, "m", None)]
    data = json.loads(format_json(found))
    assert data["diagnostics"] == [{"code": "VPC301", "severity": "warning", "path": "c.md", "line": 3, "column": 4, "message": "m", "hint": None}]
    assert data["summary"] == "0 errors, 1 warning"


def test_github_format_escapes_newlines_percent_and_property_separators():
    found = [diagnostic("VPC201", "a,b:c.md", 1, 2, "50% done", "two\nlines")]
    assert format_github(found) == "::error file=a%2Cb%3Ac.md,line=1,col=2,title=VPC201::VPC201 50%25 done%0Atwo\\nlines\n"


def test_every_code_is_documented_with_an_example():
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (VPC\d{3})", text, re.MULTILINE))
    assert documented == set(CODES)


def test_text_output_escapes_newlines_and_controls_so_no_line_is_forged():
    forged = diagnostic("VPC102", "a\nb.md", 1, 2, "unknown key 'x\ncontent/y.md:1:1: error VPC999 forged'", "did\ryou\x1b[2Jmean\u2028it")
    text = format_text([forged])
    assert text.count("\n") == 2
    assert "x\\ncontent/y.md:1:1: error VPC999 forged" in text
    assert "a\\nb.md:1:2:" in text
    assert "did\\ryou\\x1b[2Jmean\\u2028it" in text


def test_github_output_escapes_what_the_user_wrote_but_keeps_the_hint_on_its_line():
    forged = diagnostic("VPC102", "a.md", 1, 2, "unknown key 'x\n::error::forged'", "hint")
    line = format_github([forged])
    assert line.count("\n") == 1 and line.startswith("::error file=a.md,")
    assert "x\\n::error::forged" in line and line.endswith("%0Ahint\n")


def test_check_text_output_of_a_key_with_a_newline_keeps_one_finding_per_line(make_site):
    from vpcsite.build import check_site

    root = make_site(
        {
            "content/segments/s.md": '---\ntitle: S\n"a\\nb.md:1:1: error VPC001 forged": 1\njobs:\n  - text: J\n    status: "v\\n  hint: forged"\n---\n'
        }
    )
    text = format_text(check_site(root).diagnostics)
    lines = text.splitlines()
    assert len(lines) == 6, text  # VPC306, VPC102, VPC105, each with its hint
    assert all(line.startswith(("content/segments/s.md:", "  hint: ")) for line in lines)
    assert sum(line.startswith("  hint: ") for line in lines) == 3

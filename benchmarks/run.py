"""Benchmark runner: prints median timings of vpcsite's stages against a floor measured
in the same run, so the ratio holds however fast the machine happens to be.

    python benchmarks/run.py                 # N = 100, 1000, 5000
    python benchmarks/run.py --sizes 1000 --repeat 7

Floor for `check`: reading the same files and parsing them with python-frontmatter,
which is the least any front-matter site generator must do.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# gen_site.py sits beside this script, whose folder Python puts first on sys.path.
from gen_site import generate

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up: imports, caches of the OS
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh_once(kind: str, root: Path, *extra: str) -> float:
    """Seconds of one action in a fresh interpreter (imports done before the clock
    starts), as a command-line build runs: a process that has already built a large
    site holds a heap of freed objects, and forked workers allocating into it copy its
    pages, which would bill one build for another's leftovers."""
    import subprocess

    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--one", kind, str(root), *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def alternating(actions: list[tuple[str, tuple[str, ...]]], root: Path, repeat: int) -> list[float]:
    """Median seconds of each action, run in turn round after round (after one warm-up
    round): the machine's drift from minute to minute hits the floor and the builds
    alike, as it would not if each ran its five times in a row."""
    for kind, extra in actions:
        fresh_once(kind, root, *extra)  # warm-up: the OS's caches
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for found, (kind, extra) in zip(times, actions, strict=True):
            found.append(fresh_once(kind, root, *extra))
    return [statistics.median(found) for found in times]


def _one(kind: str, root: Path, extra: list[str]) -> None:
    """Run one action and print its seconds (the child side of `fresh_once`)."""
    # imported before the clock, as for the floor
    import frontmatter  # noqa: F401
    import jinja2  # noqa: F401
    import markdown_it  # noqa: F401

    import vpcsite.build  # noqa: F401

    empty = kind.endswith("-empty")
    if empty:  # a first build: nothing of an earlier run to write over
        import shutil

        shutil.rmtree(Path(extra[0]) if kind == "floor-empty" else root / "public-empty", ignore_errors=True)
    start = time.perf_counter()
    if kind.startswith("floor"):
        html_floor(root, Path(extra[0]))
    else:
        html_build(root, int(extra[0]), Path("public-empty") if empty else Path("public"))
    print(time.perf_counter() - start)


def parse_only(root: Path) -> int:
    import frontmatter

    count = 0
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text, handler=frontmatter.TOMLHandler()) if text.startswith("+++") else frontmatter.loads(text)
        count += len(post.metadata)
    return count


def check(root: Path) -> int:
    from vpcsite.build import check_site

    result = check_site(root)
    assert not any(d.severity.value == "error" for d in result.diagnostics), result.diagnostics[:3]
    return len(result.diagnostics)


_FLOOR_TEMPLATE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>{{ body }}</body></html>
"""


def html_floor(root: Path, out: Path) -> int:
    """The least an SSG does for these files: parse, render Markdown, one template, write."""
    import frontmatter
    import jinja2
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    md = MarkdownIt("commonmark")
    template = jinja2.Environment(autoescape=True).from_string(_FLOOR_TEMPLATE)
    count = 0
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text, handler=frontmatter.TOMLHandler()) if text.startswith("+++") else frontmatter.loads(text)
        html = template.render(title=post.metadata.get("title", ""), body=Markup(md.render(post.content)))
        target = out / path.relative_to(root / "content").with_suffix("") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


def html_build(root: Path, jobs: int, output: Path = Path("public")) -> int:
    from vpcsite.build import BuildOptions, build_site

    # --force-all: a whole build every run, not the last run's record replayed. The
    # last run's output is there, as the floor's is: both write every file again, and
    # both keep a file whose bytes did not change (the floor writes over it in place,
    # vpcsite keeps it in its new output).
    result = build_site(root, BuildOptions(pdf=False, jobs=jobs, output=output, force_all=True))
    assert result.written, result.diagnostics[:3]
    return result.pages


def weasyprint_floor(root: Path) -> tuple[float, int]:
    """WeasyPrint alone on the same canvas HTML vpcsite lays out (print theme, final type
    size, same sandboxed fetcher): seconds for all canvases, serially, and their count."""
    from weasyprint import CSS, HTML

    from vpcsite.build import check_site
    from vpcsite.render.files import static_files
    from vpcsite.render.html import PageInfo, SiteInfo, make_environment, render_page
    from vpcsite.render.pdf import ORIGIN, make_fetcher_class, page_css
    from vpcsite.render.site import SiteRenderer
    from vpcsite.theme import find_theme, static_folders
    from vpcsite.urls import canvas_url

    checked = check_site(root)
    renderer = SiteRenderer(root, checked.config, find_theme("default", root), checked, pdf=True)
    theme = find_theme("print", root)
    env = make_environment(root, theme)
    files = {f"{ORIGIN}static/{rel}": src for folder in static_folders(root, theme) for src, rel in static_files(folder, root)[0]}
    fetcher = make_fetcher_class(files, (root, *(f for f in static_folders(root, theme))))
    info = SiteInfo(checked.config.title, "", True, (), theme.stylesheets, ())
    cache = json_cache(root)
    start = time.perf_counter()
    for view in renderer.canvases.values():
        url = canvas_url(view.id)
        html = render_page(env, "canvas.html", info, PageInfo(view.title, url, "canvas"), canvas=view)
        size = cache.get(view.id, 9.5)
        css = CSS(string=page_css("A4", "landscape", size))
        HTML(string=html, base_url=ORIGIN + url, url_fetcher=fetcher()).write_pdf(stylesheets=[css])
    return time.perf_counter() - start, len(renderer.canvases)


def json_cache(root: Path) -> dict[str, float]:
    """The type size each canvas ended at in the last vpcsite build (from its cache)."""
    import json

    index = root / "public" / ".cache" / "pdf" / "layout.json"
    if not index.is_file():
        return {}
    return {canvas: entry["type_size"] for canvas, entry in json.loads(index.read_text()).items()}


def pdf_build(root: Path, jobs: int, output: str = "public", pdf: bool = True) -> tuple[float, int]:
    from vpcsite.build import BuildOptions, build_site

    start = time.perf_counter()
    result = build_site(root, BuildOptions(pdf=pdf, jobs=jobs, output=Path(output)))
    assert result.written
    return time.perf_counter() - start, len(result.pdf_rendered)


def pdf_benchmarks(sizes: list[int], tmp: str, generate: Callable[..., None]) -> None:
    import shutil

    print("PDF build against WeasyPrint alone on the same canvas HTML (serial, same process)")
    print(
        f"{'N':>5} {'weasy s/canvas':>15} {'cold j1 s/canvas':>17} {'ratio':>6} {'cold j2 s':>10} {'j1/j2':>6} {'no change s':>12} {'rendered':>9} {'one edit s':>11} {'rendered':>9}"
    )
    for n in sizes:
        root = Path(tmp) / f"pdf-site-{n}"
        generate(n, root, seed=2)
        # Cold builds: no previous output, so no cache. The HTML-only build of the same
        # site is taken off, to leave the PDF stage's own time.
        html_only, _ = pdf_build(root, 1, "public-html", pdf=False)
        cold1, _count = pdf_build(root, 1)
        cold1 -= html_only
        shutil.rmtree(root / "public")
        cold2, _ = pdf_build(root, 2)
        cold2 -= html_only
        floor, canvases = weasyprint_floor(root)
        unchanged, rendered_unchanged = pdf_build(root, 2)
        edited = sorted((root / "content" / "value-maps").glob("*.md"))[0]
        edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
        one_edit, rendered_edit = pdf_build(root, 2)
        per_floor = floor / canvases
        per_cold = cold1 / canvases
        print(
            f"{n:>5} {per_floor:>15.3f} {per_cold:>17.3f} {per_cold / per_floor:>5.2f}x {cold2:>10.2f} {cold1 / cold2:>5.2f}x"
            f" {unchanged:>12.2f} {rendered_unchanged:>9} {one_edit:>11.2f} {rendered_edit:>9}"
        )
    print("  targets: cold per canvas ≤ 1.15x WeasyPrint alone; --jobs 2 ≥ 1.7x faster than --jobs 1;")
    print("  a rebuild with no change renders 0 canvas PDFs, after one edit exactly 1")
    print("  (cold times are the PDF stage: a --no-pdf build of the same site is subtracted; one run each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 5000], help="sizes for check")
    parser.add_argument("--html-sizes", type=int, nargs="*", default=[1000], help="sizes for the HTML build")
    parser.add_argument("--pdf-sizes", type=int, nargs="*", default=[20, 200], help="sizes for the PDF build")
    parser.add_argument("--experiments", type=int, default=0, help="experiments in the HTML build's site")
    parser.add_argument("--business-models", type=int, default=0, help="business models in the HTML build's site")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], Path(args.one[1]), args.one[2:])
        return
    with tempfile.TemporaryDirectory() as tmp:
        print("check: validation and fit against parsing alone")
        print(f"{'N':>6} {'parse-only s':>13} {'check s':>9} {'check/parse':>12}")
        for n in args.sizes:
            root = Path(tmp) / f"site-{n}"
            generate(n, root, seed=1)
            floor = median_seconds(lambda root=root: parse_only(root), args.repeat)
            full = median_seconds(lambda root=root: check(root), args.repeat)
            print(f"{n:>6} {floor:>13.3f} {full:>9.3f} {full / floor:>11.2f}x")
        print("  target: check/parse ≤ 1.50x")
        if args.html_sizes:
            print("HTML build (--no-pdf) against a floor: parse + Markdown + one minimal template + write")
            print(f"{'N':>6} {'floor s':>9} {'jobs=1 s':>9} {'ratio':>7} {'jobs=2 s':>9} {'ratio':>7}")
        method = (args.experiments, args.business_models)
        for n in args.html_sizes:
            root = Path(tmp) / (f"site-{n}" if method == (0, 0) else f"site-{n}-{args.experiments}-{args.business_models}")
            if not root.exists():
                generate(n, root, 1, *method)
            out = (str(Path(tmp) / f"floor-{n}"),)
            floor, serial, parallel = alternating([("floor", out), ("build", ("1",)), ("build", ("2",))], root, args.repeat)
            print(f"{n:>6} {floor:>9.3f} {serial:>9.3f} {serial / floor:>6.2f}x {parallel:>9.3f} {parallel / floor:>6.2f}x")
            # Into an empty folder, every file is new, for both (a first build).
            floor, parallel = alternating([("floor-empty", out), ("build-empty", ("2",))], root, args.repeat)
            print(f"{'empty':>6} {floor:>9.3f} {'':>9} {'':>7} {parallel:>9.3f} {parallel / floor:>6.2f}x")
        if args.html_sizes:
            print("  target: whole HTML build ≤ 2.00x the floor (each run in a fresh interpreter, imports excluded,")
            print("  the floor and the builds in turn, round after round);")
            print("  'empty': the first build, into an empty output folder (floor likewise), for information")
        if args.pdf_sizes:
            pdf_benchmarks(args.pdf_sizes, tmp, generate)
    print(f"medians of {args.repeat} runs after one warm-up; check and PDF in this one process, HTML builds in a fresh interpreter each")


if __name__ == "__main__":
    main()

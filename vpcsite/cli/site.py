"""`vpcsite check` and `vpcsite build`: validate a site, and write it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..diagnostics import summary_line
from .common import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Context, guard, needs_site, print_diagnostics, site_options
from .group import main


@main.command()
@site_options
@needs_site
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Processes that load files (0: all cores).")
@click.pass_obj
def check(obj: Context, strict: bool, drafts: bool, fmt: str, jobs: int) -> None:
    """Validate every canvas: links, ids, ranks and the fit warnings."""

    def run() -> int:
        from ..check import ConfigError, check_site

        try:
            result = check_site(obj.root, drafts=drafts, jobs=jobs)
        except ConfigError as exc:
            print_diagnostics(exc.diagnostics, fmt, err=fmt == "text", quiet=obj.verbosity < 0)
            return EXIT_USAGE
        print_diagnostics(result.diagnostics, fmt, err=False, quiet=obj.verbosity < 0)
        return EXIT_CONTENT if result.failed(strict or result.config.check.strict) else EXIT_OK

    guard(run)


def _base_url(value: str | None) -> str | None:
    from ..config import base_url_problem

    problem = base_url_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


@main.command()
@site_options
@needs_site
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Output folder (default: output_dir of site.toml).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF handouts.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: nothing is written.")
@click.option("--drafts", is_flag=True, help="Include drafts.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: all cores).")
@click.option("--base-url", default=None, callback=lambda ctx, param, value: _base_url(value), help="Override base_url of site.toml.")
@click.option("--force", is_flag=True, help="Replace a non-empty output folder vpcsite did not create.")
@click.option("--force-all", is_flag=True, help="Ignore the last build's record: read, check and render everything.")
@click.pass_obj
def build(
    obj: Context, output: Path | None, no_pdf: bool, strict: bool, drafts: bool, jobs: int, base_url: str | None, force: bool, force_all: bool
) -> None:
    """Check the site, then write what changed (HTML pages, PDF handouts) atomically."""

    def run() -> int:
        from ..build import BuildOptions, ConfigError, build_site
        from ..output import OutputRefused

        options = BuildOptions(output, not no_pdf, strict, drafts, jobs, base_url, force, force_all)
        bar = _progress_bar() if obj.verbosity >= 0 else None
        try:
            result = build_site(obj.root, options, progress=bar)
        except ConfigError as exc:
            print_diagnostics(exc.diagnostics, "text", err=True, quiet=obj.verbosity < 0)
            return EXIT_USAGE
        except OutputRefused as exc:
            click.echo(f"error: {exc}", err=True)
            return EXIT_USAGE
        finally:
            if bar is not None:
                bar.close()
        if result.diagnostics:
            print_diagnostics(result.diagnostics, "text", err=True, quiet=True)
        if obj.verbosity >= 0:
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
        if obj.verbosity > 0:
            _print_timings(result)
        if not result.written:
            click.echo(f"{summary_line(result.diagnostics)}; nothing written, {result.output} left as it was", err=True)
            return EXIT_CONTENT
        if obj.verbosity >= 0:
            if result.unchanged:
                click.echo(f"nothing changed; {result.output} is up to date ({summary_line(result.diagnostics)})", err=True)
                return EXIT_OK
            pdfs = ""
            if result.pdf_rendered or result.pdf_reused:
                pdfs = f", {len(result.pdf_rendered)} canvas PDFs laid out, {len(result.pdf_reused)} unchanged"
            click.echo(f"wrote {result.pages} pages{pdfs} to {result.output} ({summary_line(result.diagnostics)})", err=True)
        return EXIT_OK

    guard(run)


def _print_timings(result: Any) -> None:
    """-v: the time of each stage, and what became of the outputs."""
    for stage, seconds in result.timings:
        click.echo(f"  {stage:<8} {seconds * 1000:8.0f} ms", err=True)
    click.echo(f"  outputs: {result.rendered} rendered, {result.reused} reused, {result.deleted} deleted", err=True)


class _ProgressBar:
    """A one-line progress display on a terminal; silent when output is redirected."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < 50 or not sys.stderr.isatty():
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{stage:>6} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def _progress_bar() -> _ProgressBar:
    return _ProgressBar()

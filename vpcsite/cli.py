"""Click commands only: options → one call → print → exit code.

Exit codes (DESIGN §7): 0 success, 1 content errors (or warnings with --strict),
2 usage or configuration errors. A user never sees a traceback for their own mistake;
an internal bug prints one with a request to report it and exits 3.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .diagnostics import Diagnostic, format_github, format_json, format_text, summary_line

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class Context:
    def __init__(self, root: Path, verbosity: int):
        self.root = root
        self.verbosity = verbosity


def _colour(stream: Any) -> bool:
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _print_diagnostics(found: list[Diagnostic], fmt: str, *, err: bool, quiet: bool) -> None:
    stream = sys.stderr if err else sys.stdout
    if fmt == "json":
        click.echo(format_json(found), nl=False, err=err)
    elif fmt == "github":
        click.echo(format_github(found), nl=False, err=err)
    else:
        click.echo(format_text(found, colour=_colour(stream)), nl=False, err=err, color=_colour(stream))
        if not quiet:
            click.echo(summary_line(found), err=True)


def _guard(run: Callable[[], int]) -> None:
    """Turn the pipeline's outcome into an exit code; report internal bugs as bugs."""
    try:
        code = run()
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = 130
    except Exception:  # noqa: BLE001 - the last line of defence, by design
        click.echo(traceback.format_exc(), err=True)
        click.echo(
            "This is a bug in vpcsite, not a problem with your content. "
            "Please report it with the traceback above.",
            err=True,
        )
        code = EXIT_BUG
    if _process_exit:
        # The command is done and said everything: skip freeing a heap of a few hundred
        # MB object by object (a third of a second after a large build).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


#: Set by `entry` (the installed command and `python -m vpcsite`), never by a caller
#: that runs `main` inside its own process, such as a test.
_process_exit = False


def entry() -> None:
    """The `vpcsite` command: `main` in a process of its own, which it may end at once."""
    global _process_exit
    _process_exit = True
    main()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpcsite")
@click.option(
    "-s",
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Site root: the folder with site.toml and content/.",
)
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Say only what went wrong.")
@click.pass_context
def main(ctx: click.Context, source: Path, verbose: int, quiet: bool) -> None:
    """vpcsite: Value Proposition Canvases from Markdown to a checked, scored static site."""
    ctx.obj = Context(source, -1 if quiet else verbose)


@main.command()
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
        from .build import ConfigError, check_site

        try:
            result = check_site(obj.root, drafts=drafts, jobs=jobs)
        except ConfigError as exc:
            _print_diagnostics(exc.diagnostics, fmt, err=fmt == "text", quiet=obj.verbosity < 0)
            return EXIT_USAGE
        _print_diagnostics(result.diagnostics, fmt, err=False, quiet=obj.verbosity < 0)
        return EXIT_CONTENT if result.failed(strict or result.config.check.strict) else EXIT_OK

    _guard(run)


def _base_url(value: str | None) -> str | None:
    from .config import base_url_problem

    problem = base_url_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


@main.command()
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
        from .build import BuildOptions, ConfigError, build_site
        from .output import OutputRefused

        options = BuildOptions(output, not no_pdf, strict, drafts, jobs, base_url, force, force_all)
        bar = _progress_bar() if obj.verbosity >= 0 else None
        try:
            result = build_site(obj.root, options, progress=bar)
        except ConfigError as exc:
            _print_diagnostics(exc.diagnostics, "text", err=True, quiet=obj.verbosity < 0)
            return EXIT_USAGE
        except OutputRefused as exc:
            click.echo(f"error: {exc}", err=True)
            return EXIT_USAGE
        finally:
            if bar is not None:
                bar.close()
        if result.diagnostics:
            _print_diagnostics(result.diagnostics, "text", err=True, quiet=True)
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

    _guard(run)


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


@main.command()
@click.argument("kind", type=click.Choice(["segment", "value-map", "page", "site"]), default="segment")
def schema(kind: str) -> None:
    """Print the JSON Schema of front matter (or of site.toml), for editors."""

    def run() -> int:
        from .schema import json_schema, site_schema

        document = site_schema() if kind == "site" else json_schema(kind)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return EXIT_OK

    _guard(run)


if __name__ == "__main__":  # pragma: no cover
    main()

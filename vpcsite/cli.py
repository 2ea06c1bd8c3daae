"""Click commands only: options → one call → print → exit code.

Exit codes (DESIGN §7): 0 success, 1 content errors (or warnings with --strict),
2 usage or configuration errors. A user never sees a traceback for their own mistake;
an internal bug prints one with a request to report it and exits 3.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from . import __version__
from .diagnostics import Diagnostic, format_github, format_json, format_text, summary_line

if TYPE_CHECKING:
    from .scaffold import ScaffoldError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


@dataclass
class Context:
    """The options every command shares, gathered from before and after its name."""

    root: Path = Path(".")
    verbose: int = 0
    quiet: bool = False

    @property
    def verbosity(self) -> int:
        """-1 with -q (which wins), else how many -v."""
        return -1 if self.quiet else self.verbose


def _set_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Context).root = value


def _add_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    ctx.ensure_object(Context).verbose += value


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Context).quiet = True


def site_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-s, -v and -q, accepted before or after a command's name (DESIGN §7): `vpcsite
    build -q` as well as `vpcsite -q build`. The group and every command carry these same
    three options; each merges what it reads into the one shared Context."""
    options = [
        click.option(
            "-s",
            "--source",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            expose_value=False,
            callback=_set_root,
            help="Site root: the folder with site.toml and content/ (default: .).",
        ),
        click.option("-v", "--verbose", count=True, expose_value=False, callback=_add_verbose, help="Say more."),
        click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet, help="Say only what went wrong."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def needs_site(command: Callable[..., Any]) -> Callable[..., Any]:
    """Commands that read a site say so plainly when there is none, rather than pointing
    at a site.toml or content folder that was never meant to be there."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import NO_SITE, is_site

        ctx = click.get_current_context()
        root = ctx.ensure_object(Context).root
        if not is_site(root):
            init = "vpcsite init" if root == Path(".") else f"vpcsite init {shlex.quote(str(root))}"
            click.echo(f"error: {NO_SITE}", err=True)
            click.echo(f"  hint: run '{init}' to start one, or name your site's folder with -s DIR", err=True)
            ctx.exit(EXIT_USAGE)
        return command(*args, **kwargs)

    return wrapper


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
@site_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """vpcsite: Value Proposition Canvases from Markdown to a checked, scored static site."""
    ctx.ensure_object(Context)


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
@site_options
@needs_site
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every network).")
@click.option("-p", "--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--pdf", is_flag=True, help="Make the PDF handouts too (slower rebuilds).")
@click.option("--drafts", is_flag=True, help="Include drafts.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: all cores).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, pdf: bool, drafts: bool, jobs: int, open_browser: bool) -> None:
    """Build into a private folder, serve it, rebuild and reload the browser on every save."""

    def run() -> int:
        from .serve.run import serve as serve_site
        from .serve.server import PortInUse
        from .serve.session import ServeOptions

        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: serving on {host} makes the site reachable from other machines; use it on networks you trust", err=True)
        try:
            return serve_site(obj.root, ServeOptions(host, port, pdf, drafts, jobs, open_browser), lambda line: click.echo(line, err=True))
        except PortInUse as exc:
            hint = f"; try --port {exc.free}" if exc.free else "; choose another with --port"
            click.echo(f"error: port {exc.port} on {exc.host} is already in use (another vpcsite serve?){hint}", err=True)
            return EXIT_USAGE

    _guard(run)


@main.command()
@site_options
@click.argument("kind", type=click.Choice(["segment", "value-map", "page", "site"]), default="segment")
def schema(kind: str) -> None:
    """Print the JSON Schema of front matter (or of site.toml), for editors."""

    def run() -> int:
        from .schema import json_schema, site_schema

        document = site_schema() if kind == "site" else json_schema(kind)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return EXIT_OK

    _guard(run)


def _print_refusal(exc: ScaffoldError) -> int:
    """A scaffold refusal: what is wrong and what to type instead; usage error."""
    click.echo(f"error: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"  hint: {exc.hint}", err=True)
    return EXIT_USAGE


@main.command()
@site_options
@click.argument("folder", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Add the starter files to a non-empty folder (existing files are kept).")
@click.pass_obj
def init(obj: Context, folder: Path | None, force: bool) -> None:
    """Write a small working site into DIR (default: the site root, -s): site.toml, a
    segment, a value map that targets it, a home page and a .gitignore."""

    def run() -> int:
        from .scaffold import ScaffoldError, init_site

        target = obj.root if folder is None else folder
        try:
            done = init_site(target, force=force)
        except ScaffoldError as exc:
            return _print_refusal(exc)
        if done.skipped:
            click.echo(f"skipped, already in {target} (left as they were):", err=True)
            for relative in done.skipped:
                click.echo(f"  {relative}", err=True)
        if obj.verbosity >= 0:
            _print_next_steps(target, done.written)
        return EXIT_OK

    _guard(run)


def _print_next_steps(target: Path, written: list[str]) -> None:
    if written:
        click.echo(f"wrote a starter site to {target}:")
        for relative in written:
            click.echo(f"  {relative}")
    else:
        click.echo(f"nothing to write: {target} has every starter file already")
    click.echo("next:")
    if os.path.abspath(target) != os.getcwd():
        click.echo(f"  cd {shlex.quote(str(target))}")
    click.echo("  vpcsite serve    # (or vpcsite build)")
    click.echo('  vpcsite new segment my-customers --title "My customers"')


@main.group()
@site_options
def new() -> None:
    """Write a new segment or value map from a commented template."""


@new.command("segment")
@site_options
@needs_site
@click.argument("segment_id", metavar="ID")
@click.option("--title", default=None, help="The segment's title (default: the ID in words: busy-parents → Busy parents).")
@click.pass_obj
def new_segment(obj: Context, segment_id: str, title: str | None) -> None:
    """Write content/segments/ID.md: a customer profile to fill in."""

    def run() -> int:
        from .scaffold import new_segment

        return _report_new(obj, lambda: new_segment(obj.root, segment_id, title), "jobs, pains and gains")

    _guard(run)


@new.command("value-map")
@site_options
@needs_site
@click.argument("map_id", metavar="ID")
@click.option("--segment", required=True, help="The id of the segment the value map targets.")
@click.option("--title", default=None, help="The value map's title (default: the ID in words).")
@click.pass_obj
def new_value_map(obj: Context, map_id: str, segment: str, title: str | None) -> None:
    """Write content/value-maps/ID.md: an offer for the segment to fill in."""

    def run() -> int:
        from .scaffold import new_value_map

        return _report_new(obj, lambda: new_value_map(obj.root, map_id, segment, title), "products, relievers and creators")

    _guard(run)


def _report_new(obj: Context, write: Callable[[], Path], sections: str) -> int:
    """Run one `new` command's write and say what came of it."""
    from .build import ConfigError
    from .scaffold import ScaffoldError

    try:
        path = write()
    except ConfigError as exc:
        _print_diagnostics(exc.diagnostics, "text", err=True, quiet=obj.verbosity < 0)
        return EXIT_USAGE
    except ScaffoldError as exc:
        return _print_refusal(exc)
    if obj.verbosity >= 0:
        click.echo(f"wrote {path}")
        click.echo(f"next: fill in its {sections} (the comments in the file show how), then run vpcsite check")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    main()

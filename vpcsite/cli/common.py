"""What every command shares: the options read before or after a command's name, the
diagnostics printer, and the guard that turns an outcome into an exit code.

Exit codes (DESIGN §7): 0 success, 1 content errors (or warnings with --strict),
2 usage or configuration errors. A user never sees a traceback for their own mistake;
an internal bug prints one with a request to report it and exits 3.
"""

from __future__ import annotations

import functools
import os
import shlex
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..diagnostics import Diagnostic, format_github, format_json, format_text, summary_line

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
        from ..config import NO_SITE, is_site

        ctx = click.get_current_context()
        root = ctx.ensure_object(Context).root
        if not is_site(root):
            init = "vpcsite init" if root == Path(".") else f"vpcsite init {shlex.quote(str(root))}"
            click.echo(f"error: {NO_SITE}", err=True)
            click.echo(f"  hint: run '{init}' to start one, or name your site's folder with -s DIR", err=True)
            ctx.exit(EXIT_USAGE)
        return command(*args, **kwargs)

    return wrapper


def colour(stream: Any) -> bool:
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def print_diagnostics(found: list[Diagnostic], fmt: str, *, err: bool, quiet: bool) -> None:
    stream = sys.stderr if err else sys.stdout
    if fmt == "json":
        click.echo(format_json(found), nl=False, err=err)
    elif fmt == "github":
        click.echo(format_github(found), nl=False, err=err)
    else:
        click.echo(format_text(found, colour=colour(stream)), nl=False, err=err, color=colour(stream))
        if not quiet:
            click.echo(summary_line(found), err=True)


def guard(run: Callable[[], int]) -> None:
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
    except Exception as exc:  # the last line of defence, by design
        known = _not_a_bug(exc)
        if known is None:
            _report_bug()
        code = EXIT_BUG if known is None else known
    if process_exit:
        # The command is done and said everything: skip freeing a heap of a few hundred
        # MB object by object (a third of a second after a large build).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _not_a_bug(exc: BaseException) -> int | None:
    """The exit code of a failure that is the machine's, not vpcsite's, after saying
    what it was; None for a bug.

    A Ctrl-C that lands while worker processes are stopped can surface as another
    exception (a broken pipe, a pool's error) raised while handling it: still an
    interrupt (130). A refusal of the operating system (a read-only folder, a full
    disk, a file gone mid-build) is told as such (2)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            return 130
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        click.echo("  hint: check that the folder is writable and the disk not full, then run the command again", err=True)
        return EXIT_USAGE
    return None


def _report_bug() -> None:
    click.echo(traceback.format_exc(), err=True)
    click.echo(
        "This is a bug in vpcsite, not a problem with your content. Please report it with the traceback above.",
        err=True,
    )


#: Set by `entry` (the installed command and `python -m vpcsite`), never by a caller
#: that runs `main` inside its own process, such as a test.
process_exit = False

"""Click commands only: options → one call → print → exit code.

The group lives here; each command family has a module of its own (site: check and
build; serve; authoring: schema, init, new), which registers itself on `main`.
"""

from __future__ import annotations

import click

from .. import __version__
from . import common
from .common import Context, site_options


def entry() -> None:
    """The `vpcsite` command: `main` in a process of its own, which it may end at once."""
    common.process_exit = True
    main()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpcsite")
@site_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """vpcsite: Value Proposition Canvases from Markdown to a checked, scored static site."""
    ctx.ensure_object(Context)


# The command modules register themselves on `main`; imported last, as they need it.
from . import authoring, diff, serve, site  # noqa: E402,F401

__all__ = ["Context", "entry", "main"]

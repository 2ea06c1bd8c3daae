"""The `vpcsite` command group, on which each command module registers its commands.

It has a module of its own, below the command modules, so they import it and the
package imports them: no module imports one that imports it back.
"""

from __future__ import annotations

import click

from .. import __version__
from .common import Context, site_options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpcsite")
@site_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """vpcsite: Value Proposition Canvases from Markdown to a checked, scored static site."""
    ctx.ensure_object(Context)

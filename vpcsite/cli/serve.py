"""`vpcsite serve`: the authoring loop's command line."""

from __future__ import annotations

import click

from .common import EXIT_USAGE, Context, guard, needs_site, site_options
from .group import main


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
        from ..serve.run import serve as serve_site
        from ..serve.server import PortInUse
        from ..serve.session import ServeOptions

        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: serving on {host} makes the site reachable from other machines; use it on networks you trust", err=True)
        try:
            return serve_site(obj.root, ServeOptions(host, port, pdf, drafts, jobs, open_browser), lambda line: click.echo(line, err=True))
        except PortInUse as exc:
            hint = f"; try --port {exc.free}" if exc.free else "; choose another with --port"
            click.echo(f"error: port {exc.port} on {exc.host} is already in use (another vpcsite serve?){hint}", err=True)
            return EXIT_USAGE

    guard(run)

"""`vpcsite schema`, `init` and `new`: starting a site and its documents."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import EXIT_OK, EXIT_USAGE, Context, guard, needs_site, print_diagnostics, site_options
from .group import main

if TYPE_CHECKING:
    from ..scaffold import ScaffoldError


@main.command()
@site_options
@click.argument("kind", type=click.Choice(["segment", "value-map", "experiment", "business-model", "page", "site"]), default="segment")
def schema(kind: str) -> None:
    """Print the JSON Schema of front matter (or of site.toml), for editors."""

    def run() -> int:
        from ..config import site_schema
        from ..schema import json_schema

        document = site_schema() if kind == "site" else json_schema(kind)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return EXIT_OK

    guard(run)


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
        from ..scaffold import ScaffoldError, init_site

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

    guard(run)


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
    """Write a new segment, value map, experiment or business model from a commented template."""


@new.command("segment")
@site_options
@needs_site
@click.argument("segment_id", metavar="ID")
@click.option("--title", default=None, help="The segment's title (default: the ID in words: busy-parents → Busy parents).")
@click.pass_obj
def new_segment(obj: Context, segment_id: str, title: str | None) -> None:
    """Write content/segments/ID.md: a customer profile to fill in."""

    def run() -> int:
        from ..scaffold import new_segment

        return _report_new(obj, lambda: new_segment(obj.root, segment_id, title), "jobs, pains and gains")

    guard(run)


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
        from ..scaffold import new_value_map

        return _report_new(obj, lambda: new_value_map(obj.root, map_id, segment, title), "products, relievers and creators")

    guard(run)


@new.command("experiment")
@site_options
@needs_site
@click.argument("experiment_id", metavar="ID")
@click.option("--value-map", "value_map", required=True, help="The id of the value map whose hypotheses it tests.")
@click.option("--title", default=None, help="The experiment's title (default: the ID in words).")
@click.pass_obj
def new_experiment(obj: Context, experiment_id: str, value_map: str, title: str | None) -> None:
    """Write content/experiments/ID.md: a test card to fill in."""

    def run() -> int:
        from ..scaffold import new_experiment

        return _report_new(obj, lambda: new_experiment(obj.root, experiment_id, value_map, title), "test card (and, when done, its learning card)")

    guard(run)


@new.command("business-model")
@site_options
@needs_site
@click.argument("model_id", metavar="ID")
@click.option("--title", default=None, help="The business model's title (default: the ID in words).")
@click.pass_obj
def new_business_model(obj: Context, model_id: str, title: str | None) -> None:
    """Write content/business-models/ID.md: a Business Model Canvas to fill in."""

    def run() -> int:
        from ..scaffold import new_business_model

        return _report_new(obj, lambda: new_business_model(obj.root, model_id, title), "nine blocks")

    guard(run)


def _report_new(obj: Context, write: Callable[[], Path], sections: str) -> int:
    """Run one `new` command's write and say what came of it."""
    from ..build import ConfigError
    from ..scaffold import ScaffoldError

    try:
        path = write()
    except ConfigError as exc:
        print_diagnostics(exc.diagnostics, "text", err=True, quiet=obj.verbosity < 0)
        return EXIT_USAGE
    except ScaffoldError as exc:
        return _print_refusal(exc)
    if obj.verbosity >= 0:
        click.echo(f"wrote {path}")
        click.echo(f"next: fill in its {sections} (the comments in the file show how), then run vpcsite check")
    return EXIT_OK

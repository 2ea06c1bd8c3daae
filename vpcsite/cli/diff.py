"""`vpcsite diff`: how the canvases changed between two git revisions, or between one
and the working tree (DESIGN §11)."""

from __future__ import annotations

import shlex
import sys

import click

from .common import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Context, colour, guard, site_options
from .group import main


@main.command("diff")
@site_options
@click.argument("revisions", nargs=-1, metavar="[REV_A [REV_B]]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, markdown for a pull-request comment.",
)
@click.option("--fail-on-drop", is_flag=True, help="Exit 1 when the fit or verified fit of any canvas went down.")
@click.option("--drafts", is_flag=True, help="Compare drafts too.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Processes that load files (0: all cores).")
@click.pass_obj
def diff(obj: Context, revisions: tuple[str, ...], fmt: str, fail_on_drop: bool, drafts: bool, jobs: int) -> None:
    """Compare the canvases of REV_A (default HEAD) and REV_B (default: the working
    tree): fit before → after, items, links, renames, experiments concluded and new
    diagnostics. Revisions are read from git's objects; nothing is checked out."""
    if len(revisions) > 2:
        raise click.UsageError("give at most two revisions: vpcsite diff [REV_A [REV_B]]")

    def run() -> int:
        from ..config import NO_SITE, is_site
        from ..content import DocumentCache
        from ..diff import Side, compare
        from ..diffformat import format_diff
        from ..gitrepo import GitError, Repository
        from ..snapshot import revision_snapshot, worktree_snapshot

        names = list(revisions) or ["HEAD"]
        cache = DocumentCache()  # a file unchanged between the sides is parsed once
        try:
            with Repository(obj.root) as repo:
                commits = [repo.resolve(name) for name in names]
                if len(names) == 1 and not is_site(obj.root):
                    click.echo(f"error: {NO_SITE}", err=True)
                    click.echo("  hint: run vpcsite diff in the site's folder, or name it with -s DIR", err=True)
                    return EXIT_USAGE
                sides = [revision_snapshot(repo, commit, name, drafts=drafts, jobs=jobs, cache=cache) for name, commit in zip(names, commits)]
        except GitError as exc:
            click.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            return EXIT_USAGE
        if len(sides) == 1:
            sides.append(worktree_snapshot(obj.root, drafts=drafts, jobs=jobs, cache=cache))
        before, after = sides
        result = compare(before.result, after.result, (Side(before.label, before.commit), Side(after.label, after.commit)))
        command = "vpcsite diff " + " ".join(shlex.quote(name) for name in revisions)
        click.echo(format_diff(result, fmt, colour=colour(sys.stdout), command=command.strip()), nl=False, color=colour(sys.stdout))
        return EXIT_CONTENT if fail_on_drop and result.dropped else EXIT_OK

    guard(run)

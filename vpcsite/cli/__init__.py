"""Click commands only: options → one call → print → exit code.

The group lives in group.py; each command family has a module of its own (site: check
and build; serve; authoring: schema, init, new; diff), which registers itself on
`main` when imported here.
"""

from __future__ import annotations

from . import authoring, common, diff, serve, site  # noqa: F401 - importing a command module registers its commands
from .common import Context
from .group import main


def entry() -> None:
    """The `vpcsite` command: `main` in a process of its own, which it may end at once."""
    common.process_exit = True
    main()


__all__ = ["Context", "entry", "main"]

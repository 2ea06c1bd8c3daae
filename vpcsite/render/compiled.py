"""Templates compiled once, not by every command-line build: Jinja's bytecode cache,
kept in the output's cache (`.cache/templates/`). A build is a new process, and
compiling the built-in templates from source took a tenth of a second of a one-file
edit's build.

The last output's compiled templates are read (Jinja checks each against its
template's source and its own version, and compiles again when either changed) and
carried into staging; templates compiled by this build are written there, never into
the output being served. The dev server compiles once per process and needs none of
this.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from ..record import CACHE_FOLDER

TEMPLATES_FOLDER = f"{CACHE_FOLDER}/templates"


class CompiledTemplates(BytecodeCache):
    def __init__(self) -> None:
        self.last: Path | None = None
        self.staging: Path | None = None

    def aim(self, last: Path | None, staging: Path | None) -> None:
        """Read from `last` (the last output, None for none), write into `staging`."""
        self.last, self.staging = last, staging

    def load_bytecode(self, bucket: Bucket) -> None:
        if self.last is None:
            return
        path = self.last / TEMPLATES_FOLDER / f"{bucket.key}.code"
        try:
            data = path.read_bytes()
        except OSError:
            return
        bucket.bytecode_from_string(data)
        if bucket.code is not None and self.staging is not None:
            with contextlib.suppress(OSError):  # carried over for the next build
                folder = self.staging / TEMPLATES_FOLDER
                folder.mkdir(parents=True, exist_ok=True)
                os.link(path, folder / path.name)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.staging is None:
            return
        folder = self.staging / TEMPLATES_FOLDER
        with contextlib.suppress(OSError):  # a template compiled again next time
            folder.mkdir(parents=True, exist_ok=True)
            # Workers may compile the same template at once: each writes its own file,
            # then puts it in place in one step.
            part = folder / f"{bucket.key}.{os.getpid()}.part"
            part.write_bytes(bucket.bytecode_to_string())
            os.replace(part, folder / f"{bucket.key}.code")

    def carry_rest(self) -> None:
        """Take over the last output's compiled templates this build did not load."""
        if self.last is None or self.staging is None:
            return
        source, folder = self.last / TEMPLATES_FOLDER, self.staging / TEMPLATES_FOLDER
        with contextlib.suppress(OSError):
            names = [path.name for path in source.glob("*.code")]
            if names:
                folder.mkdir(parents=True, exist_ok=True)
            for name in names:
                with contextlib.suppress(FileExistsError):
                    os.link(source / name, folder / name)

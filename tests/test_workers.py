"""Worker pools: Ctrl-C is the parent's to answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vpcsite.workers import fork_pool

from .conftest import gen_site


def _interrupt_myself() -> int:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # a signal that kills arrives before this returns
    return os.getpid()


def test_a_pool_worker_survives_ctrl_c():
    # As in a terminal, whatever ran the tests: Ctrl-C raises KeyboardInterrupt.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with fork_pool(1) as pool:
            worker = pool.apply_async(_interrupt_myself).get(timeout=30)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert worker != os.getpid()


_interrupt_next_fork = False


def _after_fork_in_parent() -> None:
    global _interrupt_next_fork
    if _interrupt_next_fork:
        _interrupt_next_fork = False
        os.kill(os.getpid(), signal.SIGINT)


os.register_at_fork(after_in_parent=_after_fork_in_parent)


def test_ctrl_c_while_workers_are_forked_is_not_lost():
    """A Ctrl-C handled inside CPython's after-fork hooks is swallowed there; the pool
    holds it back until the workers exist, then raises it."""
    global _interrupt_next_fork
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt_next_fork = True
        with pytest.raises(KeyboardInterrupt):
            fork_pool(2)
    finally:
        _interrupt_next_fork = False
        signal.signal(signal.SIGINT, previous)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ctrl_c_during_a_parallel_build_says_interrupted_and_keeps_the_old_site(tmp_path):
    site = tmp_path / "site"
    gen_site().generate(300, site, seed=5)
    # --force-all: the second build renders every page again rather than finding
    # nothing changed.
    command = [sys.executable, "-m", "vpcsite", "-q", "-s", str(site), "build", "--no-pdf", "--jobs", "2", "--force-all"]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode in (0, 1), first.stderr[-2000:]
    before = _snapshot(site / "public")
    # Ctrl-C in a terminal signals every process of the foreground group: the build
    # and its workers. Send it while workers render pages (the first canvas is written).
    # A terminal's program starts with Ctrl-C at its default; whatever runs these tests
    # may have started them with it ignored, which a child would inherit.
    build = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not any(site.glob(".vpcsite-staging-*/canvases/*/index.html")):
        assert build.poll() is None and time.monotonic() < deadline, "the build ended before it could be interrupted"
        time.sleep(0.005)
    os.killpg(build.pid, signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130
    assert "Traceback" not in stderr and "Process ForkPoolWorker" not in stderr
    assert stderr.rstrip().endswith("interrupted")
    assert _snapshot(site / "public") == before
    assert not any(p.name.startswith(".vpcsite-staging-") for p in site.iterdir())


def _sigterm_is_default(_: int) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_pool_workers_die_on_sigterm_whatever_their_parent_does_with_it():
    """A pool stops its workers with SIGTERM; the dev server answers SIGTERM by raising
    KeyboardInterrupt, and a worker that inherited that could wait for a task forever."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        with fork_pool(2) as pool:
            assert pool.map(_sigterm_is_default, range(4)) == [True] * 4
    finally:
        signal.signal(signal.SIGTERM, previous)

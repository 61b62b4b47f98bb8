"""Waiting for another process, on a signal wherever the kernel gives one: a pidfd for a process's exit,
inotify (through watchfiles) for a file appearing. What has no signal (a page as served, a line a thread has
read) is polled against a deadline, in one place."""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

POLL_SECONDS = 0.01  # how often `wait_until` looks again; never a wait for an event by itself


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Until `condition()` holds; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)  # polling a condition against a deadline: the one poll interval in the tests


def wait_for_paths(root: Path, pattern: str, what: str, timeout: float = 30) -> list[Path]:
    """The paths under `root` matching `pattern`, as soon as one exists (woken by inotify, not a timer)."""
    deadline = time.monotonic() + timeout
    found = sorted(root.glob(pattern))
    if found:
        return found
    stop = threading.Event()
    for _ in watchfiles.watch(
        root, stop_event=stop, debounce=1, step=1, rust_timeout=200, yield_on_timeout=True, raise_interrupt=False
    ):
        found = sorted(root.glob(pattern))
        if found:
            stop.set()
            return found
        if time.monotonic() > deadline:
            stop.set()
            break
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def wait_for_exit(pids: Iterable[int], timeout: float) -> list[int]:
    """Waits (on each process's pidfd) until every process has ended; returns those still alive at the deadline."""
    descriptors: dict[int, int] = {}
    for pid in pids:
        try:
            descriptors[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            continue  # already gone
    deadline = time.monotonic() + timeout
    try:
        while descriptors and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select(list(descriptors), [], [], left)
            for descriptor in ready:
                os.close(descriptor)
                del descriptors[descriptor]
        return sorted(pid for pid in descriptors.values() if alive(pid))
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def live_children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc), excluding zombies."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _stat(int(entry.name)) == ("alive", pid)
    ]


def alive(pid: int) -> bool:
    return _stat(pid)[0] == "alive"


def _stat(pid: int) -> tuple[str, int]:
    """("alive" or "gone", parent pid) of a process; a zombie counts as gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone", 0
    fields = text[text.rindex(")") + 2 :].split()
    return ("gone" if fields[0] in ("X", "Z") else "alive"), int(fields[1])

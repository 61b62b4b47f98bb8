"""Load and render articles on every core, with the same results as doing it in this process.

Worker processes each build their Markdown and Jinja objects once (in `_state`), then take chunks of work.
Results come back as plain data (Articles, Problems), never as exceptions, so nothing is lost in pickling.
Each body is parsed once, in the render pass: the same parse gives the page and the body's checks.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from sitegen.build.body_cache import BodyCache, CachedBody
from sitegen.build.inspect import Inspected, Inspection, inspect
from sitegen.check.article import check_body, check_fields
from sitegen.check.duplicates import ArticlePrint
from sitegen.errors import Problem, Severity, SiteError, display_path
from sitegen.model import Article
from sitegen.read.loader import load_article
from sitegen.render.pages import ArticleRenderer, Neighbours, RenderSettings
from sitegen.write.writer import write_file

# Below this many articles a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64
CHUNK_SIZE = 32


@dataclass(frozen=True)
class Loaded:
    """One content file after loading and the checks of its fields."""

    article: Article | None
    problems: list[Problem]


@dataclass(frozen=True)
class Rendered:
    """A chunk of articles after the render pass: the problems in their bodies, and each body's fingerprint for
    the site-wide duplicate search (by web address)."""

    problems: list[Problem]
    prints: dict[str, ArticlePrint]
    articles: int
    cached: list[str] = field(default_factory=list)  # new body-cache entries (pending until the build succeeds)
    reused: list[str] = field(default_factory=list)  # body-cache entries this chunk used


RenderTask = tuple[Article, Neighbours | None]  # no neighbours: check the body only, write no page
InspectTask = tuple[Article, str]  # an article and its path as editors see it
T = TypeVar("T")


@dataclass(frozen=True)
class WorkerSetup:
    render: RenderSettings
    content_dir: Path
    project_root: Path
    build_date: dt.date
    drafts: bool  # build (and so fully check) draft and in-review articles too
    stage: Path | None  # where rendered pages are written; None when only loading (check)
    body_cache: BodyCache | None = None  # rendered and checked bodies from earlier builds; new ones go in pending
    inspect: Inspection | None = None  # `check`: what its checks need beyond the site's settings


class _State:
    """What one process needs to do the work; built once per process."""

    def __init__(self, setup: WorkerSetup) -> None:
        self.setup = setup
        self.renderer = ArticleRenderer(setup.render)

    def load(self, paths: list[Path]) -> list[Loaded]:
        setup = self.setup
        root = setup.project_root.resolve()
        results = []
        for path in paths:
            shown = display_path(path.resolve(), root)
            article, problems = load_article(
                path, setup.content_dir, shown, setup.render.config, setup.build_date, setup.drafts
            )
            if article is not None:
                problems += check_fields(article, shown)
            results.append(Loaded(article, problems))
        return results

    def render(self, tasks: list[RenderTask]) -> Rendered:
        """Parse each body once; check it; write its page when it has no errors and a page is wanted."""
        result = Rendered([], {}, len(tasks))
        for article, neighbours in tasks:
            try:
                body = self._body(article, result)
                result.problems.extend(body.problems)
                result.prints[article.url_path] = body.print
                if neighbours is None or self.setup.stage is None:
                    continue
                if not any(problem.severity is Severity.ERROR for problem in body.problems):
                    write_file(self.setup.stage, self.renderer.render(article, neighbours, body.rendered))
            except SiteError as exc:
                result.problems.extend(exc.problems)
        return result

    def inspect(self, tasks: list[InspectTask]) -> list[Inspected]:
        inspection = self.setup.inspect
        assert inspection is not None
        return [inspect(article, shown, self.renderer, inspection, self.setup.build_date) for article, shown in tasks]

    def _body(self, article: Article, result: Rendered) -> CachedBody:
        """The body rendered and checked, from the body cache when an earlier build did the same work."""
        shown = self.renderer.shown(article)
        cache = self.setup.body_cache
        key = cache.key(article, shown) if cache is not None else ""
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            result.reused.append(key)
            return cached
        rendered = self.renderer.render_body(article)
        problems, article_print = check_body(article, rendered, shown)
        body = CachedBody(rendered, problems, article_print)
        ok = not any(problem.severity is Severity.ERROR for problem in problems)
        if cache is not None and ok and cache.put(key, body):
            result.cached.append(key)
        return body


# The state of a worker process (set by its initializer). The parent never uses it.
_state: _State | None = None


def _start(setup: WorkerSetup, main: int, forked_by_main: bool) -> None:
    global _state
    _exit_with(main, forked_by_main)
    _state = _State(setup)


_PR_SET_PDEATHSIG = 1


def _exit_with(main: int, forked_by_main: bool) -> None:
    """End this worker when the build's process `main` ends, even by SIGKILL, which the pool cannot see
    coming: otherwise the worker waits for work forever. Where `main` started the worker (fork, spawn), Linux
    does it (a parent-death signal); under forkserver the parent is the fork server, which itself stays alive
    while its children do, so a thread watches `main` instead."""
    if forked_by_main and sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != main:  # it ended before the request was made
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(main,), daemon=True, name="exit-with-build").start()


def _watch(main: int) -> None:
    try:
        handle = os.pidfd_open(main)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): look twice a second
        while _running(main):
            time.sleep(0.5)
        os._exit(1)
    select.select([handle], [], [])  # readable once `main` has ended
    os._exit(1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _load_chunk(paths: list[Path]) -> list[Loaded]:
    assert _state is not None
    return _state.load(paths)


def _inspect_chunk(tasks: list[InspectTask]) -> list[Inspected]:
    assert _state is not None
    return _state.inspect(tasks)


def _render_chunk(tasks: list[RenderTask]) -> Rendered:
    assert _state is not None
    return _state.render(tasks)


# The pools of this process, so that a stopping preview can end them at once (abandon_all).
_pools: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
_abandoned = threading.Event()


def abandon_all() -> None:
    """Drop every pool's queued work and kill its workers now, and refuse new pools: the preview is stopping
    and its output folder is being removed. The builds using them fail (their callers expect that), and the
    interpreter then exits at once instead of waiting for the workers to finish everything queued."""
    _abandoned.set()
    for pool in list(_pools):
        processes = list(pool._processes.values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()


class Workers:
    """A process pool when there is enough work and more than one core, otherwise this process."""

    def __init__(self, setup: WorkerSetup, jobs: int, items: int, start_method: str = "") -> None:
        if _abandoned.is_set():
            raise RuntimeError("the build was abandoned (the preview is stopping)")
        self.local = _State(setup)
        jobs = jobs or os.cpu_count() or 1
        self._pool: Executor | None = None
        if jobs > 1 and items >= PARALLEL_THRESHOLD:
            methods = multiprocessing.get_all_start_methods()
            method = start_method or ("fork" if "fork" in methods else "spawn")
            self._pool = ProcessPoolExecutor(
                jobs,
                mp_context=multiprocessing.get_context(method),
                initializer=_start,
                initargs=(setup, os.getpid(), method != "forkserver"),
            )
            _pools.add(self._pool)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def load(self, paths: Sequence[Path]) -> Iterator[list[Loaded]]:
        chunks = _chunks(paths)
        if self._pool is None:
            return map(self.local.load, chunks)
        return self._pool.map(_load_chunk, chunks)

    def inspect(self, tasks: Sequence[InspectTask]) -> Iterator[list[Inspected]]:
        chunks = _chunks(tasks)
        return map(self.local.inspect, chunks) if self._pool is None else self._pool.map(_inspect_chunk, chunks)

    def render(self, tasks: Sequence[RenderTask]) -> Iterator[Rendered]:
        chunks = _chunks(tasks)
        return map(self.local.render, chunks) if self._pool is None else self._pool.map(_render_chunk, chunks)


def _chunks(items: Sequence[T]) -> list[list[T]]:
    return [list(items[i : i + CHUNK_SIZE]) for i in range(0, len(items), CHUNK_SIZE)]

"""Map work over chunks in forked processes that inherit a large read-only state (a plan, a compiled
network) instead of unpickling it: with fork, copy-on-write pages make the hand-over free.

Workers never outlive the process that forked them: each asks the kernel for SIGKILL when its parent
dies (prctl PR_SET_PDEATHSIG), so a build killed with SIGKILL leaves no worker blocked on a pipe, and
any exception in the parent (SIGTERM and Ctrl-C arrive as exceptions) kills the pool before it returns.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

S = TypeVar("S")
C = TypeVar("C")
R = TypeVar("R")

MAX_JOBS = 64  # more workers than this never helps a build and only multiplies memory
_PR_SET_PDEATHSIG = 1

_TASK: tuple[Callable[[Any, Any], list[Any]], Any] | None = None  # set before the fork, read by workers


def bounded_jobs(jobs: int, chunks: int | None = None) -> int:
    """Worker count in 1..MAX_JOBS, and never more workers than there are chunks of work."""
    n = max(1, min(jobs, MAX_JOBS))
    return max(1, min(n, chunks)) if chunks is not None else n


def _die_with_parent(parent: int) -> None:
    """Worker initializer: SIGKILL when the parent dies; default signal handling in the worker."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still applies
        pass
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _forking_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are forked (they inherit `_TASK` and its state) and die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _run(chunk: Any) -> list[Any]:
    assert _TASK is not None
    work, state = _TASK
    return work(state, chunk)


def fork_map(
    work: Callable[[S, C], list[R]],
    state: S,
    chunks: Sequence[C],
    jobs: int,
    done: Callable[[C], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[R]:
    """`work(state, chunk)` for every chunk, in `jobs` forked workers (in this process when jobs <= 1),
    concatenated in chunk order. `work` must be a module-level function. `done(chunk)` is called in
    this process as each chunk finishes (a progress bar counts its items). `meanwhile()` runs in this
    process while the workers work (its exception stops them)."""
    global _TASK  # noqa: PLW0603 - the workers inherit it through fork
    jobs = bounded_jobs(jobs, len(chunks))
    if jobs <= 1:
        if meanwhile is not None:
            meanwhile()
        results: list[R] = []
        for chunk in chunks:
            part = work(state, chunk)
            results += part
            if done is not None:
                done(chunk)
        return results
    _TASK = (work, state)
    pool = _forking_pool(jobs)
    try:
        futures = [pool.submit(_run, chunk) for chunk in chunks]
        if meanwhile is not None:
            meanwhile()
        if done is not None:
            chunk_of = {future: chunk for future, chunk in zip(futures, chunks, strict=True)}
            for future in as_completed(futures):
                future.result()  # a failed chunk raises here, before it is counted
                done(chunk_of[future])
        results = [r for future in futures for r in future.result()]
    except BaseException:
        _kill(pool)
        raise
    finally:
        _TASK = None
    pool.shutdown(wait=True)
    return results


def _call(work: Callable[[C], R], arg: C) -> list[R]:
    return [work(arg)]


@contextmanager
def in_background(work: Callable[[C], R], arg: C) -> Iterator[Callable[[], R]]:
    """`work(arg)` in one forked worker while this process goes on; the context gives the function
    that waits for its result (pickled back: worth it when the work costs more than its result's
    pickling). Leaving the context by an exception kills the worker. `work` must be module-level."""
    global _TASK  # noqa: PLW0603 - the worker inherits it through fork
    _TASK = (_call, work)
    pool = _forking_pool(1)
    try:
        future = pool.submit(_run, arg)  # a fork-context pool forks its workers here
    except BaseException:
        _kill(pool)
        raise
    finally:
        _TASK = None
    try:
        yield lambda: future.result()[0]
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown(wait=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (shutdown() alone waits for running chunks to finish)."""
    processes = dict(getattr(pool, "_processes", None) or {})  # stable private attribute since 3.2
    for process in processes.values():
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)

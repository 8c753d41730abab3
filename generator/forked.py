"""Map work over chunks in forked processes that inherit a large read-only state (a plan, a compiled
network) instead of unpickling it: with fork, copy-on-write pages make the hand-over free."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

S = TypeVar("S")
C = TypeVar("C")
R = TypeVar("R")

_TASK: tuple[Callable[[Any, Any], list[Any]], Any] | None = None  # set before the fork, read by workers


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
) -> list[R]:
    """`work(state, chunk)` for every chunk, in `jobs` forked workers (in this process when jobs <= 1),
    concatenated in chunk order. `work` must be a module-level function. `done(chunk)` is called in
    this process as each chunk finishes (a progress bar counts its items)."""
    global _TASK  # noqa: PLW0603 - the workers inherit it through fork
    if jobs <= 1:
        results: list[R] = []
        for chunk in chunks:
            part = work(state, chunk)
            results += part
            if done is not None:
                done(chunk)
        return results
    _TASK = (work, state)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, chunk) for chunk in chunks]
            if done is not None:
                chunk_of = {future: chunk for future, chunk in zip(futures, chunks, strict=True)}
                for future in as_completed(futures):
                    future.result()  # a failed chunk raises here, before it is counted
                    done(chunk_of[future])
            return [r for future in futures for r in future.result()]
    finally:
        _TASK = None

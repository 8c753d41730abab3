"""Progress bars (rich) for the commands that take seconds at scale: build and audit, diff --base.

Shown only on a terminal: piped output, CI logs and tests stay exactly as they were. Long-running
stages take a `Progress` factory, so they never import rich or know where the bar is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Advance = Callable[[int], None]  # report n more items done
ProgressFactory = Callable[[str, int], AbstractContextManager[Advance]]  # (what, total) -> advance


@contextmanager
def no_progress(what: str, total: int) -> Iterator[Advance]:
    """The silent default."""
    yield lambda n: None


def terminal_progress(console: Console) -> ProgressFactory:
    """A factory drawing one bar per stage on `console`, or nothing when it is not a terminal."""

    @contextmanager
    def bar(what: str, total: int) -> Iterator[Advance]:
        if not console.is_terminal or console.is_dumb_terminal or total <= 0:
            yield lambda n: None
            return
        columns = (
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(what, total=total)
            yield lambda n: progress.advance(task, n)

    return bar

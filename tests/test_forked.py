"""Work in forked processes: results come back, failures surface, and no worker outlives its use."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.forked import fork_map, in_background


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def fail(message: str) -> None:
    raise ValueError(message)


def sleep_writing_pid(path: Path) -> None:
    path.write_text(str(os.getpid()))
    time.sleep(60)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_background_work_runs_in_another_process_while_this_one_goes_on() -> None:
    with in_background(pid_and_square, 12) as result:
        here = sum(range(1000))
        pid, square = result()
    assert pid != os.getpid() and square == 144 and here == 499500


def test_an_error_in_the_background_work_is_raised_where_the_result_is_asked_for() -> None:
    with in_background(fail, "the base does not plan") as result, pytest.raises(ValueError, match="does not plan"):
        result()


def test_leaving_early_by_an_exception_kills_the_worker(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    with pytest.raises(KeyboardInterrupt), in_background(sleep_writing_pid, marker):
        deadline = time.monotonic() + 30
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        raise KeyboardInterrupt  # as Ctrl-C arrives in the parent
    pid = int(marker.read_text())
    deadline = time.monotonic() + 10
    while alive(pid):
        assert time.monotonic() < deadline, f"worker {pid} outlived the context"
        time.sleep(0.01)


def pids_of(state: Path, chunk: list[int]) -> list[tuple[int, int]]:
    """Waits (up to 30 s) until this process's `meanwhile` has left its mark: proof they overlap."""
    deadline = time.monotonic() + 30
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return [(os.getpid(), n * n) for n in chunk]


def test_meanwhile_runs_here_while_the_workers_work(tmp_path: Path) -> None:
    mark = tmp_path / "meanwhile"
    ran_in: list[int] = []

    def meanwhile() -> None:
        ran_in.append(os.getpid())
        mark.write_text("done")

    results = fork_map(pids_of, mark, [[1, 2], [3]], jobs=2, meanwhile=meanwhile)
    assert [square for _, square in results] == [1, 4, 9]
    assert ran_in == [os.getpid()] and os.getpid() not in {pid for pid, _ in results}


def test_meanwhile_runs_once_without_workers_too(tmp_path: Path) -> None:
    mark = tmp_path / "meanwhile"
    calls: list[str] = []
    results = fork_map(pids_of, mark, [[5]], jobs=1, meanwhile=lambda: (calls.append("x"), mark.write_text("x")))
    assert results == [(os.getpid(), 25)] and calls == ["x"]


def test_an_error_in_meanwhile_stops_the_workers(tmp_path: Path) -> None:
    never = tmp_path / "never"  # the workers wait for it (30 s) unless they are stopped
    start = time.monotonic()
    with pytest.raises(ValueError, match="meanwhile failed"):
        fork_map(pids_of, never, [[1], [2]], jobs=2, meanwhile=lambda: fail("meanwhile failed"))
    assert time.monotonic() - start < 20

"""Work in forked processes: results come back, failures surface, and no worker outlives its use."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.forked import in_background


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

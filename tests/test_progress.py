"""Progress bars: devices done of total on a terminal, nothing at all when output is not a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from generator.progress import terminal_progress
from generator.render.build import build

from .conftest import LAB


def test_a_terminal_sees_every_device_counted(tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    seen: list[int] = []
    bar = terminal_progress(console)

    def spy(what: str, total: int):  # the real bar, plus a record of what it was told
        seen.append(total)
        return bar(what, total)

    build(LAB, tmp_path / "out", audit=False, progress=spy)
    assert seen == [16]
    assert "render devices" in screen.getvalue() and "16/16" in screen.getvalue()


def test_piped_output_has_no_progress(tmp_path: Path, cli) -> None:
    code, stdout, stderr = cli("build", LAB, "-o", tmp_path / "out", "--no-audit")
    assert code == 0 and "━" not in stdout + stderr and "render devices" not in stdout + stderr
    screen = io.StringIO()
    with terminal_progress(Console(file=screen, force_terminal=False))("render devices", 16) as advance:
        advance(16)
    assert screen.getvalue() == ""

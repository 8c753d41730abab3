"""Shared helpers: intents as editable dicts, written to temporary files, and the CLI in-process."""

from __future__ import annotations

import copy
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalogue import CATALOGUE
from generator.cli import main
from generator.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "intent" / "lab.yaml"
PROMETHEUS = ROOT / "intent" / "prometheus.yaml"
_LAB_DATA = yaml.safe_load(LAB.read_text())


def frr_required() -> bool:
    """CI sets BAG_REQUIRE_FRR=1: there a missing FRR is a failure, not a skip."""
    return os.environ.get("BAG_REQUIRE_FRR") == "1"


def need(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/lib/frr/{tool}" if Path(f"/usr/lib/frr/{tool}").exists() else None)
    if path is None:
        if frr_required():
            pytest.fail(f"{tool} not found but BAG_REQUIRE_FRR=1 (apt-get install -y frr)")
        pytest.skip(f"{tool} not installed")
    return path


@pytest.fixture(scope="session", autouse=True)
def own_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The generator's caches (the stat cache of every output directory, compiled templates) go to a
    directory of this test session, not the user's ~/.cache: a test run makes thousands of output
    directories (129 MB of stat caches after a few runs). Subprocesses inherit it."""
    before = os.environ.get("XDG_CACHE_HOME")
    home = tmp_path_factory.mktemp("cache-home")
    os.environ["XDG_CACHE_HOME"] = str(home)
    try:
        yield home
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def lab_data() -> dict[str, Any]:
    """A fresh, mutable copy of intent/lab.yaml."""
    return copy.deepcopy(_LAB_DATA)


@pytest.fixture
def write_intent(tmp_path: Path) -> Callable[..., Path]:
    def write(data: dict[str, Any] | str, name: str = "intent.yaml") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `python -m generator ARGS` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


LAB_LOCK = Path("/run/lock/bag-lab-tests.lock")


@pytest.fixture(scope="module")
def lab_lock() -> Iterator[None]:
    """One real-FRR lab at a time on this machine, whatever the worker count or how many suites run.

    Namespaces, FRR pathspaces and /run/bag-lab are machine-wide; two labs also compete for the
    CPU that BGP timers need. The lock is held for a whole test module (one lab's lifetime).
    """
    LAB_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LAB_LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------ every finding code is produced by a test
# Each Finding created in a test process records its code; a full run (no -k, -m or path selection)
# fails if a code of the catalogue was never produced. xdist workers hand their codes to the controller.
PRODUCED: set[str] = set()
_finding_init = Finding.__init__


def _recording_init(self: Finding, *args: Any, **kwargs: Any) -> None:
    _finding_init(self, *args, **kwargs)
    PRODUCED.add(self.code)


Finding.__init__ = _recording_init  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker: report to the controller
        config.workeroutput["bag_codes"] = sorted(PRODUCED)
        return
    full_run = (
        not config.option.keyword
        and not config.option.markexpr
        and not config.args[1:]
        and ([Path(a).resolve() for a in config.args] in ([ROOT / "tests"], [ROOT]))
    )
    if not full_run or exitstatus not in (0, 1):
        return
    missing = sorted(set(CATALOGUE) - PRODUCED)
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"finding codes no test produced: {', '.join(missing)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_testnodedown(node: Any, error: Any) -> None:
    PRODUCED.update(getattr(node, "workeroutput", {}).get("bag_codes", ()))

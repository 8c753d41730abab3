"""Arguments several commands share, and how a command registers itself."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.cli.output import DEFAULT_INTENT
from generator.errors import UsageError

Subparsers = Any  # argparse's _SubParsersAction is private
Handler = Callable[[argparse.Namespace], int]


def command(sub: Subparsers, name: str, func: Handler, help_: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_, description=help_)
    p.set_defaults(func=func)
    return p


def need_frr_driver() -> None:
    """The lab, drift and push reach devices through NAPALM, and FRR through the napalm-frr driver:
    its own distribution (napalm_frr/ in this repository, not on PyPI), installed beside the
    generator by the README's set-up command rather than required by it, so `pip install .` alone
    works for everything that only builds and reviews configs."""
    import importlib.util

    if importlib.util.find_spec("napalm_frr") is None:
        raise UsageError(
            "this command needs the NAPALM driver for FRRouting (distribution napalm-frr, in napalm_frr/ of the "
            "generator's repository): pip install ./napalm_frr"
        )


def intent_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "intent", nargs="?", default=DEFAULT_INTENT, help=f"intent YAML file or directory (default: {DEFAULT_INTENT})"
    )


def positive_jobs(text: str) -> int:
    """-j: a whole number of worker processes, 1 to MAX_JOBS (a build never uses more than it has work for)."""
    from generator.forked import MAX_JOBS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"{value} is out of range: use 1 to {MAX_JOBS} worker processes")
    return value


def jobs_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=positive_jobs, default=None, help="worker processes (default: all cores)")


INVENTORY_HELP = (
    "device inventory: the lab's inventory.yaml, or a Nornir inventory (directory with hosts.yaml, "
    "a hosts.yaml, or a Nornir config.yaml); default: the one `lab up` wrote for this intent"
)


def workers_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=16, help="devices worked on at once (default 16)")


def templates_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--templates", help="template directory (default: the templates shipped with the generator)")


def templates_dir(value: str | None) -> Path:
    """The templates to render with: the packaged ones, or a checked `--templates DIR`."""
    from importlib import resources

    # the shipped templates, found without importing the render engine (Jinja2): a no-change build
    # answers before anything heavy loads
    templates = Path(value).resolve() if value else Path(str(resources.files("generator") / "templates")).resolve()
    if not list(templates.glob("*/device.j2")):
        raise UsageError(f"{templates}: not a templates directory (expected <platform>/device.j2 in it)")
    return templates

"""`push`: rendered configs to devices plane by plane through NAPALM (a dry run unless --commit)."""

from __future__ import annotations

import argparse

from generator.cli.common import Subparsers, command, intent_arg
from generator.cli.output import out


def register(sub: Subparsers) -> None:
    p = command(sub, "push", run, "push rendered configs plane by plane (dry run unless --commit)")
    intent_arg(p)
    p.add_argument("--inventory", help="device inventory (default: the one `lab up` wrote for this intent)")
    p.add_argument("-o", "--out", default="out")
    p.add_argument("--commit", action="store_true", help="apply (default: dry run, show the diff only)")
    p.add_argument("--planes", help="only these planes, e.g. 1,2")
    p.add_argument("--revert-in", type=int, default=120, help="commit-confirm timer in seconds (default 120)")
    p.add_argument("--converge-timeout", type=float, default=60.0, help="seconds to wait for post-checks")


def run(args: argparse.Namespace) -> int:
    from generator.deploy.push import run_push

    return run_push(args, out)

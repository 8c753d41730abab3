"""`lab`: run the intent as FRRouting in network namespaces on this machine."""

from __future__ import annotations

import argparse

from generator.cli.common import Subparsers, command, intent_arg
from generator.cli.output import out


def register(sub: Subparsers) -> None:
    p = command(sub, "lab", run, "run the intent as FRRouting in network namespaces on this machine")
    p.add_argument("action", choices=("up", "down", "status"))
    intent_arg(p)
    p.add_argument("-o", "--out", default="out", help="build output with the FRR configs (default: out)")


def run(args: argparse.Namespace) -> int:
    from generator.deploy.lab import run_lab

    return run_lab(args, out)

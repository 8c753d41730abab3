"""`inventory`: the intent's devices as a Nornir or Ansible inventory (platform, address, groups)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.common import Subparsers, command, intent_arg
from generator.cli.output import EXIT_OK, out


def register(sub: Subparsers) -> None:
    p = command(sub, "inventory", run, "export the intent's devices as a Nornir or Ansible inventory")
    intent_arg(p)
    p.add_argument("--format", choices=("nornir", "ansible"), default="nornir")
    p.add_argument("-o", "--out", help="directory to write to (default: print to stdout)")


def run(args: argparse.Namespace) -> int:
    from generator.deploy.inventory_export import export
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_checked

    plan = plan_checked(load_intent(args.intent)).plan
    files = export(plan, args.format)
    if not args.out:
        out.print("---\n".join(files.values()), markup=False, highlight=False, end="")
        return EXIT_OK
    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        staging = target / f".{name}.tmp"
        staging.write_text(text)
        staging.replace(target / name)  # a reader never sees half a file
    written = ", ".join(str(target / name) for name in files)
    out.print(f"{plan.intent.name}: {len(plan.wiring.nodes)} devices -> {written} ({args.format})", markup=False)
    return EXIT_OK

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
    from generator.deploy.inventory_export import export, written_here
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_checked
    from generator.render.outdir import claim_files_dir, write_outputs

    plan = plan_checked(load_intent(args.intent)).plan
    files = export(plan, args.format)
    if not args.out:
        out.print("---\n".join(files.values()), markup=False, highlight=False, end="")
        return EXIT_OK
    shown = Path(args.out)
    # refuses a file, the intent's directory, and YAML files this tool did not write: untouched
    target = claim_files_dir(shown, set(files), written_here, Path(args.intent))
    write_outputs(shown, target, {name: text.encode() for name, text in files.items()})  # all or nothing
    written = ", ".join(str(shown / name) for name in files)
    out.print(f"{plan.intent.name}: {len(plan.wiring.nodes)} devices -> {written} ({args.format})", markup=False)
    return EXIT_OK

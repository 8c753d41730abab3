"""`lab`: run the intent as FRRouting in network namespaces on this machine."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.common import Subparsers, command, intent_arg
from generator.cli.output import EXIT_OK, out
from generator.errors import UsageError


def register(sub: Subparsers) -> None:
    p = command(sub, "lab", run, "run the intent as FRRouting in network namespaces on this machine")
    p.add_argument("action", choices=("up", "down", "status", "export"))
    intent_arg(p)
    p.add_argument("-o", "--out", default="out", help="build output with the FRR configs (default: out)")
    p.add_argument("--containerlab", action="store_true", help="export: write a containerlab topology")
    p.add_argument("-t", "--topology", help="export: topology file to write (default: <intent name>.clab.yml)")
    p.add_argument("--image", action="append", metavar="PLATFORM=IMAGE", help="export: container image per platform")
    p.add_argument("--junos", choices=("crpd", "vjunos"), default="crpd", help="export: Junos as cRPD or vJunos")


def run(args: argparse.Namespace) -> int:
    if args.action == "export":
        return export(args)
    from generator.deploy.lab import run_lab

    return run_lab(args, out)


def export(args: argparse.Namespace) -> int:
    """`lab export --containerlab`: build (incrementally), then write the containerlab topology."""
    from generator.deploy import containerlab
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_checked
    from generator.render.build import build

    if not args.containerlab:
        raise UsageError("lab export needs a format: --containerlab")
    images = dict(containerlab.DEFAULT_IMAGES)
    for item in args.image or []:
        key, sep, image = item.partition("=")
        if not sep or key not in images or not image:
            raise UsageError(f"--image {item}: write PLATFORM=IMAGE with PLATFORM one of {', '.join(images)}")
        images[key] = image
    if args.topology and not Path(args.topology).parent.is_dir():
        raise UsageError(f"{args.topology}: no such directory {Path(args.topology).parent}/")
    build(args.intent, args.out)
    plan = plan_checked(load_intent(args.intent)).plan
    path = Path(args.topology or f"{plan.intent.name}.clab.yml")
    options = containerlab.Options(images, args.junos)
    try:
        result = containerlab.topology(plan, Path(args.out), path, options)
        containerlab.write(result, path)
    except (containerlab.ExportError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    topo = result.topology["topology"]
    out.print(
        f"{path}: {len(topo['nodes'])} nodes, {len(topo['links'])} links; deploy with `containerlab deploy -t {path}`",
        markup=False,
    )
    return EXIT_OK

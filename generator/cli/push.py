"""`push`: rendered configs to devices plane by plane through NAPALM (a dry run unless --commit)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.common import INVENTORY_HELP, Subparsers, command, intent_arg, templates_arg, workers_arg
from generator.cli.output import EXIT_FOUND, EXIT_OK, out


def register(sub: Subparsers) -> None:
    p = command(sub, "push", run, "push rendered configs plane by plane (dry run unless --commit)")
    intent_arg(p)
    p.add_argument("--inventory", help=INVENTORY_HELP)
    workers_arg(p)
    p.add_argument("-o", "--out", default="out")
    p.add_argument("--commit", action="store_true", help="apply (default: dry run, show the diff only)")
    p.add_argument("--planes", help="only these planes, e.g. 1,2")
    p.add_argument("--revert-in", type=int, default=120, help="commit-confirm timer in seconds (default 120)")
    p.add_argument("--converge-timeout", type=float, default=60.0, help="seconds to wait for post-checks")
    p.add_argument(
        "--skip-cabling",
        action="store_true",
        help="do not compare LLDP with the intended wiring before a plane changes (devices without LLDP)",
    )
    templates_arg(p)


def run(args: argparse.Namespace) -> int:
    from generator.cli.common import need_frr_driver, templates_dir

    need_frr_driver()
    from generator.deploy.engine import StepProgress
    from generator.deploy.lab import default_inventory
    from generator.deploy.push import push

    planes = [int(p) for p in args.planes.split(",")] if args.planes else None
    with StepProgress(out, "push ") as progress:
        results = push(
            args.intent,
            default_inventory(args.intent, args.inventory),
            Path(args.out),
            args.commit,
            planes,
            args.revert_in,
            args.converge_timeout,
            log=lambda text: out.print(text, markup=False, highlight=False),
            workers=args.workers,
            progress=progress,
            templates=templates_dir(args.templates),
            cabling=not args.skip_cabling,
        )
    for r in results:
        state = (
            "FAILED" if r.error else ("unchanged" if not r.changed else ("applied" if args.commit else "would change"))
        )
        drained = f", drained {len(r.drained)}" if r.drained else ""
        out.print(
            f"plane {r.plane}: {state} ({len(r.changed)} of {len(r.devices)} devices change{drained}) "
            f"in {r.seconds:.1f}s" + (f"; rolled back {', '.join(r.rolled_back) or 'nothing'}" if r.error else ""),
            markup=False,
        )
        if r.steps:
            out.print(f"  time: {r.timing()}", markup=False)
        for failure in r.failed:
            out.print(f"  failed check '{failure.check}' on {failure.device}: {failure.detail}", markup=False)
        if r.error:
            return EXIT_FOUND
    changed = any(r.changed for r in results)
    return EXIT_FOUND if changed and not args.commit else EXIT_OK  # a dry run with changes is a difference

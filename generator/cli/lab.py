"""`lab`: run the intent as FRRouting in network namespaces, verify its kernels, fail and restore it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rich.console import Console

from generator.cli.common import Subparsers, command, intent_arg, need_frr_driver
from generator.cli.output import EXIT_OK, out, print_findings
from generator.errors import UsageError
from generator.units import format_bps

if TYPE_CHECKING:
    from generator.analysis.capacity import Scenario
    from generator.deploy.verify import Verification


def register(sub: Subparsers) -> None:
    p = command(sub, "lab", run, "run the intent as FRRouting in network namespaces on this machine")
    p.add_argument(
        "action",
        choices=("up", "down", "status", "verify", "cabling", "fail", "restore", "export"),
        help="up/down: start/remove the lab; status: sessions and FRR's RIB against the kernel; verify: "
        "every kernel against the model's next hops and weights; cabling: LLDP against the intended wiring; "
        "fail --scenario: cause a failure analyze reports and compare with its prediction; restore: undo it; "
        "export --containerlab: the intent as a containerlab topology",
    )
    intent_arg(p)
    p.add_argument("-o", "--out", default="out", help="build output with the FRR configs (default: out)")
    p.add_argument(
        "--scenario",
        metavar="KIND:NAME",
        help="for fail: link:DEVICE:INTERFACE, line-card:DEVICE:CARD, bag-switch:DEVICE, plane:REGION:PLANE, "
        "data-hall:TAG or power-domain:TAG",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for convergence (verify, fail, restore)"
    )
    p.add_argument("--containerlab", action="store_true", help="export: write a containerlab topology")
    p.add_argument("-t", "--topology", help="export: topology file to write (default: <intent name>.clab.yml)")
    p.add_argument("--image", action="append", metavar="PLATFORM=IMAGE", help="export: container image per platform")
    p.add_argument("--junos", choices=("crpd", "vjunos"), default="crpd", help="export: Junos as cRPD or vJunos")


def run(args: argparse.Namespace) -> int:
    if args.action == "export":
        return export(args)
    return _run_lab(args, out)


def _capacity(console: Console, measured: Verification, predicted: Scenario | None = None) -> None:
    for label, values, want in (
        ("region pair", measured.pair_bps, predicted.pair_bps if predicted else None),
        ("fabric", measured.fabric_bps, predicted.fabric_bps if predicted else None),
    ):
        for key, bps in values.items():
            expected = f" (analyze predicts {format_bps(want.get(key, 0))})" if want is not None else ""
            console.print(f"  {label} {key}: {format_bps(bps)} in service{expected}", markup=False)


def _run_lab(args: argparse.Namespace, console: Console) -> int:
    need_frr_driver()
    from generator.deploy.cabling import check_cabling
    from generator.deploy.failures import ScenarioError, measure, parse_failure, usage
    from generator.deploy.inventory import load_inventory
    from generator.deploy.lab import Lab, connector, default_inventory, inventory_path, lab_status
    from generator.deploy.verify import verify_until
    from generator.pipeline import plan_checked
    from generator.render.build import build

    out = Path(args.out)
    if args.action == "status":
        inventory = load_inventory(default_inventory(args.intent, None))
        table, all_up, findings = lab_status(inventory)
        console.print(table)
        print_findings(findings, console)
        return 0 if all_up and not findings else 1
    from generator.intent.loader import load_intent

    loaded = load_intent(args.intent)
    lab = Lab(loaded.intent.name)
    if args.action == "down":
        removed = lab.down()
        console.print(f"lab {lab.name}: removed {len(removed)} namespaces")
        return 0
    if args.action == "up":
        build(args.intent, out)
        inventory = lab.up(plan_checked(loaded).plan, out)
        path = inventory_path(lab.name)
        path.write_text(yaml.safe_dump(inventory.as_dict(), sort_keys=True))
        console.print(f"lab {lab.name}: {len(inventory.devices)} FRR devices running; inventory {path}")
        return 0
    plan = plan_checked(loaded).plan
    inventory = load_inventory(inventory_path(lab.name))
    names = sorted(inventory.devices)
    if args.action == "cabling":
        findings = check_cabling(plan, names, connector(inventory))
        print_findings(findings, console)
        console.print(
            f"lab {lab.name}: LLDP of {len(names)} devices against the intended wiring: {len(findings)} findings"
        )
        return 1 if findings else 0
    if args.action == "verify":
        result, seconds = verify_until(plan, names, connector(inventory), args.timeout)
        print_findings(result.findings, console)
        console.print(
            f"lab {lab.name}: {result.devices} devices, {result.prefixes} (device, prefix) pairs: kernel "
            f"{'matches' if not result.findings else 'differs from'} the model ({seconds:.1f}s)",
            markup=False,
        )
        _capacity(console, result)
        return 1 if result.findings else 0
    if args.action == "fail":
        if not args.scenario:
            raise UsageError(f"lab fail needs --scenario KIND:NAME ({usage()})")
        try:
            failure = parse_failure(plan, args.scenario)
        except ScenarioError as exc:
            raise UsageError(str(exc)) from None
        lab.fail(plan, failure)
        measured = measure(plan, names, connector(inventory), failure, args.timeout)
    else:  # restore
        restored = lab.restore()
        console.print(
            f"lab {lab.name}: restored {', '.join(restored) or 'nothing (no failure recorded)'}", markup=False
        )
        measured = measure(plan, names, connector(inventory), None, args.timeout)
    p = measured.predicted
    print_findings(measured.findings, console)
    console.print(
        f"lab {lab.name}: {p.kind} {p.name}: after {measured.seconds:.1f}s the kernels "
        f"{'match' if not measured.findings else 'do not match'} the prediction "
        f"({len(p.weights)} devices with new weights, {measured.verification.devices} devices checked)",
        markup=False,
    )
    _capacity(console, measured.verification, p)
    return 1 if measured.findings else 0


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
    loaded = load_intent(args.intent)
    path = Path(args.topology or f"{loaded.intent.name}.clab.yml")
    containerlab.check_target(path, Path(args.intent))  # before anything is built or written
    build(args.intent, args.out)
    plan = plan_checked(loaded).plan
    options = containerlab.Options(images, args.junos)
    try:
        result = containerlab.topology(plan, Path(args.out), path, options)
    except containerlab.ExportError as exc:
        raise UsageError(str(exc)) from exc
    containerlab.write(result, path)  # all or nothing; BAG201 when the system refuses
    topo = result.topology["topology"]
    out.print(
        f"{path}: {len(topo['nodes'])} nodes, {len(topo['links'])} links; deploy with `containerlab deploy -t {path}`",
        markup=False,
    )
    return EXIT_OK

"""`diff`: review an intent change against a git revision (--base), or drift from devices (--running)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from generator.cli.common import (
    INVENTORY_HELP,
    Subparsers,
    command,
    intent_arg,
    jobs_arg,
    need_frr_driver,
    templates_arg,
    templates_dir,
    workers_arg,
)
from generator.cli.output import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_OK, err, findings_json, out, print_findings
from generator.errors import UsageError
from generator.findings import InputError
from generator.textsafety import for_terminal


def register(sub: Subparsers) -> None:
    p = command(sub, "diff", run, "review a change: against a git revision (--base REV) or running devices (--running)")
    intent_arg(p)
    p.add_argument("--base", metavar="REV", help="git revision to compare with, e.g. origin/main")
    p.add_argument("--head", metavar="REV", default="worktree", help="revision under review (default: worktree)")
    jobs_arg(p)
    p.add_argument("--running", action="store_true", help="compare with the devices of the inventory")
    p.add_argument("--inventory", help=INVENTORY_HELP)
    workers_arg(p)
    templates_arg(p)
    p.add_argument("--format", choices=("terminal", "markdown", "json"), default="terminal")
    p.add_argument("-o", "--out", default="out", help="build output (default: out)")


def run(args: argparse.Namespace) -> int:
    if args.running == bool(args.base):
        raise UsageError("pass either --base REV (review a change in git) or --running (compare with devices)")
    if args.running:
        return running(args)
    from generator.progress import terminal_progress
    from generator.review.compare import SideInvalidError, review
    from generator.review.gitrev import ReviewError
    from generator.review.report import as_json, as_markdown, print_terminal

    try:
        result = review(
            args.intent,
            args.base,
            args.head,
            jobs=args.jobs,
            templates=templates_dir(args.templates),
            progress=terminal_progress(err),
        )
    except SideInvalidError as exc:
        print_findings(exc.findings)
        err.print(f"error: {for_terminal(str(exc))}", style="red", markup=False)
        if args.format == "json":  # a pipeline reading stdout gets a document that says why there is no review
            document = {"valid": False, "side": exc.label, "error": str(exc), **json.loads(findings_json(exc.findings))}
            out.file.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return EXIT_BAD_INPUT if isinstance(exc.__cause__, InputError) else EXIT_FOUND
    except ReviewError as exc:
        raise UsageError(str(exc)) from exc
    # JSON and Markdown go to stdout as they are: rich would re-flow tens of MB of text (8 s for the
    # 66 MB JSON of a 72,000-cable re-patch) for nothing
    if args.format == "json":
        out.file.write(as_json(result) + "\n")
    elif args.format == "markdown":
        out.file.write(as_markdown(result))
    else:
        print_terminal(result, out)
    return EXIT_FOUND if result.changed else EXIT_OK


def running(args: argparse.Namespace) -> int:
    """`diff --running`: what each device runs against what the intent says it should."""
    need_frr_driver()
    from generator.deploy.drift import running_drift
    from generator.deploy.engine import StepProgress
    from generator.deploy.lab import default_inventory

    with StepProgress(out, "diff --running: ") as progress:
        drifts = running_drift(
            args.intent,
            default_inventory(args.intent, args.inventory),
            Path(args.out),
            args.workers,
            progress,
            templates=templates_dir(args.templates),
        )
    if args.format == "json":
        out.print(json.dumps([d.__dict__ for d in drifts], indent=2, sort_keys=True), markup=False)
    else:
        md = args.format == "markdown"
        for d in drifts:
            if d.clean:
                continue
            out.print(f"### {d.device}" if md else d.device, markup=False, style=None if md else "bold")
            for label, values in (
                ("missing sessions", d.missing),
                ("sessions down", d.down),
                ("unexpected sessions", d.unexpected),
                ("wrong remote AS", d.wrong_as),
                ("kernel differs from FRR (BAG300)", d.kernel),
            ):
                if values:
                    out.print(f"- {label}: {', '.join(values)}", markup=False)
            if d.error:
                out.print(f"- error: {d.error}", markup=False)
            if d.config_diff:
                out.print("```diff\n" + d.config_diff + "\n```" if md else d.config_diff, markup=False)
        dirty = sum(1 for d in drifts if not d.clean)
        out.print(f"{dirty} of {len(drifts)} devices drift from the intent", markup=False)
    return EXIT_OK if all(d.clean for d in drifts) else EXIT_FOUND

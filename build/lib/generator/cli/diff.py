"""`diff`: review an intent change against a git revision (--base), or drift from devices (--running)."""

from __future__ import annotations

import argparse

from generator.cli.common import Subparsers, command, intent_arg, jobs_arg
from generator.cli.output import EXIT_FOUND, EXIT_OK, out, print_findings
from generator.errors import UsageError


def register(sub: Subparsers) -> None:
    p = command(sub, "diff", run, "review a change: against a git revision (--base REV) or running devices (--running)")
    intent_arg(p)
    p.add_argument("--base", metavar="REV", help="git revision to compare with, e.g. origin/main")
    p.add_argument("--head", metavar="REV", default="worktree", help="revision under review (default: worktree)")
    jobs_arg(p)
    p.add_argument("--running", action="store_true", help="compare with the devices of the inventory")
    p.add_argument("--inventory", help="device inventory (default: the one `lab up` wrote for this intent)")
    p.add_argument("--format", choices=("terminal", "markdown", "json"), default="terminal")
    p.add_argument("-o", "--out", default="out", help="build output (default: out)")


def run(args: argparse.Namespace) -> int:
    if args.running == bool(args.base):
        raise UsageError("pass either --base REV (review a change in git) or --running (compare with devices)")
    if args.running:
        from generator.deploy.drift import run_diff_running

        return run_diff_running(args, out)
    from generator.review.compare import SideInvalidError, review
    from generator.review.gitrev import ReviewError
    from generator.review.report import as_json, as_markdown, print_terminal

    try:
        result = review(args.intent, args.base, args.head, jobs=args.jobs)
    except SideInvalidError as exc:
        print_findings(exc.findings)
        raise UsageError(str(exc)) from exc
    except ReviewError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        out.print(as_json(result), markup=False, highlight=False)
    elif args.format == "markdown":
        out.print(as_markdown(result), markup=False, highlight=False, end="")
    else:
        print_terminal(result, out)
    return EXIT_FOUND if result.changed else EXIT_OK

"""Command line: `python -m generator <command>`.

Exit codes, for every command: 0 success, 1 the command ran and found something (validation errors,
a diff with changes, a failed push), 2 the input is unusable (bad intent, bad revision, bad usage).
Nothing an operator can cause ends in a traceback: known failures print located findings, anything
else prints one line and asks for `--debug`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from generator.findings import AuditError, Finding, FindingsError, Severity, audit_mismatch, errors, sort_findings

if TYPE_CHECKING:
    from generator.model import Network

DEFAULT_INTENT = "intent/lab.yaml"
EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# emoji=False: ":ff:" in an IPv6 address or ":warning:" in Markdown must print as written
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class UsageError(Exception):
    """A problem with how the tool was called or with its environment; printed as one line, exit 2."""


def print_findings(findings: Sequence[Finding], console: Console = err) -> None:
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        subject = f"{f.field}: " if f.path else ""
        console.print(f"{f.where}: [{style}]{f.severity.value} {f.code}[/] {subject}{f.message}", markup=True)
        if f.hint:
            console.print(f"    hint: {f.hint}", markup=False)


def findings_table(findings: Sequence[Finding], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("severity", "code", "where", "field", "message", "hint"):
        table.add_column(column, overflow="fold")
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        table.add_row(f"[{style}]{f.severity.value}[/]", f.code, f.where, f.field, f.message, f.hint)
    return table


def findings_json(findings: Sequence[Finding]) -> str:
    data = {
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "findings": [f.as_dict() for f in sort_findings(findings)],
    }
    return json.dumps(data, indent=2, sort_keys=True)


# ------------------------------------------------------------------------------------------- commands


def cmd_build(args: argparse.Namespace) -> int:
    from generator.build import build
    from generator.render import TEMPLATES

    templates = Path(args.templates) if args.templates else TEMPLATES
    if not list(templates.glob("*/device.j2")):
        raise UsageError(f"{templates}: not a templates directory (expected <platform>/device.j2 in it)")
    audit = not args.no_audit
    report = build(args.intent, args.out, jobs=args.jobs, force=args.force, audit=audit, templates=templates)
    print_findings(report.warnings)
    if report.up_to_date:
        out.print(
            f"{report.intent}: up to date ({report.devices} devices, {report.sessions} sessions) "
            f"in {report.timings['total']:.2f}s"
        )
        return EXIT_OK
    out.print(
        f"{report.intent}: {report.devices} devices, {report.sessions} eBGP sessions, "
        f"{report.lines:,} config lines ({report.size / 1e6:.1f} MB) -> {report.out}/"
    )
    audited = f", audited {report.audited} (parse-back matches the model)" if audit else ", audit skipped"
    out.print(f"  rendered {report.rendered}, wrote {report.written}, removed {report.removed}{audited}")
    out.print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.intent.loader import load_intent
    from generator.outdir import read_manifest
    from generator.pipeline import checked_network

    manifest = read_manifest(Path(args.out)) if args.rendered else None
    if args.rendered and manifest is None:
        raise UsageError(f"{args.out}/ has no build (no manifest.json); run `python -m generator build -o {args.out}`")
    findings, network = checked_network(load_intent(args.intent))
    if manifest is not None and network is not None and not errors(findings):
        findings += rendered_findings(network, manifest, Path(args.out), args.jobs)
    has_errors = any(f.severity is Severity.ERROR for f in findings)
    if args.format == "json":
        out.print(findings_json(findings), markup=False)
    elif findings:
        out.print(findings_table(findings, f"{args.intent}: {len(findings)} finding(s)"))
    else:
        out.print(f"{args.intent}: valid, no findings")
    return EXIT_FOUND if has_errors else EXIT_OK


def rendered_findings(network: Network, manifest: dict[str, Any], out_dir: Path, jobs: int | None) -> list[Finding]:
    """`validate --rendered`: read back every config in OUT/ and compare it with the intent's models."""
    from validators.audit import audit_outdir

    started = time.perf_counter()
    problems = audit_outdir(network, out_dir, jobs)
    hint = f"rebuild {out_dir}/, or fix the template that renders these lines"
    findings = [audit_mismatch(name, network.devices[name].platform, p, hint) for name, p in problems.items()]
    stale = sorted(set(manifest.get("devices", {})) - set(network.devices))
    findings += [
        Finding("BAG080", f"{out_dir}/{name}.cfg is not a device of this intent", device=name, hint=hint)
        for name in stale
    ]
    err.print(f"audited {len(network)} rendered configs in {out_dir}/ in {time.perf_counter() - started:.1f}s")
    return findings


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.intent.schema import Intent

    out.print(json.dumps(Intent.model_json_schema(), indent=2, sort_keys=True), markup=False)
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from generator.analysis.report import run_analyze

    return run_analyze(args, out)


def cmd_diff(args: argparse.Namespace) -> int:
    if args.running == bool(args.base):
        raise UsageError("pass either --base REV (review a change in git) or --running (compare with devices)")
    if args.running:
        from generator.running import run_diff_running

        return run_diff_running(args, out)
    from generator.gitrev import ReviewError
    from generator.review import SideInvalidError, review
    from generator.review_report import as_json, as_markdown, print_terminal

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


def cmd_lab(args: argparse.Namespace) -> int:
    from generator.lab import run_lab

    return run_lab(args, out)


def cmd_push(args: argparse.Namespace) -> int:
    from generator.push import run_push

    return run_push(args, out)


# ------------------------------------------------------------------------------------------- parser


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m generator", description="Intent-based configuration generator for BAG networks."
    )
    top.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = top.add_subparsers(dest="command", required=True, metavar="command")

    def command(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    def intent_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "intent",
            nargs="?",
            default=DEFAULT_INTENT,
            help=f"intent YAML file or directory (default: {DEFAULT_INTENT})",
        )

    p = command("build", cmd_build, "validate, compile and render every device's config into OUT/")
    intent_arg(p)
    p.add_argument("-o", "--out", default="out", help="output directory (default: out)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="ignore the previous build and render everything")

    p.add_argument("--no-audit", action="store_true", help="skip the parse-back audit of changed configs")
    p.add_argument("--templates", help="template directory (default: the templates shipped with the generator)")

    p = command("validate", cmd_validate, "run every semantic check on an intent (exit 1 on errors)")
    intent_arg(p)
    p.add_argument("--rendered", action="store_true", help="also read back every config in OUT/ (parse-back audit)")
    p.add_argument("-o", "--out", default="out", help="build output for --rendered (default: out)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes for --rendered (default: all cores)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = command("schema", cmd_schema, "print the intent JSON schema (for editors and CI)")

    p = command("analyze", cmd_analyze, "capacity, oversubscription and failure-domain report")
    intent_arg(p)
    p.add_argument("-o", "--out", default="out/analysis", help="where to write analysis.md/.json/.mmd")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")

    p = command("diff", cmd_diff, "review a change: against a git revision (--base REV) or running devices (--running)")
    intent_arg(p)
    p.add_argument("--base", metavar="REV", help="git revision to compare with, e.g. origin/main")
    p.add_argument("--head", metavar="REV", default="worktree", help="revision under review (default: worktree)")
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--running", action="store_true", help="compare with the devices of the inventory")
    p.add_argument("--inventory", help="device inventory (default: the one `lab up` wrote for this intent)")
    p.add_argument("--format", choices=("terminal", "markdown", "json"), default="terminal")
    p.add_argument("-o", "--out", default="out", help="build output (default: out)")

    p = command("lab", cmd_lab, "run the intent as FRRouting in network namespaces on this machine")
    p.add_argument(
        "action",
        choices=("up", "down", "status", "verify", "cabling", "fail", "restore"),
        help="up/down: start/remove the lab; status: sessions and FRR's RIB against the kernel; verify: "
        "every kernel against the model's next hops and weights; cabling: LLDP against the intended wiring; "
        "fail --scenario: cause a failure analyze reports and compare with its prediction; restore: undo it",
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

    p = command("push", cmd_push, "push rendered configs plane by plane (dry run unless --commit)")
    intent_arg(p)
    p.add_argument("--inventory", help="device inventory (default: the one `lab up` wrote for this intent)")
    p.add_argument("-o", "--out", default="out")
    p.add_argument("--commit", action="store_true", help="apply (default: dry run, show the diff only)")
    p.add_argument("--planes", help="only these planes, e.g. 1,2")
    p.add_argument("--revert-in", type=int, default=120, help="commit-confirm timer in seconds (default 120)")
    p.add_argument("--converge-timeout", type=float, default=60.0, help="seconds to wait for post-checks")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AuditError as exc:
        print_findings(exc.findings)
        err.print(f"{len(exc.findings)} device(s) failed the parse-back audit: nothing was written", style="red")
        return EXIT_FOUND
    except FindingsError as exc:
        print_findings(exc.findings)
        n = sum(1 for f in exc.findings if f.severity is Severity.ERROR)
        err.print(f"{n} error(s): nothing was written", style="red")
        return EXIT_BAD_INPUT
    except UsageError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.print("interrupted", style="red")
        return 130
    except Exception as exc:  # last line of defence: one line, not a traceback
        if args.debug:
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} (re-run with --debug for details)", style="red", markup=False
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`build`: validate, compile and render every device into OUT/, auditing what changed."""

from __future__ import annotations

import argparse
import time

from generator.cli.common import Subparsers, command, intent_arg, jobs_arg, templates_arg, templates_dir
from generator.cli.output import EXIT_OK, err, out, print_findings


def register(sub: Subparsers) -> None:
    p = command(sub, "build", run, "validate, compile and render every device's config into OUT/")
    intent_arg(p)
    p.add_argument("-o", "--out", default="out", help="output directory (default: out)")
    jobs_arg(p)
    p.add_argument("--force", action="store_true", help="ignore the previous build and render everything")
    p.add_argument("--no-audit", action="store_true", help="skip the parse-back audit of changed configs")
    p.add_argument(
        "--avd",
        action="store_true",
        help="also write out/avd/<device>.yml: the Arista AVD structured config of EOS devices",
    )
    p.add_argument("--docs", action="store_true", help="also write a documentation page per device (OUT/docs/devices/)")
    templates_arg(p)


def run(args: argparse.Namespace) -> int:
    from generator.render.uptodate import up_to_date  # imports no compiler, schema or Jinja2

    start = time.perf_counter()
    audit = not args.no_audit
    templates = templates_dir(args.templates)
    current = None if args.force else up_to_date(args.intent, args.out, templates, audit, args.avd, args.docs)
    if current is not None:  # the common no-change run: answered before the build is even imported
        summary = current.get("summary", {})
        out.print(
            f"{current.get('intent', '')}: up to date ({summary.get('devices', 0)} devices, "
            f"{summary.get('sessions', 0)} sessions) in {time.perf_counter() - start:.2f}s",
            markup=False,
        )
        return EXIT_OK
    from generator.progress import terminal_progress
    from generator.render.build import build

    report = build(
        args.intent,
        args.out,
        jobs=args.jobs,
        force=args.force,
        audit=audit,
        templates=templates,
        avd=args.avd,
        progress=terminal_progress(err),
        device_pages=args.docs,
    )
    print_findings(report.warnings)
    if report.up_to_date:
        out.print(
            f"{report.intent}: up to date ({report.devices} devices, {report.sessions} sessions) "
            f"in {report.timings['total']:.2f}s",
            markup=False,
        )
        return EXIT_OK
    out.print(
        f"{report.intent}: {report.devices} devices, {report.sessions} eBGP sessions, "
        f"{report.lines:,} config lines ({report.size / 1e6:.1f} MB) -> {report.out}/",
        markup=False,
    )
    audited = f", audited {report.audited} (parse-back matches the model)" if audit else ", audit skipped"
    out.print(f"  rendered {report.rendered}, wrote {report.written}, removed {report.removed}{audited}", markup=False)
    out.print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()), markup=False)
    return EXIT_OK

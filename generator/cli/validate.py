"""`validate`: every semantic check on an intent, and with --rendered the audit of a whole OUT/."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cli.common import Subparsers, command, intent_arg, jobs_arg
from generator.cli.output import EXIT_FOUND, EXIT_OK, err, findings_json, findings_table, out, print_findings
from generator.errors import UsageError
from generator.findings import Finding, Severity, audit_mismatch, errors

if TYPE_CHECKING:
    from generator.model import Network


def register(sub: Subparsers) -> None:
    p = command(sub, "validate", run, "run every semantic check on an intent (exit 1 on errors)")
    intent_arg(p)
    p.add_argument("--rendered", action="store_true", help="also read back every config in OUT/ (parse-back audit)")
    p.add_argument("-o", "--out", default="out", help="build output for --rendered (default: out)")
    jobs_arg(p)
    p.add_argument(
        "--format",
        choices=("table", "lines", "json"),
        help="table on a terminal; lines (file:line:column: severity CODE field: message, then hint:) when piped",
    )


def run(args: argparse.Namespace) -> int:
    from generator.intent.loader import load_intent
    from generator.pipeline import checked_network
    from generator.render.outdir import MANIFEST, claim_rendered

    # refuses (BAG200) a named pipe or a link to a device where a build wrote a file: never read
    manifest = claim_rendered(Path(args.out)) if args.rendered else None
    if args.rendered and manifest is None:
        what = (
            "a manifest.json this tool did not write"
            if os.path.lexists(Path(args.out) / MANIFEST)
            else "no build (no manifest.json)"
        )
        raise UsageError(f"{args.out}/ has {what}; run `python -m generator build -o {args.out}`")
    findings, network = checked_network(load_intent(args.intent))
    if manifest is not None and network is not None and not errors(findings):
        findings += rendered_findings(network, manifest, Path(args.out), args.jobs)
    has_errors = any(f.severity is Severity.ERROR for f in findings)
    shape = args.format or ("table" if out.is_terminal else "lines")
    if shape == "json":
        out.print(findings_json(findings), markup=False)
    elif findings and shape == "lines":
        print_findings(findings, out)
        n = sum(1 for f in findings if f.severity is Severity.ERROR)
        out.print(f"{args.intent}: {n} error(s), {len(findings) - n} warning(s)", markup=False)
    elif findings:
        out.print(findings_table(findings, f"{args.intent}: {len(findings)} finding(s)"), markup=False)
    else:
        out.print(f"{args.intent}: valid, no findings", markup=False)
    return EXIT_FOUND if has_errors else EXIT_OK


def rendered_findings(network: Network, manifest: dict[str, Any], out_dir: Path, jobs: int | None) -> list[Finding]:
    """`validate --rendered`: read back every config in OUT/ and compare it with the intent's models."""
    from generator.progress import terminal_progress
    from generator.render.build import drift_findings
    from generator.render.uptodate import changed_configs
    from generator.validators.audit import audit_outdir

    started = time.perf_counter()
    with terminal_progress(err)("audit rendered configs", len(network)) as advance:
        problems = audit_outdir(network, out_dir, jobs, advance)
    hint = f"rebuild {out_dir}/, or fix the template that renders these lines"
    findings = [audit_mismatch(name, network.devices[name].platform, p, hint) for name, p in problems.items()]
    # a config edited by hand is drift from the manifest, an error here, even where it still reads back right
    changed = changed_configs(out_dir, manifest)
    findings += [
        Finding(f.code, f.message, device=f.device, hint=f"rebuild {out_dir}/; " + f.hint, severity=Severity.ERROR)
        for f in drift_findings(out_dir, changed, "it was not audited")
    ]
    stale = sorted(set(manifest.get("devices", {})) - set(network.devices))
    findings += [
        Finding("BAG080", f"{out_dir}/{name}.cfg is not a device of this intent", device=name, hint=hint)
        for name in stale
    ]
    err.print(
        f"audited {len(network)} rendered configs in {out_dir}/ in {time.perf_counter() - started:.1f}s", markup=False
    )
    return findings

"""`analyze`: capacity, oversubscription and failure domains, printed and written to OUT/."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from generator.cli.common import Subparsers, command, intent_arg
from generator.cli.output import EXIT_FOUND, EXIT_OK, out, print_findings
from generator.findings import Severity


def register(sub: Subparsers) -> None:
    p = command(sub, "analyze", run, "capacity, oversubscription and failure-domain report")
    intent_arg(p)
    p.add_argument("-o", "--out", default="out/analysis", help="where to write analysis.md/.json/.mmd")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")


def run(args: argparse.Namespace) -> int:
    from generator.analysis.report import markdown, mermaid, tables
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_analyzed
    from generator.render.outdir import claim_analysis_dir, write_outputs

    start = time.perf_counter()
    loaded = load_intent(args.intent)
    planned, analysis = plan_analyzed(loaded)
    plan = planned.plan
    seconds = time.perf_counter() - start
    shown = Path(args.out)
    target = claim_analysis_dir(shown)  # refuses a file or a directory of someone else's files
    files = {
        "analysis.json": json.dumps(analysis.as_dict(), indent=2, sort_keys=True) + "\n",
        "analysis.md": markdown(analysis),
        "analysis.mmd": mermaid(analysis),
    }
    write_outputs(shown, target, {name: text.encode() for name, text in files.items()})  # all or nothing
    if args.format == "json":
        out.print(json.dumps(analysis.as_dict(), indent=2, sort_keys=True), markup=False)
    elif args.format == "markdown":
        out.print(markdown(analysis), markup=False)
    else:
        for table in tables(analysis):
            out.print(table)
        out.print(
            f"analysis of {len(plan.wiring.nodes)} devices in {seconds:.2f}s; "
            f"wrote {shown}/analysis.md, analysis.json, analysis.mmd",
            markup=False,
        )
    if any(f.severity is Severity.ERROR for f in analysis.findings):
        # the report is written; the errors are findings on a usable intent (exit 1, as `validate`)
        print_findings(analysis.findings)
        return EXIT_FOUND
    return EXIT_OK

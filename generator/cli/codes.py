"""`codes`: the catalogue of finding codes (what each means and how to fix it)."""

from __future__ import annotations

import argparse
import json

from rich.table import Table

from generator.catalogue import CODES, markdown_table
from generator.cli.common import Subparsers, command
from generator.cli.output import EXIT_OK, out


def register(sub: Subparsers) -> None:
    p = command(sub, "codes", run, "list every finding code with its meaning and how to fix it")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        out.print(markdown_table(), markup=False, end="")
    elif args.format == "json":
        out.print(json.dumps([c._asdict() for c in CODES], indent=2), markup=False)
    else:
        table = Table(title="finding codes")
        for column in ("code", "severity", "meaning", "how to fix"):
            table.add_column(column, overflow="fold")
        for c in CODES:
            table.add_row(c.code, c.severity, c.meaning, c.fix)
        out.print(table)
    return EXIT_OK

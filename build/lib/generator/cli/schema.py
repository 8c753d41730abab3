"""`schema`: the intent's JSON Schema, for editors (YAML language server) and CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import Subparsers, command
from generator.cli.output import EXIT_OK, err
from generator.errors import UsageError


def register(sub: Subparsers) -> None:
    p = command(sub, "schema", run, "print the intent JSON schema (for editors and CI)")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (e.g. intent/schema.json), not stdout")


def run(args: argparse.Namespace) -> int:
    from generator.intent.json_schema import schema_text, write_schema

    if not args.output:
        sys.stdout.write(schema_text())
        return EXIT_OK
    try:
        written = write_schema(Path(args.output))
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write the schema: {exc.strerror or exc}") from exc
    err.print(f"{'wrote' if written else 'unchanged:'} {args.output}", markup=False)
    return EXIT_OK

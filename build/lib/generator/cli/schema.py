"""`schema`: the intent's JSON Schema, for editors (YAML language server) and CI."""

from __future__ import annotations

import argparse
import json

from generator.cli.common import Subparsers, command
from generator.cli.output import EXIT_OK, out


def register(sub: Subparsers) -> None:
    command(sub, "schema", run, "print the intent JSON schema (for editors and CI)")


def run(args: argparse.Namespace) -> int:
    from generator.intent.schema import Intent

    out.print(json.dumps(Intent.model_json_schema(), indent=2, sort_keys=True), markup=False)
    return EXIT_OK

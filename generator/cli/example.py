"""`example`: write one of the shipped example intents, to start from (a wheel has no checkout)."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

from generator.cli.common import Subparsers, command
from generator.cli.output import EXIT_OK, err
from generator.errors import UsageError

EXAMPLES = {
    "lab": "16 FRR devices in 2 regions: the FRR lab's default",
    "lab-mid": "108 FRR devices in 3 regions: the mid-size lab",
    "prometheus": "12,672 devices in 4 regions: the gigawatt-scale design",
}


def register(sub: Subparsers) -> None:
    p = command(sub, "example", run, "write an example intent to start from (lab, lab-mid, prometheus)")
    p.add_argument("name", nargs="?", default="lab", choices=sorted(EXAMPLES), help="which example (default: lab)")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (and schema.json beside it), not stdout")


def run(args: argparse.Namespace) -> int:
    from generator.intent.json_schema import write_schema

    text = (resources.files("generator") / "examples" / f"{args.name}.yaml").read_text()
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    if os.path.lexists(target):  # False for a name the system refuses: open says why, below
        raise UsageError(f"{target} exists: pass a new file name (nothing was written)")
    try:
        with target.open("x") as handle:
            handle.write(text)
        schema = target.parent / "schema.json"
        wrote_schema = not os.path.lexists(schema) and write_schema(schema)  # never through a dangling link
    except OSError as exc:
        raise UsageError(f"{target}: cannot write the example: {exc.strerror or exc}") from exc
    err.print(f"wrote {target} ({EXAMPLES[args.name]})" + (f" and {schema}" if wrote_schema else ""), markup=False)
    return EXIT_OK

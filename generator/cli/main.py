"""Command line: `python -m generator <command>` (or `bag <command>`), one module per command.

Exit codes, for every command: 0 success, 1 the command ran and found something (validation errors,
a diff with changes, a failed push), 2 the input is unusable (bad intent, bad revision, bad usage).
Nothing an operator can cause ends in a traceback: known failures print located findings, anything
else prints one line and asks for `--debug`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.cli import analyze, build, codes, diff, inventory, lab, push, schema, validate
from generator.cli.output import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_INTERNAL, err, print_findings
from generator.errors import UsageError
from generator.findings import AuditError, FindingsError, Severity

COMMANDS = (build, validate, diff, analyze, schema, codes, lab, push, inventory)


def parser() -> argparse.ArgumentParser:
    prog = "bag" if Path(sys.argv[0]).name == "bag" else "python -m generator"
    top = argparse.ArgumentParser(prog=prog, description="Intent-based configuration generator for BAG networks.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = top.add_subparsers(dest="command", required=True, metavar="command")
    for module in COMMANDS:
        module.register(sub)
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

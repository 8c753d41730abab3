"""Command line: `python -m generator <command>` (or `bag <command>`), one module per command.

Exit codes, one rule for every command, decided by the kind of problem and never by the command:
- 0 success (warnings may be printed);
- 1 the command ran and found something: an error finding of a check on a readable intent (BAG01x
  to BAG07x, e.g. BAG021 overlapping pools, BAG070 an oversubscription budget), a config that fails
  the parse-back audit (BAG080), a diff with changes, drift, a failed push;
- 2 the input cannot be used: a file that cannot be read or is not YAML, a schema error (BAG001-
  BAG003, BAG060, BAG2xx of the loader, a path over 255 bytes), a refused or unwritable output
  directory or file (BAG200, BAG201), a broken template (BAG081), a bad revision or inventory, bad usage;
- 3 a bug of the generator (one line; `--debug` shows the traceback);
- 141 (128 + SIGPIPE, as a shell reports it) the reader of standard output went away (`| head`).
Options and positionals of a command come in any order (CommandParser). Nothing an operator can
cause ends in a traceback. Every text that came from a user is printed literally (the consoles
interpret no Rich markup, and findings escape control characters).
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from generator import __version__
from generator.cli import analyze, build, codes, diff, example, inventory, lab, push, schema, validate
from generator.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_INTERNAL,
    EXIT_READER_GONE,
    err,
    exit_code,
    print_findings,
    reader_gone,
)
from generator.errors import UsageError
from generator.findings import AuditError, FindingsError, Severity
from generator.textsafety import for_terminal

COMMANDS = (build, validate, diff, analyze, schema, codes, example, lab, push, inventory)
WRITES = {"build", "analyze", "inventory", "lab", "push"}  # commands whose failure leaves their output as it was
# Commands that keep the cyclic garbage collector running: they talk to devices for minutes (paramiko,
# NAPALM and FRR's vtysh sessions make cycles). Every other command lives for seconds and holds a plan
# of millions of acyclic tuples that the collector would walk again and again for nothing (0.1 s of a
# one-plane build, 0.3 s of `analyze` at gigawatt scale); the parse-back audit collects its own cycles.
LONG_RUNNING = {"lab", "push"}


class CommandParser(argparse.ArgumentParser):
    """A command's parser: options and positionals in any order (`lab export --containerlab INTENT`
    as well as `lab export INTENT --containerlab`). Plain argparse matches the positionals of a
    command together at their first occurrence, so an optional INTENT after `export` would already be
    taken as absent; the intermixed parse reads all options first, then the positionals."""

    _intermixed = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._intermixed:  # parse_known_intermixed_args calls back in here: the plain parse
            return super().parse_known_args(args, namespace)
        self._intermixed = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixed = False


def parser() -> argparse.ArgumentParser:
    prog = "bag" if Path(sys.argv[0]).name == "bag" else "python -m generator"
    top = argparse.ArgumentParser(prog=prog, description="Intent-based configuration generator for BAG networks.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = top.add_subparsers(dest="command", required=True, metavar="command", parser_class=CommandParser)
    for module in COMMANDS:
        module.register(sub)
    return top


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so staging directories and workers are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def entry() -> NoReturn:
    """The process's entry (`python -m generator`, `bag`): `main`, then exit without tearing the heap
    down. A command that planned holds millions of objects; freeing them one by one costs 0.05 s at
    gigawatt scale and buys nothing: by then every output is committed, every file closed and every
    worker joined (mypy exits the same way, `mypy.util.hard_exit`). The long-running commands keep
    the interpreter's normal shutdown."""
    args = parser().parse_args()  # --help, --version and usage errors exit here, the normal way
    code = main(args=args)
    if args.command in LONG_RUNNING:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader that went away (`| head`): nothing left to tell it
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None, args: argparse.Namespace | None = None) -> int:
    """Run one command; `args` when the caller parsed them already (`entry`)."""
    if args is None:
        args = parser().parse_args(argv)
    previous = {s: signal.signal(s, _terminate) for s in (signal.SIGTERM, signal.SIGHUP)}
    collecting = gc.isenabled()
    if args.command not in LONG_RUNNING:
        gc.disable()
    try:
        return int(args.func(args))
    except AuditError as exc:
        print_findings(exc.findings)
        err.print(f"{len(exc.findings)} device(s) failed the parse-back audit: nothing was written", style="red")
        return EXIT_FOUND
    except FindingsError as exc:
        print_findings(exc.findings)
        n = sum(1 for f in exc.findings if f.severity is Severity.ERROR)
        err.print(f"{n} error(s)" + (": nothing was written" if args.command in WRITES else ""), style="red")
        return exit_code(exc)
    except UsageError as exc:
        err.print(f"error: {for_terminal(str(exc))}", style="red", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.print("interrupted: nothing was written", style="red")
        return 130
    except Terminated as exc:
        err.print(f"terminated by signal {exc.signum}: nothing was written", style="red")
        return 128 + exc.signum
    except Exception as exc:  # last line of defence: one line, not a traceback
        if isinstance(exc, BrokenPipeError) and reader_gone():
            return EXIT_READER_GONE
        if args.debug:
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {for_terminal(str(exc))} (re-run with --debug for details)",
            style="red",
            markup=False,
        )
        return EXIT_INTERNAL
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if collecting:
            gc.enable()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

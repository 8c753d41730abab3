"""How the CLI speaks: two consoles, exit codes, and findings as lines, a table or JSON."""

from __future__ import annotations

import json
import os
import select
import signal
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.findings import Finding, FindingsError, InputError, Severity, sort_findings
from generator.textsafety import for_terminal

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_READER_GONE = 128 + signal.SIGPIPE  # 141, what a shell reports for a command that `| head` cut short
DEFAULT_INTENT = "intent/lab.yaml"


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich's default exits 1, which here means "found something": the CLI decides instead (see
        reader_gone)."""
        self.quiet = True
        raise BrokenPipeError(32, "Broken pipe")


def reader_gone() -> bool:
    """Whether the reader of standard output has closed it (`bag schema | head -1`); if so, stdout is
    pointed at /dev/null so that the interpreter's last flush does not fail again. A broken pipe
    elsewhere (a device's SSH session) leaves stdout writable: poll tells the two apart."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        if not any(events & select.POLLERR for _, events in poller.poll(0)):
            return False
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
        return True
    except (OSError, ValueError, AttributeError):  # no real stdout (a test's capture): not a pipe's end
        return False


# emoji=False: ":ff:" in an IPv6 address or ":warning:" in Markdown must print as written;
# markup=False: "[/]" or "[red]" in an intent value, key or path must print as written too
# (the few styled lines build rich Text objects or escape what they interpolate)
out = _Console(highlight=False, soft_wrap=True, emoji=False, markup=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)
for _console in (out, err):
    if not _console.is_terminal:  # piped or logged: tables keep whole cells instead of folding at 80 columns
        _console.width = 200


def print_findings(findings: Sequence[Finding], console: Console = err) -> None:
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        subject = f"{f.field}: " if f.path else ""
        line = Text.assemble(f"{f.where}: ", (f"{f.severity.value} {f.code}", style), f" {subject}{f.message}")
        console.print(line, markup=False)
        if f.hint:
            console.print(f"    hint: {f.hint}", markup=False)


def findings_table(findings: Sequence[Finding], title: str) -> Table:
    table = Table(title=Text(for_terminal(title)), show_lines=False)
    for column in ("severity", "code", "where", "field", "message", "hint"):
        table.add_column(column, overflow="fold")
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        cells = (f.code, f.where, f.field, f.message, f.hint)
        table.add_row(Text(f.severity.value, style=style), *(Text(c) for c in cells))
    return table


def findings_json(findings: Sequence[Finding]) -> str:
    data = {
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "findings": [f.as_dict() for f in sort_findings(findings)],
    }
    return json.dumps(data, indent=2, sort_keys=True)


def exit_code(exc: FindingsError) -> int:
    """The one rule: unusable input is 2, a finding on a usable input is 1 (see generator.cli.main)."""
    return EXIT_BAD_INPUT if isinstance(exc, InputError) else EXIT_FOUND

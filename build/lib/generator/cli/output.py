"""How the CLI speaks: two consoles, exit codes, and findings as lines, a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from generator.findings import Finding, Severity, sort_findings

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_INTENT = "intent/lab.yaml"

# emoji=False: ":ff:" in an IPv6 address or ":warning:" in Markdown must print as written
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def print_findings(findings: Sequence[Finding], console: Console = err) -> None:
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        subject = f"{f.field}: " if f.path else ""
        console.print(f"{f.where}: [{style}]{f.severity.value} {f.code}[/] {subject}{f.message}", markup=True)
        if f.hint:
            console.print(f"    hint: {f.hint}", markup=False)


def findings_table(findings: Sequence[Finding], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("severity", "code", "where", "field", "message", "hint"):
        table.add_column(column, overflow="fold")
    for f in sort_findings(findings):
        style = "red" if f.severity is Severity.ERROR else "yellow"
        table.add_row(f"[{style}]{f.severity.value}[/]", f.code, f.where, f.field, f.message, f.hint)
    return table


def findings_json(findings: Sequence[Finding]) -> str:
    data = {
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "findings": [f.as_dict() for f in sort_findings(findings)],
    }
    return json.dumps(data, indent=2, sort_keys=True)

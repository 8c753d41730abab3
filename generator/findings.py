"""Findings: every problem the tool reports, from a YAML typo to an over-subscribed plane.

One type for loader errors and validator findings alike, so the CLI prints, sorts and exports them
the same way (table, JSON) and every one carries a stable code, a location and a hint.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from generator.textsafety import for_terminal


class Severity(StrEnum):
    ERROR = "error"  # stops the build
    WARNING = "warning"  # reported, build continues


@dataclass(frozen=True)
class Location:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", for_terminal(self.file))  # a file name is user text too

    def __str__(self) -> str:
        # line 0: the finding is about the file or directory as a whole (an output directory)
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


FieldPath = tuple[str | int, ...]  # where a value is in the intent: ("regions", 0, "bag", "planes")


def format_path(path: Iterable[str | int]) -> str:
    """('regions', 0, 'bag', 'planes') -> 'regions[0].bag.planes' (keys are user text: escaped, cut)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return for_terminal(text)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: FieldPath = ()
    location: Location | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR
    device: str = ""

    def __post_init__(self) -> None:
        # Messages quote intent values, keys and paths: the terminal rule applies where they enter.
        for name in ("message", "hint", "device"):
            object.__setattr__(self, name, for_terminal(getattr(self, name)))

    @property
    def field(self) -> str:
        return format_path(self.path)

    @property
    def where(self) -> str:
        if self.location:
            return str(self.location)
        return f"device {self.device}" if self.device else "intent"

    def __str__(self) -> str:
        subject = f"{self.field}: " if self.path else ""
        text = f"{self.where}: {self.severity.value} {self.code} {subject}{self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "field": self.field,
            "file": self.location.file if self.location else None,
            "line": self.location.line if self.location else None,
            "column": self.location.column if self.location else None,
            "device": self.device or None,
            "hint": self.hint,
        }


class Locator(Protocol):
    def locate(self, path: FieldPath) -> Location | None: ...


def located(
    source: Locator,
    code: str,
    path: FieldPath,
    message: str,
    hint: str = "",
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A finding about the intent, placed at the file, line and column where `path` was written."""
    return Finding(code, message, path, source.locate(path), hint, severity)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by file position, code and device: stable output for CI diffs."""

    def key(f: Finding) -> tuple[int, str, int, int, str, str, str]:
        loc = f.location
        return (
            0 if f.severity is Severity.ERROR else 1,
            loc.file if loc else "~",
            loc.line if loc else 0,
            loc.column if loc else 0,
            f.code,
            f.device,
            f.message,
        )

    return sorted(findings, key=key)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


class FindingsError(Exception):
    """Raised when a stage cannot continue; carries every finding gathered so far."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sort_findings(findings)
        super().__init__("\n".join(str(f) for f in self.findings))

    def __reduce__(self) -> tuple[Any, ...]:  # raised in forked workers: pickled with its findings
        return (_rebuild, (type(self), self.findings))


def _rebuild(cls: type[FindingsError], findings: list[Finding]) -> FindingsError:
    error = Exception.__new__(cls)
    FindingsError.__init__(error, findings)
    return error


class InputError(FindingsError):
    """The input cannot be used at all (unreadable, not YAML, wrong shape, refused output directory,
    broken template): exit 2 in every command. Plain FindingsError is a readable intent that breaks
    a rule (a semantic finding): exit 1 in every command, the same as `validate` reports it."""


class AuditError(FindingsError):
    """Rendered configs that do not say what their models say: a generator bug, not bad intent."""


def audit_mismatch(device: str, platform: str, problems: Sequence[str], hint: str, limit: int = 20) -> Finding:
    """BAG080: a rendered config that does not say what its model says (the first `limit` facts)."""
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    text = f"rendered {platform} config does not match the model{more}: " + "; ".join(problems[:limit])
    return Finding("BAG080", text, device=device, hint=hint)

"""Shared by the tests/test_hostile_*.py suites: what every refusal must show.

A refusal is never only "no traceback": it has the right exit code, names the finding code and the
place (file:line:column or the directory), and leaves every file as it was.
"""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from .conftest import LAB

LAB_DATA: dict[str, Any] = yaml.safe_load(LAB.read_text())
FINDING_LINE = re.compile(r"^(?P<where>\S.*?): (?P<severity>error|warning) (?P<code>BAG\d{3}) ", re.M)


def lab() -> dict[str, Any]:
    return copy.deepcopy(LAB_DATA)


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under `root` (hidden ones too) with the sha256 of files and the target of links."""
    if not root.exists() and not root.is_symlink():
        return {}
    if root.is_file():
        return {".": hashlib.sha256(root.read_bytes()).hexdigest()}
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


def findings_in(text: str) -> list[tuple[str, str, str]]:
    """(where, severity, code) of every finding line the CLI printed."""
    return [(m["where"], m["severity"], m["code"]) for m in FINDING_LINE.finditer(text)]


def assert_refused(rc: int, err: str, *, exit_code: int, code: str, where: str) -> None:
    """Exit `exit_code`, a finding `code` at `where` (a 'file:line:col' or its prefix), no traceback."""
    assert rc == exit_code, err
    assert "Traceback" not in err and "internal error" not in err, err
    located = [w for w, _sev, c in findings_in(err) if c == code]
    assert located, f"no {code} finding in:\n{err}"
    assert any(w == where or w.startswith(where) for w in located), f"{code} not at {where}: {located}\n{err}"

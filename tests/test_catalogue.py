"""Finding codes are defined once, in generator.catalogue, and documented from there."""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.catalogue import CATALOGUE, CODES, markdown_table

from .conftest import ROOT

CODE = re.compile(r"\bBAG\d{3}\b")


def _source_codes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in ("generator", "validators"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "validators" in path.relative_to(ROOT).parts[:2] and folder == "generator":
                continue  # generator/validators is the same folder as validators/
            if path.name == "catalogue.py":
                continue
            for code in CODE.findall(path.read_text()):
                found.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_code_the_source_raises_is_in_the_catalogue() -> None:
    unknown = {code: where for code, where in _source_codes().items() if code not in CATALOGUE}
    assert unknown == {}


def test_every_catalogued_code_is_raised_somewhere() -> None:
    assert sorted(set(CATALOGUE) - set(_source_codes())) == []


def test_codes_are_unique_and_sorted_with_a_meaning_and_a_fix() -> None:
    assert [c.code for c in CODES] == sorted(CATALOGUE)
    assert all(c.severity in ("error", "warning") and c.meaning and c.fix for c in CODES)


def test_the_readme_lists_every_code_from_the_catalogue() -> None:
    assert markdown_table() in (ROOT / "README.md").read_text()


def test_the_codes_command_prints_the_catalogue(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("codes", "--format", "markdown")
    assert code == 0 and out == markdown_table()

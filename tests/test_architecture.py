"""The shape of the code is part of its behaviour: stages layered one way, no import cycle anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_layer_contract_holds() -> None:
    """pyproject's [tool.importlinter] contract: cli > api > deploy > review > render > ... > core types."""
    lint = shutil.which("lint-imports") or pytest.fail("import-linter is a dev dependency: pip install -e '.[dev]'")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize("package", ["generator", "napalm_frr"])
def test_no_module_imports_itself_through_others(package: str) -> None:
    graph = grimp.build_graph(package)
    assert _cycles(graph) == []


def test_nothing_below_the_cli_imports_it() -> None:
    graph = grimp.build_graph("generator")
    importers = {
        m
        for m in graph.find_downstream_modules("generator.cli", as_package=True)
        if not m.startswith("generator.cli") and m != "generator.__main__"
    }
    assert importers == set()


def test_the_validators_folder_is_the_generator_validators_package() -> None:
    """The brief fixes top-level validators/ and templates/; they ship as generator.validators and package data."""
    import generator.validators

    assert Path(generator.validators.__file__).resolve().parent == ROOT / "validators"
    assert (ROOT / "generator" / "templates").resolve() == ROOT / "templates"
    assert "validators" not in sys.modules or sys.modules["validators"].__file__ != generator.validators.__file__


@pytest.mark.parametrize(
    "argv",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_the_code_is_lint_and_type_clean(argv: list[str]) -> None:
    """ruff (pyproject's rule set) and mypy --strict over generator, napalm_frr and bench, as CI runs them."""
    tool = shutil.which(argv[0]) or pytest.fail(f"{argv[0]} is a dev dependency: pip install -e '.[dev]'")
    done = subprocess.run([tool, *argv[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

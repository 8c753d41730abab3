"""The product as a user installs it: wheels in a fresh virtual environment, run from another directory.

The checkout is never on the path here: the venv sees the test run's third-party packages (a path
entry, so no download is needed, and no editable install's finder runs) but imports `generator` and
`napalm_frr` from the wheels built from this tree, and `pip check` holds the wheels' declared
dependencies against what is there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import LAB, ROOT

pytestmark = pytest.mark.slow


def run(argv: list[str | Path], cwd: Path, ok: tuple[int, ...] = (0,), **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")} | env
    done = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, env=environment, check=False)
    assert done.returncode in ok, f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the venv's python, an empty working directory outside the checkout)."""
    root = tmp_path_factory.mktemp("installed")
    wheels = root / "wheels"
    for project in (ROOT, ROOT / "napalm_frr"):
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, project], cwd=root)
    venv.EnvBuilder(with_pip=False).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).stdout.strip()
    here = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (Path(site) / "test-run-packages.pth").write_text("".join(f"{p}\n" for p in sorted(here)))
    run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", *sorted(wheels.glob("*.whl"))],
        root,
    )
    work = root / "work"
    work.mkdir()
    yield python, work


def test_the_wheel_is_what_runs(installed: tuple[Path, Path]) -> None:
    python, work = installed
    where = run([python, "-c", "import generator, generator.validators; print(generator.validators.__file__)"], work)
    assert str(python.parent.parent) in where.stdout and str(ROOT) not in where.stdout


def test_the_wheels_declared_dependencies_are_met(installed: tuple[Path, Path]) -> None:
    python, work = installed
    checked = run([sys.executable, "-m", "pip", "--python", python, "check"], work, ok=(0, 1))
    ours = [
        line for line in checked.stdout.splitlines() if line.lower().startswith(("bag-intent-generator", "napalm-frr"))
    ]
    assert ours == [], checked.stdout


def test_build_validate_analyze_schema_from_another_directory(installed: tuple[Path, Path]) -> None:
    python, work = installed
    bag = python.parent / "bag"
    assert run([bag, "--version"], work).stdout.startswith("bag ")
    run([bag, "example", "lab", "-o", "lab.yaml"], work)  # the examples ship in the wheel
    assert (work / "lab.yaml").read_text() == LAB.read_text() and (work / "schema.json").is_file()
    built = run([python, "-m", "generator", "build", "lab.yaml", "-o", "out"], work)
    assert "16 devices" in built.stdout and (work / "out" / "east-bag-p1-s1.cfg").is_file()
    assert "valid, no findings" in run([bag, "validate", "lab.yaml", "--rendered", "-o", "out"], work).stdout
    run([bag, "analyze", "lab.yaml", "-o", "analysis"], work)
    assert (work / "analysis" / "analysis.md").is_file()
    assert '"$id": "urn:bag-intent-generator:schema:intent:1"' in run([bag, "schema"], work).stdout


def test_diff_base_from_another_directory(installed: tuple[Path, Path]) -> None:
    python, work = installed
    repo = work / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    run(["git", "init", "-q"], repo)
    shutil.copy(LAB, repo / "lab.yaml")
    run([*git, "add", "lab.yaml"], repo)
    run([*git, "commit", "-qm", "base"], repo)
    (repo / "lab.yaml").write_text(
        LAB.read_text().replace("keepalive: 1", "keepalive: 2").replace("hold: 3", "hold: 6")
    )
    done = run([python, "-m", "generator", "diff", "--base", "HEAD", "lab.yaml", "--format", "json"], repo, ok=(1,))
    review = json.loads(done.stdout)
    assert review["changed"] and review["blast_radius"]["changed"] == 16


def test_napalm_frr_is_its_own_distribution(installed: tuple[Path, Path]) -> None:
    python, work = installed
    code = (
        "import importlib.metadata as m, napalm;"
        "print(m.version('napalm-frr'), napalm.get_network_driver('frr').__name__)"
    )
    assert run([python, "-c", code], work).stdout.split() == ["0.1.0", "FRRDriver"]
    # NAPALM's own CLI looks up a distribution for every napalm_* module: it must get past driver loading
    cli = "import sys; from napalm.base.clitools.cl_napalm import main; sys.argv[0] = 'napalm'; main()"
    run([python, "-c", cli, "--help"], work)
    done = run(
        [python, "-c", cli, "--vendor", "eos", "--user", "u", "--password", "p", "127.0.0.1", "call", "get_facts"],
        work,
        ok=(0, 1, 2),
    )
    assert "PackageNotFoundError" not in done.stderr


def test_the_pypi_validators_package_installs_beside_it(installed: tuple[Path, Path]) -> None:
    """`validators` on PyPI owns that import name; the project's checks live in generator.validators."""
    python, work = installed
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "validators"], work)
    code = (
        "import validators, generator.validators.intent;"
        "print(validators.domain('example.com') is True, generator.validators.intent.check_intent.__name__)"
    )
    assert run([python, "-c", code], work).stdout.split() == ["True", "check_intent"]

"""Every FRR config the generator writes is accepted by real FRRouting (`vtysh -C`, a dry run)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.render.build import build

from .conftest import LAB, need


@pytest.fixture(scope="module")
def lab_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lab") / "out"
    build(LAB, out)
    return out


def test_vtysh_accepts_every_lab_config(lab_out: Path) -> None:
    vtysh = need("vtysh")
    configs = sorted(lab_out.glob("*.cfg"))
    assert len(configs) == 16
    for config in configs:
        result = subprocess.run(
            [vtysh, "-C", "-f", str(config)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{config.name}: {result.stdout}{result.stderr}"


def test_vtysh_rejects_a_broken_config(lab_out: Path, tmp_path: Path) -> None:
    """The dry run really parses: the test above would catch a template error."""
    vtysh = need("vtysh")
    broken = tmp_path / "broken.cfg"
    broken.write_text((lab_out / "east-bag-p1-s1.cfg").read_text().replace(" remote-as ", " remote-ass ", 1))
    result = subprocess.run([vtysh, "-C", "-f", str(broken)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0

"""The no-change check runs before the build is imported; it must agree with the build it stands for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.intent.loader import load_intent
from generator.render import uptodate
from generator.render.build import build
from generator.render.engine import TEMPLATES
from tests.conftest import LAB, ROOT


def test_the_intent_digest_from_bytes_equals_the_loaders(tmp_path: Path, lab_data: dict[str, Any]) -> None:
    assert uptodate.intent_digest(LAB) == load_intent(LAB).digest
    folder = tmp_path / "intent"
    folder.mkdir()
    regions = lab_data.pop("regions")
    (folder / "a.yaml").write_text(yaml.safe_dump(lab_data))
    (folder / "b.yaml").write_text(yaml.safe_dump({"regions": regions}))
    assert uptodate.intent_digest(folder) == load_intent(folder).digest


def test_a_fresh_build_is_up_to_date_and_a_changed_or_damaged_one_is_not(
    tmp_path: Path, write_intent, lab_data
) -> None:
    path = write_intent(lab_data)
    out = tmp_path / "out"
    build(path, out, audit=False)
    manifest = uptodate.up_to_date(path, out, TEMPLATES, audit=False)
    assert manifest is not None and manifest["summary"]["devices"] == 16
    assert uptodate.up_to_date(path, out, TEMPLATES, audit=True) is None  # built without the audit
    next(out.glob("*.cfg")).write_text("edited by hand\n")
    assert uptodate.up_to_date(path, out, TEMPLATES, audit=False) is None
    build(path, out, audit=False)
    lab_data["bgp"]["keepalive"], lab_data["bgp"]["hold"] = 2, 6
    assert uptodate.up_to_date(write_intent(lab_data), out, TEMPLATES, audit=False) is None


def test_a_no_change_build_does_not_load_the_compiler_or_jinja(tmp_path: Path, write_intent, lab_data, cli) -> None:
    path = write_intent(lab_data)
    out = tmp_path / "out"
    assert cli("build", path, "-o", out, "--no-audit")[0] == 0
    probe = (
        "import sys; from generator.cli import main; "
        f"code = main(['build', {str(path)!r}, '-o', {str(out)!r}, '--no-audit']); "
        "print(code, *(m in sys.modules for m in ('generator.render.build', 'jinja2', 'pydantic')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "up to date" in done.stdout
    assert done.stdout.splitlines()[-1] == "0 False False False"


def test_the_manifest_read_twice_is_parsed_once_unless_it_changed_in_between(tmp_path: Path) -> None:
    """The CLI reads the manifest before the lock and the build again under it: the same file version
    is not parsed twice, and any write in between (which moves the ctime) is read afresh."""
    from generator.render.outdir import MANIFEST, read_manifest

    out = tmp_path / "out"
    build(LAB, out, audit=False)
    first = read_manifest(out)
    assert first is not None and read_manifest(out) is first
    text = (out / MANIFEST).read_text()
    (out / MANIFEST).write_text(text.replace('"generator": "', '"generator": "x', 1))  # same size + 1: a new version
    again = read_manifest(out)
    assert again is not None and again is not first and again["generator"].startswith("x")
    (out / MANIFEST).write_text("{not json")
    assert read_manifest(out) is None

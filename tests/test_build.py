"""`build`: complete, deterministic, incremental and atomic output."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from generator.compile.fingerprint import device_fingerprint
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked
from generator.render.build import build

from .conftest import LAB


def tree(out: Path) -> dict[str, bytes]:
    """Every file under `out`, by path relative to it."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_build_writes_a_config_per_device_and_a_manifest(tmp_path: Path, cli) -> None:
    code, stdout, _ = cli("build", LAB, "-o", tmp_path / "out")
    assert code == 0 and "16 devices" in stdout
    files = tree(tmp_path / "out")
    manifest = json.loads(files.pop("manifest.json"))
    configs = sorted(name for name in files if name.endswith(".cfg"))
    assert configs == sorted(f"{name}.cfg" for name in manifest["devices"])
    entry = manifest["devices"]["east-bag-p1-s1"]
    assert entry["platform"] == "frr" and entry["role"] == "bag" and entry["plane"] == 1
    assert len(entry["sha256"]) == 64
    assert b"hostname east-bag-p1-s1\n" in files["east-bag-p1-s1.cfg"]


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    build(LAB, tmp_path / "a", jobs=1)
    build(LAB, tmp_path / "b", jobs=2, force=True)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_an_unchanged_intent_is_up_to_date(tmp_path: Path) -> None:
    first = build(LAB, tmp_path / "out")
    again = build(LAB, tmp_path / "out")
    assert not first.up_to_date and again.up_to_date and again.devices == 16


def test_a_one_plane_change_rerenders_only_that_plane(tmp_path: Path, lab_data, write_intent) -> None:
    out = tmp_path / "out"
    build(write_intent(lab_data), out)
    lab_data["regions"][0]["bag"]["drained_planes"] = [2]
    report = build(write_intent(lab_data), out)
    changed = json.loads((out / "manifest.json").read_text())["devices"]
    assert report.written == 4  # east plane 2: two BAG switches and two spines
    assert all(
        changed[n]["plane"] == 2 and changed[n]["region"] == "east"
        for n in changed
        if b"DRAIN-OUT" in (out / f"{n}.cfg").read_bytes()
    )


def test_an_invalid_intent_leaves_the_previous_output_untouched(tmp_path: Path, lab_data, write_intent, cli) -> None:
    out = tmp_path / "out"
    build(LAB, out)
    before = tree(out)
    lab_data["regions"][0]["bag"]["planes"] = 0
    code, _, err = cli("build", write_intent(lab_data), "-o", out)
    assert code == 2 and "BAG002" in err and "regions[0].bag.planes" in err
    assert tree(out) == before
    assert sorted(os.listdir(tmp_path)) == ["intent.yaml", "out"]  # no staging directory left behind


def test_validate_reports_json_for_ci(cli) -> None:
    code, stdout, _ = cli("validate", LAB, "--format", "json")
    assert code == 0
    assert json.loads(stdout) == {"errors": 0, "warnings": 0, "findings": []}


def test_schema_is_valid_json_naming_every_section(cli) -> None:
    code, stdout, _ = cli("schema")
    assert code == 0
    assert {"hardware", "regions", "inter_region", "asn", "bgp", "link_bandwidth"} <= set(
        json.loads(stdout)["properties"]
    )


def test_an_example_intent_to_start_from_is_one_command_away(tmp_path: Path, cli) -> None:
    """A wheel has no checkout: `bag example` writes the shipped examples (and their schema beside)."""
    code, out, err = cli("example", "lab", "-o", tmp_path / "lab.yaml")
    assert code == 0 and (tmp_path / "lab.yaml").read_text() == LAB.read_text()
    assert (tmp_path / "schema.json").read_text() == (LAB.parent / "schema.json").read_text()
    assert cli("validate", tmp_path / "lab.yaml")[0] == 0
    code, _, err = cli("example", "lab", "-o", tmp_path / "lab.yaml")  # never overwrites
    assert code == 2 and "exists" in err and (tmp_path / "lab.yaml").read_text() == LAB.read_text()
    code, out, _ = cli("example", "prometheus")
    assert code == 0 and out.startswith("# yaml-language-server: $schema=schema.json") and "name: prometheus" in out


def test_a_missing_default_intent_says_what_was_tried_and_where_to_start(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in ("build", "validate", "analyze"):
        code, _, err = cli(command)
        assert code == 2 and "intent/lab.yaml: error BAG001 no such file or directory" in err
        assert "without one, commands read intent/lab.yaml" in err and "bag example lab" in err
        assert ("nothing was written" in err) == (command != "validate")
    assert list(tmp_path.iterdir()) == []


def test_the_same_intent_bytes_from_another_path_build_the_same_bytes(tmp_path: Path) -> None:
    """The manifest's input key covers what the intent says, not where it was read from."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "lab.yaml", tmp_path / "b" / "other-name.yaml"
    first.write_bytes(LAB.read_bytes())
    second.write_bytes(LAB.read_bytes())
    build(first, tmp_path / "out1")
    build(second, tmp_path / "out2")
    assert (tmp_path / "out1" / "manifest.json").read_bytes() == (tmp_path / "out2" / "manifest.json").read_bytes()
    assert build(second, tmp_path / "out1").up_to_date


def test_a_devices_fingerprint_depends_on_values_not_on_objects_or_the_hash_seed() -> None:
    """The manifest's fingerprints decide what the next build reuses, in another process: a plan
    rebuilt from a pickle (other objects, other sharing) and a process with another hash seed give
    the same fingerprint for every device, and each device's is its own."""
    plan = plan_checked(load_intent(LAB)).plan
    here = {name: device_fingerprint(plan, name, "digest") for name in plan.wiring.nodes}
    assert len(set(here.values())) == len(here)
    copy = pickle.loads(pickle.dumps(plan))
    assert {name: device_fingerprint(copy, name, "digest") for name in copy.wiring.nodes} == here
    script = (
        "import json, sys\n"
        "from generator.compile.fingerprint import device_fingerprint\n"
        "from generator.intent.loader import load_intent\n"
        "from generator.pipeline import plan_checked\n"
        "plan = plan_checked(load_intent(sys.argv[1])).plan\n"
        "print(json.dumps({n: device_fingerprint(plan, n, 'digest') for n in plan.wiring.nodes}))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([sys.executable, "-c", script, str(LAB)], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == here

"""Push against the real FRR lab when a daemon is dead (issue 15, defect 2) and a change in one region
(defect 3). Regions are renamed peast/pwest (fabrics pe1/pw1), so this module's lab never collides
with tests/test_lab.py's or a developer's; it runs under `lab_lock`, one lab at a time.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli.main import main
from generator.deploy import push as push_module
from generator.deploy.drift import running_drift
from generator.deploy.inventory import load_inventory
from generator.deploy.lab import LAB_ROOT, Lab, inventory_path, status_table
from generator.deploy.push import PlaneResult, push

from .conftest import LAB, frr_required, need

pytestmark = [pytest.mark.lab]
NAME = "bagpush"
VICTIM = "pe1-p1-stsw2"


def intent(drain_plane_1: bool = False, drain_east_plane_2: bool = False) -> dict[str, Any]:
    text = LAB.read_text().replace("east", "peast").replace("west", "pwest")
    text = text.replace("name: e1", "name: pe1").replace("name: w1", "name: pw1").replace("name: lab", f"name: {NAME}")
    data = yaml.safe_load(text)
    data["bgp"]["keepalive"], data["bgp"]["hold"] = 1, 3
    if drain_plane_1:
        for region in data["regions"]:
            region["bag"]["drained_planes"] = [1]
    if drain_east_plane_2:  # changes the configs of peast's plane 2 only
        data["regions"][0]["bag"]["drained_planes"] = [2]
    return data


def write(root: Path, data: dict[str, Any]) -> Path:
    path = root / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def devices() -> list[str]:
    return sorted(load_inventory(inventory_path(NAME)).devices)


def saved_configs() -> dict[str, bytes]:
    return {d: Path(f"/etc/frr/{d}/frr.conf").read_bytes() for d in devices()}


def running_configs() -> dict[str, str]:
    return {
        d: subprocess.run(
            ["vtysh", "-N", d, "-c", "show running-config"], check=False, capture_output=True, text=True
        ).stdout
        for d in devices()
    }


def structure(config: str) -> list[str]:
    """The lines that a partial config loses (zebra's interfaces) or a wrong one changes (sessions)."""
    return sorted(line.strip() for line in config.splitlines() if line.startswith("interface ") or "neighbor" in line)


def in_namespace(device: str, *argv: str) -> None:
    subprocess.run(["nsenter", f"--net=/run/netns/{device}", f"--uts={LAB_ROOT}/uts/{device}", "--", *argv], check=True)


def kill(device: str, daemon: str) -> None:
    pid = Path(f"/var/run/frr/{device}/{daemon}.pid").read_text().strip()
    subprocess.run(["kill", "-9", pid], check=True)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def wait_all_up(timeout: float = 90) -> None:
    inventory = load_inventory(inventory_path(NAME))
    deadline = time.monotonic() + timeout
    while not status_table(inventory)[1]:
        assert time.monotonic() < deadline, "sessions did not come back"
        time.sleep(1)


def run_push(root: Path, **kwargs: Any) -> list[PlaneResult]:
    return push(
        root / "intent.yaml",
        inventory_path(NAME),
        root / "out",
        commit=kwargs.pop("commit", True),
        converge_timeout=kwargs.pop("converge_timeout", 60),
        log=lambda _: None,
        **kwargs,
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, lab_lock: None) -> Iterator[Path]:
    if os.geteuid() != 0:
        if frr_required():
            pytest.fail("the lab tests need root (network namespaces)")
        pytest.skip("the lab needs root")
    need("vtysh")
    need("frr-reload.py")
    root = tmp_path_factory.mktemp("labpush")
    write(root, intent())
    assert main(["lab", "up", str(root / "intent.yaml"), "-o", str(root / "out")]) == 0
    try:
        wait_all_up()
        yield root
    finally:
        Lab(NAME).down()
        assert not set(
            subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout.split()
        ) & {"peast-bag-p1-s1", VICTIM}


@pytest.fixture
def dead_zebra(lab: Path) -> Iterator[str]:
    kill(VICTIM, "zebra")
    try:
        yield VICTIM
    finally:
        in_namespace(VICTIM, "sh", str(LAB_ROOT / NAME / VICTIM / "start.sh"))  # restarts zebra, boots frr.conf
        write(lab, intent())
        wait_all_up()


def test_a_dead_zebra_stops_the_push_before_anything_changes(lab: Path, dead_zebra: str) -> None:
    saved, running = saved_configs(), running_configs()
    write(lab, intent(drain_plane_1=True))
    results = run_push(lab, planes=[1])
    (result,) = results
    assert result.error is not None and result.error.device == dead_zebra and result.error.check == "daemons"
    assert "zebra not answering" in result.error.detail and result.rolled_back == []
    assert saved_configs() == saved  # every saved frr.conf byte for byte
    assert {d: c for d, c in running_configs().items() if d != dead_zebra} == {
        d: c for d, c in running.items() if d != dead_zebra
    }
    # the dry run and the drift report say the same, naming the device
    dry = run_push(lab, planes=[1], commit=False)
    assert dry[0].error is not None and dry[0].error.device == dead_zebra
    drift = {d.device: d for d in running_drift(lab / "intent.yaml", inventory_path(NAME), lab / "out")}
    assert "zebra not answering" in drift[dead_zebra].error


def test_zebra_dying_between_diff_and_commit_fails_the_push_and_saves_nothing_partial(
    lab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved, running = saved_configs(), running_configs()
    write(lab, intent(drain_plane_1=True))
    original = push_module.Rollout._diff

    def diff_then_kill(self: push_module.Rollout, host: Any) -> str:
        text = original(self, host)
        if host.name == VICTIM:
            kill(VICTIM, "zebra")
        return text

    monkeypatch.setattr(push_module.Rollout, "_diff", diff_then_kill)
    try:
        (result,) = run_push(lab, planes=[1])
    finally:
        in_namespace(VICTIM, "sh", str(LAB_ROOT / NAME / VICTIM / "start.sh"))
    assert result.error is not None
    assert [(f.device, f.check) for f in result.failed] == [(VICTIM, "daemons")]
    assert "refusing to checkpoint and commit" in result.error.detail
    assert VICTIM not in result.rolled_back and set(result.rolled_back) == set(result.drained) - {VICTIM}
    after = saved_configs()
    assert after[VICTIM] == saved[VICTIM]  # never written
    for device, text in after.items():  # rolled back and saved again: complete, as it ran before the push
        assert structure(text.decode()) == structure(running[device]), device
    write(lab, intent())
    wait_all_up()
    assert {d: structure(c) for d, c in running_configs().items()} == {d: structure(c) for d, c in running.items()}


def test_a_change_in_one_region_drains_only_that_region(lab: Path) -> None:
    logs = {d: LAB_ROOT / NAME / d / "state" / "commits.log" for d in devices()}

    def commits() -> dict[str, str]:
        return {d: p.read_text() if p.exists() else "" for d, p in logs.items()}

    for data in (intent(drain_east_plane_2=True), intent()):  # drain peast plane 2, then put it back
        write(lab, data)
        before = commits()
        results = run_push(lab)
        assert not any(r.error for r in results), [str(r.error) for r in results]
        assert results[0].changed == []  # plane 1 untouched
        plane2 = results[1]
        assert plane2.changed and all(d.startswith(("peast-", "pe1-")) for d in plane2.changed)
        assert plane2.drained and all(d.startswith(("peast-", "pe1-")) for d in plane2.drained)
        committed = {d for d, text in commits().items() if text != before[d]}
        assert committed == set(plane2.drained) | set(plane2.changed)
        assert not any(d.startswith(("pwest-", "pw1-")) for d in committed)  # pwest kept carrying plane 2
        # the time is accounted for: every step of a committed plane, the tool's CPU apart from the routers'
        assert list(plane2.steps)[:4] == ["diff", "cabling", "drain", "apply"]
        assert abs(sum(plane2.steps.values()) - plane2.seconds) < 0.1 * plane2.seconds + 0.5
        assert 0 < plane2.tool_cpu < plane2.seconds and plane2.helper_cpu > 0  # vtysh and frr-reload.py
    assert [r.changed for r in run_push(lab)] == [[], []]


def test_diff_running_and_push_accept_a_nornir_inventory(lab: Path, tmp_path: Path) -> None:
    """The lab's devices described as a Nornir SimpleInventory: platform and napalm extras per host."""
    write(lab, intent())
    inventory = load_inventory(inventory_path(NAME))
    hosts = {
        name: {
            "hostname": d.hostname,
            "platform": d.driver,
            "groups": [f"plane_{d.plane}"],
            "connection_options": {"napalm": {"extras": {"optional_args": d.optional_args}}},
        }
        for name, d in inventory.devices.items()
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "groups.yaml").write_text(yaml.safe_dump({"plane_1": {}, "plane_2": {}}))
    out = str(lab / "out")
    assert main(["diff", "--running", str(lab / "intent.yaml"), "--inventory", str(tmp_path), "-o", out]) == 0
    assert main(["push", str(lab / "intent.yaml"), "--inventory", str(tmp_path), "-o", out, "--workers", "4"]) == 0

"""The real lab: FRRouting in network namespaces, driven through NAPALM by `lab up` and `push`.

Runs as root with FRR installed (CI installs it). The lab intent is intent/lab.yaml with its
regions renamed, so these tests never touch a lab a developer is running from intent/lab.yaml.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.compile.ucmp import expected_paths, normalized
from generator.deploy import push as push_module
from generator.deploy.inventory import load_inventory
from generator.deploy.lab import Lab, inventory_path, status_table
from generator.deploy.push import PlaneResult, push
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked

from .conftest import LAB, frr_required, need

pytestmark = [pytest.mark.lab]
NAME = "bagtest"


def lab_intent(links_east_p1_s1: int | None = None, keepalive: int = 1) -> dict[str, Any]:
    text = LAB.read_text().replace("east", "teast").replace("west", "twest")
    text = text.replace("name: e1", "name: te1").replace("name: w1", "name: tw1").replace("name: lab", f"name: {NAME}")
    data = yaml.safe_load(text)
    data["bgp"]["keepalive"], data["bgp"]["hold"] = keepalive, 3 * keepalive
    if links_east_p1_s1 is not None:
        data["inter_region"][0]["link_overrides"] = [
            {"region": "teast", "plane": 1, "switch": 1, "links": links_east_p1_s1}
        ]
    return data


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, lab_lock: None) -> Iterator[Path]:
    if os.geteuid() != 0:
        if frr_required():
            pytest.fail("the lab tests need root (network namespaces)")
        pytest.skip("the lab needs root")
    need("vtysh")
    need("frr-reload.py")
    root = tmp_path_factory.mktemp("lab")
    intent = root / "intent.yaml"
    intent.write_text(yaml.safe_dump(lab_intent(), sort_keys=False))
    start = time.perf_counter()
    assert main(["lab", "up", str(intent), "-o", str(root / "out")]) == 0
    print(f"lab up: {time.perf_counter() - start:.1f}s")
    try:
        yield root
    finally:
        Lab(NAME).down()
        assert not set(
            subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout.split()
        ) & {"teast-bag-p1-s1", "te1-p1-stsw1"}


def write(root: Path, data: dict[str, Any]) -> Path:
    path = root / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def running_configs() -> dict[str, str]:
    inventory = load_inventory(inventory_path(NAME))
    return {
        name: subprocess.run(
            ["vtysh", "-N", name, "-c", "show running-config"], capture_output=True, text=True, check=True
        ).stdout
        for name in inventory.devices
    }


def run_push(root: Path, **kwargs: Any) -> list[PlaneResult]:
    return push(
        root / "intent.yaml",
        inventory_path(NAME),
        root / "out",
        commit=True,
        revert_in=kwargs.pop("revert_in", 120),
        converge_timeout=kwargs.pop("converge_timeout", 60),
        log=lambda _: None,
        **kwargs,
    )


def kernel_weights(device: str, prefix: str) -> dict[str, int]:
    routes = json.loads(
        subprocess.run(
            ["ip", "-j", "-n", device, "route", "show", prefix], capture_output=True, text=True, check=True
        ).stdout
    )
    (route,) = routes
    hops = route.get("nexthops") or [{"dev": route["dev"], "weight": 1}]
    return {h["dev"]: h.get("weight", 1) for h in hops}


def assert_kernel_matches_intent(root: Path, devices: list[str]) -> None:
    plan = plan_checked(load_intent(root / "intent.yaml")).plan
    paths = expected_paths(plan.intent, plan.wiring, devices)
    for device in devices:
        model = push_module.expand(plan, device)
        for prefix, expected in push_module.expected_interface_weights(plan, model, paths[device]).items():
            deadline = time.monotonic() + 30
            while True:
                installed = kernel_weights(device, prefix)
                names = sorted(expected)
                ok = set(installed) == set(expected) and all(
                    abs(w - h) <= push_module.WEIGHT_TOLERANCE
                    for w, h in zip(
                        normalized(expected[n] for n in names), normalized(installed[n] for n in names), strict=True
                    )
                )
                if ok or time.monotonic() > deadline:
                    break
                time.sleep(1)
            assert ok, f"{device} {prefix}: kernel {installed}, intent {expected}"


def test_lab_up_brings_every_session_up(lab: Path) -> None:
    inventory = load_inventory(inventory_path(NAME))
    deadline = time.monotonic() + 60
    while not (all_up := status_table(inventory)[1]) and time.monotonic() < deadline:
        time.sleep(1)
    assert all_up
    # a session whose first attempt fails is tried again within 10 s (FRR's traditional default: 120 s)
    for device in ("teast-bag-p1-s1", "te1-p1-stsw1"):
        shown = subprocess.run(
            ["vtysh", "-N", device, "-c", "show bgp neighbors json"], capture_output=True, text=True, check=True
        ).stdout
        assert {n["connectRetryTimer"] for n in json.loads(shown).values()} == {10}, device
    assert main(["lab", "up", str(lab / "intent.yaml"), "-o", str(lab / "out")]) == 0  # re-running is safe


def test_push_of_the_running_intent_changes_nothing(lab: Path) -> None:
    results = run_push(lab)
    assert [r.changed for r in results] == [[], []] and not any(r.error for r in results)


def test_kernel_ucmp_weights_match_the_intent(lab: Path) -> None:
    assert_kernel_matches_intent(lab, ["te1-p1-stsw1", "teast-bag-p1-s1", "tw1-p2-stsw2", "twest-bag-p2-s2"])


def test_more_links_to_one_bag_switch_and_the_weights_follow(lab: Path) -> None:
    write(lab, lab_intent(links_east_p1_s1=4))
    assert main(["lab", "up", str(lab / "intent.yaml"), "-o", str(lab / "out")]) == 0  # re-cable
    start = time.perf_counter()
    results = run_push(lab)
    print(f"push of 2 planes: {time.perf_counter() - start:.1f}s")
    assert not any(r.error for r in results), results
    # the BAG switch with the new links, its new partners, and one whose spread link moved to another port
    assert {n for r in results for n in r.changed} == {
        "teast-bag-p1-s1",
        "teast-bag-p2-s1",
        "twest-bag-p1-s1",
        "twest-bag-p2-s1",
    }
    # the spine now weights teast-bag-p1-s1 (4 x 800G toward twest) 2:1 against teast-bag-p1-s2 (2 x 800G)
    weights = kernel_weights("te1-p1-stsw1", "10.102.0.0/16")
    assert normalized([weights["swp1"], weights["swp3"]]) == pytest.approx([2 / 3, 1 / 3], abs=0.02)
    assert_kernel_matches_intent(lab, ["te1-p1-stsw1", "te1-p1-stsw2", "teast-bag-p1-s1", "twest-bag-p2-s1"])
    assert [r.changed for r in run_push(lab)] == [[], []]  # re-run: nothing to do


def test_a_config_frr_rejects_is_rolled_back(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(lab, lab_intent(links_east_p1_s1=4, keepalive=2))
    before = running_configs()
    original = push_module.Rollout.target

    def broken(self: push_module.Rollout, name: str) -> str:
        text = original(self, name)
        return text.replace("router bgp", "router bgpp", 1) if name == "te1-p1-stsw2" else text

    monkeypatch.setattr(push_module.Rollout, "target", broken)
    results = run_push(lab, planes=[1])
    error = results[0].error
    assert error is not None and error.device == "te1-p1-stsw2" and error.check == "candidate"
    assert "router bgpp" in error.detail and results[0].rolled_back == []
    assert running_configs() == before


def test_bgpd_killed_during_post_checks_is_rolled_back(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(lab, lab_intent(links_east_p1_s1=4, keepalive=2))
    before = running_configs()
    original = push_module.Rollout._check_sessions

    def kill_then_check(self: push_module.Rollout, device: Any, later: set[int]) -> None:
        if device.name == "teast-bag-p1-s2":
            pid = Path("/var/run/frr/teast-bag-p1-s2/bgpd.pid").read_text().strip()
            subprocess.run(["kill", "-9", pid], check=True)
        original(self, device, later)

    monkeypatch.setattr(push_module.Rollout, "_check_sessions", kill_then_check)
    results = run_push(lab, planes=[1], converge_timeout=10)
    error = results[0].error
    assert error is not None and error.check in ("sessions", "napalm")
    assert "teast-bag-p1-s2" in results[0].rolled_back
    assert running_configs() == before


def test_a_link_that_stays_down_is_rolled_back(lab: Path) -> None:
    write(lab, lab_intent(links_east_p1_s1=4, keepalive=2))
    before = running_configs()
    subprocess.run(["ip", "-n", "te1-p1-stsw1", "link", "set", "swp1", "down"], check=True)
    try:
        # the cabling check hears nothing on that port: the plane stops before anything changes...
        stopped = run_push(lab, planes=[1], converge_timeout=10)
        assert running_configs() == before
        # ...and without it, the post-checks find the sessions that never come up and roll the plane back
        results = run_push(lab, planes=[1], converge_timeout=10, cabling=False)
    finally:
        subprocess.run(["ip", "-n", "te1-p1-stsw1", "link", "set", "swp1", "up"], check=True)
    first = stopped[0].error
    assert first is not None and first.check == "cabling BAG305" and "te1-p1-stsw1 swp1" in first.detail
    assert stopped[0].rolled_back == [] and stopped[0].drained == []
    error = results[0].error
    assert error is not None and error.check == "sessions"
    assert error.device in ("te1-p1-stsw1", "teast-bag-p1-s1")
    assert running_configs() == before
    again = run_push(lab, planes=[1])
    assert not any(r.error for r in again), [str(r.error) for r in again]  # the link is back: the push lands

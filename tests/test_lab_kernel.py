"""The lab as the network's digital twin: the kernel's forwarding against the model, under failures.

Real FRR in network namespaces (root, FRR and lldpd installed; CI installs them). The intent is
intent/lab.yaml with its regions renamed (reast/rwest, fabrics re1/rw1), one lab for the module.
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

from generator.cli import main
from generator.compile.network import Plan
from generator.deploy.cabling import check_cabling
from generator.deploy.failures import measure, parse_failure, weight_findings
from generator.deploy.inventory import Inventory, load_inventory
from generator.deploy.kernel import device_kernel_findings, kernel_table
from generator.deploy.lab import LAB_ROOT, Lab, connector, inventory_path, lab_status, process_alive
from generator.deploy.verify import verify_until
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked

from .conftest import LAB, frr_required, need

pytestmark = [pytest.mark.lab]
NAME = "bagkern"
SPINE = "re1-p1-stsw1"


def kernel_lab_intent() -> dict[str, Any]:
    text = LAB.read_text().replace("east", "reast").replace("west", "rwest")
    text = text.replace("name: e1", "name: re1").replace("name: w1", "name: rw1").replace("name: lab", f"name: {NAME}")
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, lab_lock: None) -> Iterator[Path]:
    if os.geteuid() != 0:
        if frr_required():
            pytest.fail("the lab tests need root (network namespaces)")
        pytest.skip("the lab needs root")
    need("vtysh")
    need("lldpd")
    root = tmp_path_factory.mktemp("kernel-lab")
    intent = root / "intent.yaml"
    intent.write_text(yaml.safe_dump(kernel_lab_intent(), sort_keys=False))
    assert main(["lab", "up", str(intent), "-o", str(root / "out")]) == 0
    lab_ = Lab(NAME)
    try:
        yield intent
    finally:
        pids = [pid for device in lab_.state()["devices"] for pid in lab_.pids(device)]
        lab_.down()
        # defect 6: `down` returns only when every daemon has exited, and leaves no empty uts folder
        assert pids and not [pid for pid in pids if process_alive(pid)]
        uts = LAB_ROOT / "uts"
        assert not uts.exists() or any(uts.iterdir())


@pytest.fixture(scope="module")
def plan(lab: Path) -> Plan:
    return plan_checked(load_intent(lab)).plan


@pytest.fixture(scope="module")
def inventory(lab: Path) -> Inventory:
    return load_inventory(inventory_path(NAME))


def converged(plan: Plan, inventory: Inventory, timeout: float = 60) -> None:
    result, _ = verify_until(plan, sorted(inventory.devices), connector(inventory), timeout)
    assert not result.findings, "\n".join(map(str, result.findings))


def test_lab_verify_is_clean_and_status_sees_frr_and_kernel_agree(lab: Path, plan: Plan, inventory: Inventory) -> None:
    converged(plan, inventory)
    assert main(["lab", "verify", str(lab)]) == 0
    assert main(["lab", "status", str(lab)]) == 0


def test_the_kernel_check_names_device_prefix_and_next_hops(
    lab: Path, inventory: Inventory, capsys: pytest.CaptureFixture[str]
) -> None:
    """What FRR 8.4 did after a flap (defect 1), made by hand: the kernel drops a next hop FRR keeps."""
    three = ["ip", "-n", SPINE, "route", "replace", "10.102.0.0/16", "proto", "bgp", "metric", "20"]
    with connector(inventory)(SPINE) as driver:
        hops = sorted(kernel_table(driver, "10.102.0.0/16")["10.102.0.0/16"])
    assert [h.interface for h in hops] == ["swp1", "swp2", "swp3"]
    two = [arg for h in hops[:2] for arg in ("nexthop", "via", h.gateway, "dev", h.interface, "weight", str(h.weight))]
    subprocess.run([*three, *two], check=True)
    try:
        capsys.readouterr()
        assert main(["lab", "status", str(lab)]) == 1
        out = capsys.readouterr().out
        assert f"device {SPINE}: error BAG300 10.102.0.0/16" in out
        assert f"the kernel lacks {hops[2].gateway} dev swp3 weight {hops[2].weight}" in out
        assert main(["lab", "verify", str(lab), "--timeout", "0"]) == 1
        assert "BAG301 10.102.0.0/16: the kernel forwards via swp1 33/swp2 33" in capsys.readouterr().out
    finally:
        every = [a for h in hops for a in ("nexthop", "via", h.gateway, "dev", h.interface, "weight", str(h.weight))]
        subprocess.run([*three, *every], check=True)
    assert main(["lab", "status", str(lab)]) == 0


def test_after_a_link_flap_the_kernel_keeps_every_ucmp_next_hop(plan: Plan, inventory: Inventory) -> None:
    """Defect 1: FRR 8.4 reused a kernel next-hop group the kernel had shrunk while swp3 was down, so
    the kernel forwarded over swp1 and swp2 only, for good. The FRR template renders
    `no zebra nexthop kernel enable`; with it the kernel matches the model again within seconds."""
    running = subprocess.run(
        ["vtysh", "-N", SPINE, "-c", "show running-config"], capture_output=True, text=True, check=True
    ).stdout
    assert "no zebra nexthop kernel enable" in running
    far = next(
        plan.wiring.links[i].a for i in plan.wiring.links_of[SPINE] if plan.ends(i).b_if == "swp3"
    )  # the BAG switch behind swp3
    subprocess.run(["ip", "-n", SPINE, "link", "set", "swp3", "down"], check=True)
    time.sleep(1)
    subprocess.run(["ip", "-n", SPINE, "link", "set", "swp3", "up"], check=True)
    converged(plan, inventory, timeout=30)
    for device in (SPINE, far):
        with connector(inventory)(device) as driver:
            assert device_kernel_findings(device, driver) == []
        with connector(inventory)(device) as driver:
            table = kernel_table(driver)
        for prefix in ("10.102.0.0/16", "fd00:102::/48"):  # IPv4 and IPv6 both
            assert len(table[prefix]) == (3 if device == SPINE else 2), (device, prefix, table[prefix])


@pytest.mark.parametrize(
    "scenario",
    ["bag-switch:rwest-bag-p2-s2", "line-card:rwest-bag-p2-s2:2", "plane:reast:1"],
)
def test_a_failure_in_the_lab_forwards_as_analyze_predicts(
    lab: Path, plan: Plan, inventory: Inventory, scenario: str
) -> None:
    names = sorted(inventory.devices)
    failure = parse_failure(plan, scenario)
    lab_ = Lab(NAME)
    lab_.fail(plan, failure)
    try:
        measured = measure(plan, names, connector(inventory), failure, timeout=60)
        predicted = measured.predicted
        assert not measured.findings, "\n".join(map(str, measured.findings))
        # capacity per region pair and fabric, measured from the kernels, equals analyze's
        assert measured.verification.pair_bps == predicted.pair_bps
        assert measured.verification.fabric_bps == predicted.fabric_bps
        assert predicted.pair_bps["reast~rwest"] < 6_400 * 10**9
        # every device analyze says changes was read and forwards with analyze's weights
        assert predicted.weights and set(predicted.weights) <= set(measured.verification.kernels)
        assert weight_findings(plan, predicted, measured.verification.kernels) == []
        assert not set(failure.nodes) & set(measured.verification.kernels)  # failed switches are dead
    finally:
        restored = lab_.restore()
    assert restored
    baseline = measure(plan, names, connector(inventory), None, timeout=90)
    assert not baseline.findings, "\n".join(map(str, baseline.findings))
    assert baseline.verification.pair_bps == {"reast~rwest": 8 * 800 * 10**9}
    deadline = time.monotonic() + 60
    while not (status := lab_status(inventory))[1] and time.monotonic() < deadline:
        time.sleep(1)
    assert status[1] and not status[2]  # every session is back up, FRR and the kernel agree


def test_lab_fail_and_restore_from_the_command_line(lab: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["lab", "fail", str(lab), "--scenario", "link:reast-bag-p1-s1:swp8"]) == 0
    out = capsys.readouterr().out
    assert "the kernels match the prediction" in out
    assert "reast~rwest: 5.6 Tbps in service (analyze predicts 5.6 Tbps)" in out
    assert main(["lab", "restore", str(lab)]) == 0
    assert "reast~rwest: 6.4 Tbps in service (analyze predicts 6.4 Tbps)" in capsys.readouterr().out
    assert main(["lab", "fail", str(lab), "--scenario", "bag-switch:nowhere"]) == 2


def swap_cables(plan: Plan, first: tuple[str, str], second: tuple[str, str]) -> list[tuple[str, str]]:
    """Miswire two links: unplug both, and plug each one's first end into the other's far end."""
    ends: list[tuple[str, str]] = []
    for device, ifname in (first, second):
        (i,) = [
            i
            for i in plan.wiring.links_of[device]
            if (plan.ends(i).a_if if plan.wiring.links[i].a == device else plan.ends(i).b_if) == ifname
        ]
        link = plan.wiring.links[i]
        far = link.b if link.a == device else link.a
        ends.append((far, plan.ends(i).b_if if link.a == device else plan.ends(i).a_if))
        subprocess.run(["ip", "-n", device, "link", "del", ifname], check=True)
    for (device, ifname), (far, far_if) in zip((first, second), reversed(ends), strict=True):
        subprocess.run(
            ["ip", "link", "add", ifname, "netns", device, "type", "veth", "peer", "name", far_if, "netns", far],
            check=True,
        )
        for d, i in ((device, ifname), (far, far_if)):
            subprocess.run(["ip", "-n", d, "link", "set", i, "up"], check=True)
    return ends


def test_cabling_check_names_both_ends_of_exactly_the_miswired_links(plan: Plan, inventory: Inventory) -> None:
    names = sorted(inventory.devices)
    connect = connector(inventory)
    deadline = time.monotonic() + 30
    while (findings := check_cabling(plan, names, connect)) and time.monotonic() < deadline:
        time.sleep(1)
    assert findings == []
    ends = swap_cables(plan, ("re1-p1-stsw1", "swp1"), ("re1-p2-stsw1", "swp1"))
    # the two spines' swp1 went to port swp1 of reast-bag-p1-s1 and reast-bag-p2-s1: now crossed
    assert ends == [("reast-bag-p1-s1", "swp1"), ("reast-bag-p2-s1", "swp1")]
    expected = [
        "re1-p1-stsw1 swp1 <-> reast-bag-p2-s1 swp1: miswired (re1-p1-stsw1 swp1 should go to reast-bag-p1-s1 "
        "swp1; reast-bag-p2-s1 swp1 should go to re1-p2-stsw1 swp1)",
        "re1-p2-stsw1 swp1 <-> reast-bag-p1-s1 swp1: miswired (re1-p2-stsw1 swp1 should go to reast-bag-p2-s1 "
        "swp1; reast-bag-p1-s1 swp1 should go to re1-p1-stsw1 swp1)",
    ]
    deadline = time.monotonic() + 30
    while True:
        findings = check_cabling(plan, names, connect)
        if sorted(f.message for f in findings) == expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert sorted(f.message for f in findings) == expected
    assert {f.code for f in findings} == {"BAG304"}
    assert (LAB_ROOT / NAME / "re1-p1-stsw1" / "lldpd.socket").exists()

"""The kernel, LLDP and model comparisons on their own (no lab): parsing `ip -j route`, naming
FRR/kernel differences, kernel weights against the model, and cabling against the wiring."""

from __future__ import annotations

import json
from pathlib import Path

from generator.compile.network import Plan
from generator.deploy.cabling import cabling_findings, intended_cables, observed_cables
from generator.deploy.failures import parse_failure, predict, weight_findings
from generator.deploy.kernel import Hop, rib_kernel_findings
from generator.deploy.verify import destination_prefixes, expected_forwarding, forwarding_findings
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked
from napalm_frr.driver import kernel_routes_from_json

from .conftest import LAB

IP_ROUTE = [
    {"dst": "10.1.0.0/31", "dev": "swp1", "protocol": "kernel", "scope": "link", "flags": []},
    {
        "dst": "10.102.0.0/16",
        "protocol": "bgp",
        "metric": 20,
        "flags": [],
        "nexthops": [
            {"gateway": "10.1.0.0", "dev": "swp1", "weight": 33, "flags": []},
            {"gateway": "10.1.0.64", "dev": "swp3", "weight": 33, "flags": ["linkdown"]},
            {"gateway": "10.1.0.32", "dev": "swp2", "weight": 66, "flags": []},
        ],
    },
    {"dst": "10.255.1.1", "gateway": "10.1.0.0", "dev": "swp1", "protocol": "bgp", "metric": 20, "flags": []},
    {"dst": "10.255.1.1", "gateway": "10.1.0.32", "dev": "swp2", "protocol": "static", "metric": 200, "flags": []},
    {"dst": "fd00:102::/48", "gateway": "fe80::1", "dev": "swp2", "protocol": "bgp", "metric": 20, "flags": []},
    {"dst": "fd00:102::/48", "gateway": "fe80::2", "dev": "swp1", "protocol": "bgp", "metric": 20, "flags": []},
    {"type": "unreachable", "dst": "10.9.0.0/16", "protocol": "bgp", "flags": []},
]


def lab_plan() -> Plan:
    return plan_checked(load_intent(LAB)).plan


def test_ip_route_json_becomes_the_next_hops_that_forward() -> None:
    routes = kernel_routes_from_json(json.dumps(IP_ROUTE))
    hop = {"protocol": "bgp"}
    assert routes["10.102.0.0/16"] == [  # the linkdown next hop does not forward
        {**hop, "next_hop": "10.1.0.0", "outgoing_interface": "swp1", "weight": 33},
        {**hop, "next_hop": "10.1.0.32", "outgoing_interface": "swp2", "weight": 66},
    ]
    assert routes["10.255.1.1/32"] == [{**hop, "next_hop": "10.1.0.0", "outgoing_interface": "swp1", "weight": 1}]
    assert [h["next_hop"] for h in routes["fd00:102::/48"]] == ["fe80::2", "fe80::1"]  # one entry per hop, merged
    assert "10.9.0.0/16" not in routes  # unreachable forwards nothing


def test_a_difference_between_frr_and_the_kernel_names_device_prefix_and_hops() -> None:
    three = frozenset({Hop("swp1", "10.1.0.0", 33), Hop("swp2", "10.1.0.32", 33), Hop("swp3", "10.1.0.64", 33)})
    (finding,) = rib_kernel_findings(
        "e1-p1-stsw1", {"10.102.0.0/16": three}, {"10.102.0.0/16": three - {Hop("swp3", "10.1.0.64", 33)}}
    )
    assert finding.code == "BAG300" and finding.device == "e1-p1-stsw1"
    assert finding.message.startswith("10.102.0.0/16: FRR's RIB installed 10.1.0.0 dev swp1 weight 33")
    assert finding.message.endswith("(the kernel lacks 10.1.0.64 dev swp3 weight 33)")
    assert rib_kernel_findings("x", {"10.102.0.0/16": three}, {"10.102.0.0/16": three}) == []


def test_kernel_weights_are_compared_with_the_model_as_shares() -> None:
    plan = lab_plan()
    expected = expected_forwarding(plan, ["e1-p1-stsw1"])["e1-p1-stsw1"]
    assert set(expected["10.102.0.0/16"]) == {"swp1", "swp2", "swp3"}
    even = {p: frozenset(Hop(i, "", 33) for i in hops) for p, hops in expected.items()}
    assert forwarding_findings("e1-p1-stsw1", expected, even, set(expected)) == []
    skewed = dict(even, **{"10.102.0.0/16": frozenset({Hop("swp1", "", 50), Hop("swp2", "", 25), Hop("swp3", "", 25)})})
    (finding,) = forwarding_findings("e1-p1-stsw1", expected, skewed, set(expected))
    assert finding.code == "BAG301" and "differs on swp1, swp2, swp3" in finding.message
    (missing,) = forwarding_findings("e1-p1-stsw1", expected, {}, {"10.102.0.0/16"})
    assert "missing swp1, swp2, swp3" in missing.message


def test_cabling_names_both_ends_of_a_swapped_pair_a_dead_link_and_a_stray_cable() -> None:
    plan = lab_plan()
    intended = intended_cables(plan)
    a, b = ("e1-p1-stsw1", "swp1"), ("e1-p2-stsw1", "swp1")
    a_far, b_far = intended[a], intended[b]
    observed = {frozenset({x, y}) for x, y in intended.items()} - {frozenset({a, a_far}), frozenset({b, b_far})}
    observed |= {frozenset({a, b_far}), frozenset({b, a_far})}
    silent = ("w1-p1-stsw1", "swp2")
    observed.discard(frozenset({silent, intended[silent]}))
    observed.add(frozenset({("w1-p1-stsw1", "swp9"), ("lab-tester", "eth0")}))
    findings = cabling_findings(intended, observed, plan.wiring.nodes)
    assert sorted((f.code, f.message) for f in findings) == [
        (
            "BAG304",
            f"e1-p1-stsw1 swp1 <-> {b_far[0]} {b_far[1]}: miswired (e1-p1-stsw1 swp1 should go to "
            f"{a_far[0]} {a_far[1]}; {b_far[0]} {b_far[1]} should go to e1-p2-stsw1 swp1)",
        ),
        (
            "BAG304",
            f"e1-p2-stsw1 swp1 <-> {a_far[0]} {a_far[1]}: miswired (e1-p2-stsw1 swp1 should go to "
            f"{b_far[0]} {b_far[1]}; {a_far[0]} {a_far[1]} should go to e1-p1-stsw1 swp1)",
        ),
        (
            "BAG305",
            f"w1-p1-stsw1 swp2 <-> {intended[silent][0]} {intended[silent][1]}: intended, but neither end "
            "hears an LLDP neighbour",
        ),
        ("BAG306", "lab-tester eth0 <-> w1-p1-stsw1 swp9: cabled, but the intent uses neither port"),
    ]


def test_observed_cables_are_read_from_either_end(tmp_path: Path) -> None:
    neighbors = {
        "a": {"swp1": [{"hostname": "b", "port": "swp2"}]},
        "b": {"swp2": [{"hostname": "a", "port": "swp1"}]},
    }
    assert observed_cables(neighbors) == {frozenset({("a", "swp1"), ("b", "swp2")})}


def test_a_kernel_that_did_not_follow_a_failure_is_named_against_analyzes_weights() -> None:
    """BAG303: after a BAG switch fails, every device analyze says changes, still at baseline weights."""
    plan = lab_plan()
    failure = parse_failure(plan, "bag-switch:east-bag-p1-s1")
    predicted = predict(plan, failure)
    assert predicted.weights, "a BAG switch failure changes some device's weights"
    baseline = expected_forwarding(plan, list(predicted.weights))
    stale = {
        device: {prefix: frozenset(Hop(i, "", bps // 10**9) for i, bps in hops.items()) for prefix, hops in fw.items()}
        for device, fw in baseline.items()
    }
    findings = weight_findings(plan, predicted, stale)
    assert findings and {f.code for f in findings} == {"BAG303"}
    assert {f.device for f in findings} == set(predicted.weights)
    assert all(f"after BAG switch {failure.name}" in f.message and "analyze predicts" in f.message for f in findings)
    followed = {
        device: {
            prefix: frozenset(Hop(i, "", round(share * 100)) for i, share in shares.items())
            for dest, shares in by_dest.items()
            for prefix in destination_prefixes(plan)[dest]
        }
        for device, by_dest in predicted.weights.items()
    }
    assert weight_findings(plan, predicted, followed) == []

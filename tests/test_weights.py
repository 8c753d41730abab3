"""analyze's fast weights (generator.analysis.weights) say exactly what the specification says.

The specification is `compile.ucmp.expected_paths` (what the lab compares kernels with): here every
device's shares are computed from it before and after each failure scenario, naively, and compared
with what `analyze` reports, on intents that exercise drained planes, link overrides, per-switch
ASNs, planar and spread pairs, and link-speed (not cumulative) weighting.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.analysis.capacity import base_capacity, failure_specs
from generator.analysis.weights import Weights
from generator.compile.network import Plan
from generator.compile.ucmp import expected_paths
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked

from .conftest import LAB, PROMETHEUS

Shares = dict[str, dict[str, float]]


def spec_shares(plan: Plan, dead: set[int], failed: set[str]) -> dict[str, Shares]:
    paths = expected_paths(plan.intent, plan.wiring, failed_links=dead, failed_nodes=failed)
    result: dict[str, Shares] = {}
    for device, by_dest in paths.items():
        shares: Shares = {}
        for dest, hops in sorted(by_dest.items()):
            per_if: dict[str, int] = defaultdict(int)
            for hop in hops:
                per_if[plan.interface(hop.link, device)] += hop.bps
            total = sum(per_if.values())
            shares[dest] = {k: v / total for k, v in sorted(per_if.items())} if total else {}
        result[device] = shares
    return result


def spec_changes(plan: Plan, dead: set[int], failed: set[str]) -> dict[str, Shares]:
    before, after = spec_shares(plan, set(), set()), spec_shares(plan, dead, failed)
    changes = {}
    for device in sorted(after):
        if device in failed:
            continue
        old, new = before[device], after[device]
        diff = {d: new.get(d, {}) for d in sorted(old.keys() | new.keys()) if old.get(d) != new.get(d)}
        if diff:
            changes[device] = {d: {k: round(v, 4) for k, v in s.items()} for d, s in diff.items()}
    return changes


def variants() -> dict[str, dict[str, Any]]:
    lab = yaml.safe_load(LAB.read_text())
    drained = copy.deepcopy(lab)
    drained["regions"][0]["bag"]["drained_planes"] = [2]
    by_speed = copy.deepcopy(lab)
    by_speed["link_bandwidth"]["bag_to_fabric"] = "link"
    planar = copy.deepcopy(lab)
    planar["inter_region"][0]["topology"] = "planar"
    uneven = copy.deepcopy(lab)
    uneven["regions"][1]["fabrics"][0]["link_overrides"] = [
        {"plane": 1, "fabric_switch": 1, "bag_switch": 1, "links": 3}
    ]
    uneven["inter_region"][0]["links_per_switch"] = 3
    return {"lab": lab, "drained": drained, "by-speed": by_speed, "planar": planar, "uneven": uneven}


@pytest.mark.parametrize("name", sorted(variants()))
def test_every_scenario_matches_the_specification_device_by_device(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(variants()[name], sort_keys=False))
    plan = plan_checked(load_intent(path)).plan
    weights = Weights(plan)  # one instance across scenarios, as analyze uses it: caches must not leak
    specs = list(failure_specs(plan, base_capacity(plan)))
    wiring = plan.wiring
    singles = [("link", str(i), {i}, set()) for i in range(0, len(wiring.links), 7)]
    assert specs
    for _, _, dead, failed in specs + singles:
        assert weights.changed(dead, failed) == spec_changes(plan, dead, failed)


def test_the_switches_of_a_plane_share_a_handful_of_results() -> None:
    """Why analyze is fast at gigawatt scale: a plane failure changes thousands of devices, whose new
    weights are a few hundred distinct results, computed once each."""
    plan = plan_checked(load_intent(PROMETHEUS)).plan
    bags = {
        n for n, node in plan.wiring.nodes.items() if node.role == "bag" and node.region == "hub" and node.plane == 1
    }
    changed = Weights(plan).changed({i for b in bags for i in plan.wiring.links_of[b]}, bags)
    switches = [v for device, v in changed.items() if plan.wiring.nodes[device].role != "bag"]
    assert len(switches) > 500
    assert len({id(v) for v in switches}) < len(switches) / 10


def unusual_failures(plan: Plan) -> list[tuple[str, set[int], set[str]]]:
    """Failures analyze never reports but `scenario` must get right (the lab can ask for any): a
    fabric switch, a BAG switch with one of its fabric switches (links with both ends failed), two
    BAG switches of different regions joined by inter-region links, a BAG switch and a dead link of
    two survivors, and a failed device given with its links spelled out."""
    wiring = plan.wiring
    links, nodes = wiring.links, wiring.nodes
    inter = next(link for link in links if link.kind == "inter")
    fabric_link = next(link for link in links if link.kind == "fabric" and link.a != inter.a)
    spare = next(i for i, link in enumerate(links) if {link.a, link.b}.isdisjoint({inter.a, inter.b}))
    bag = inter.a
    assert nodes[inter.a].region != nodes[inter.b].region
    return [
        ("a fabric switch", set(), {fabric_link.b}),
        ("a BAG switch and one of its fabric switches", set(), {fabric_link.a, fabric_link.b}),
        ("two BAG switches joined by inter-region links", set(), {inter.a, inter.b}),
        ("a BAG switch and another link", {spare}, {bag}),
        ("a BAG switch, links spelled out", set(wiring.links_of[bag]), {bag}),
    ]


@pytest.mark.parametrize("name", ["lab", "drained", "planar"])
def test_unusual_failures_match_the_specification(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(variants()[name], sort_keys=False))
    plan = plan_checked(load_intent(path)).plan
    weights = Weights(plan)
    for what, dead, failed in unusual_failures(plan):
        assert weights.changed(dead, failed) == spec_changes(plan, dead, failed), what


def test_a_failed_device_is_the_same_failure_with_or_without_its_links_listed() -> None:
    plan = plan_checked(load_intent(LAB)).plan
    weights = Weights(plan)
    for _, _, dead, failed in failure_specs(plan, base_capacity(plan)):
        spelled = dead | {i for name in failed for i in plan.wiring.links_of[name]}
        assert weights.changed(spelled, failed) == weights.changed(dead, failed)

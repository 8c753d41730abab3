"""What the design carries: oversubscription per region and plane, capacity per region pair, and
what each failure domain (link, line card, BAG switch, plane, data hall, power domain) costs.

Everything is computed from the plan's wiring and port layout: the base in one pass over the links,
each scenario from it in a step per neighbour of a failed device (see neighbours) and per device
whose weights change (see weights), so the 34 scenarios of a 12,672-device network take about half
a second on two cores.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.analysis.neighbours import Neighbours
from generator.analysis.weights import Weights
from generator.compile.network import Plan
from generator.findings import Finding, located
from generator.forked import fork_map
from generator.intent.loader import LoadedIntent

Base = tuple[dict[str, int], dict[str, int], dict[str, int]]  # per region pair, per fabric, per BAG switch


@dataclass(frozen=True)
class PlaneCapacity:
    region: str
    plane: int
    fabric: str
    downlink_bps: int  # what the fabric's switches of this plane offer southbound
    uplink_bps: int  # their links to the BAG plane

    @property
    def oversubscription(self) -> float:
        return self.downlink_bps / self.uplink_bps if self.uplink_bps else float("inf")


@dataclass(frozen=True)
class Scenario:
    kind: str  # "link" | "line card" | "BAG switch" | "plane" | "data hall" | "power domain"
    name: str  # what failed, e.g. "north-bag-p3-s7"
    pair_bps: dict[str, int]  # capacity left per region pair
    fabric_bps: dict[str, int]  # BAG uplink capacity left per fabric
    worst_remote_loss: float  # the largest share of its inter-region capacity any surviving BAG switch loses
    # every device whose UCMP weights change: device -> changed destination -> outgoing interface -> share
    # (a destination with no next hop left maps to {}); failed devices are not listed
    weights: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


@dataclass
class Analysis:
    intent: str
    planes: list[PlaneCapacity]
    pair_bps: dict[str, int]
    pair_topology: dict[str, Any]
    region_bag_oversubscription: dict[str, float]  # BAG fabric-facing capacity / inter-region capacity
    fabric_bps: dict[str, int]
    scenarios: list[Scenario]
    findings: list[Finding]

    def worst(self, kind: str) -> Scenario | None:
        """The scenario of a kind that leaves the least capacity on some region pair."""
        candidates = [s for s in self.scenarios if s.kind == kind]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda s: min(
                (s.pair_bps[p] / self.pair_bps[p] for p in self.pair_bps if self.pair_bps[p]), default=1.0
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "planes": [
                {
                    "region": p.region,
                    "plane": p.plane,
                    "fabric": p.fabric,
                    "downlink_bps": p.downlink_bps,
                    "uplink_bps": p.uplink_bps,
                    "oversubscription": round(p.oversubscription, 3),
                }
                for p in self.planes
            ],
            "region_pairs": {k: {"bps": v, "topology": self.pair_topology[k]} for k, v in self.pair_bps.items()},
            "bag_to_bag_oversubscription": {k: round(v, 3) for k, v in self.region_bag_oversubscription.items()},
            "fabric_uplink_bps": self.fabric_bps,
            "failures": [
                {
                    "kind": s.kind,
                    "name": s.name,
                    "pair_bps": s.pair_bps,
                    "fabric_bps": s.fabric_bps,
                    "worst_remote_loss": round(s.worst_remote_loss, 4),
                    "weights": grouped(s.weights),
                }
                for s in self.scenarios
            ],
            "findings": [f.as_dict() for f in self.findings],
        }


def grouped(weights: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    """Devices with the same new weights listed together (a plane's switches mostly share theirs):
    [{"devices": [...], "weights": {destination: {interface: share}}}], ordered by first device."""
    by_object: dict[int, list[str]] = {}
    for device, changes in weights.items():
        by_object.setdefault(id(changes), []).append(device)
    by_value: dict[str, list[str]] = {}
    for devices in by_object.values():
        by_value.setdefault(repr(weights[devices[0]]), []).extend(devices)  # built in sorted order: canonical
    groups = [sorted(devices) for devices in by_value.values()]
    return [{"devices": devices, "weights": weights[devices[0]]} for devices in sorted(groups)]


def plan_pairs(plan: Plan) -> set[tuple[str, str]]:
    return {(p.between[0], p.between[1]) for p in plan.intent.inter_region}


def base_capacity(plan: Plan, neighbours: Neighbours | None = None) -> Base:
    """Capacity per region pair, per fabric (BAG uplinks), and per BAG switch toward other regions:
    a pass over the links, or over the BAG switches' sums per neighbour when the caller has them
    (every link has a BAG switch at one end: fabric links at `a`, inter-region links at both)."""
    # in intent order (a set's order changes with the hash seed: the report's rows would too)
    pair_bps: dict[str, int] = {f"{p.between[0]}~{p.between[1]}": 0 for p in plan.intent.inter_region}
    fabric_bps: dict[str, int] = {f.name: 0 for r in plan.intent.regions for f in r.fabrics}
    base: Base = (pair_bps, fabric_bps, {})
    if neighbours is None:
        _account(plan, range(len(plan.wiring.links)), 1, base)
    else:
        bags = {name for name, node in plan.wiring.nodes.items() if node.role == "bag"}
        _account_devices(plan, neighbours, bags, 1, base)
    return base


def _account(plan: Plan, indexes: Iterable[int], sign: int, into: Base) -> None:
    """Add (sign 1) or take away (sign -1) the capacity of these links; one call per link set, not
    per link: the base covers 207k links."""
    pair_bps, fabric_bps, bag_inter = into
    links, nodes = plan.wiring.links, plan.wiring.nodes
    pair_of: dict[tuple[str, str], str] = {}
    for i in indexes:
        kind, a, b, speed, _ = links[i]
        if kind == "fabric":
            fabric_bps[nodes[b].fabric] += sign * speed
            continue
        pair_bps[_pair_key(pair_of, pair_bps, nodes[a].region, nodes[b].region)] += sign * speed
        bag_inter[a] = bag_inter.get(a, 0) + sign * speed
        bag_inter[b] = bag_inter.get(b, 0) + sign * speed


def _pair_key(known: dict[tuple[str, str], str], pair_bps: dict[str, int], one: str, other: str) -> str:
    """The report's key of the pair of these two regions (in intent order)."""
    key = known.get((one, other))
    if key is None:
        key = f"{one}~{other}"
        key = known[(one, other)] = key if key in pair_bps else f"{other}~{one}"
    return key


def _account_devices(plan: Plan, neighbours: Neighbours, devices: set[str], sign: int, into: Base) -> None:
    """Add (sign 1) or take away (sign -1) the capacity of every link of these devices, each link
    once, in a step per neighbour and fabric (see neighbours), not per link: a data hall's 72 BAG
    switches have 41,472 links at x1, the base's 576 all 207,360."""
    pair_bps, fabric_bps, bag_inter = into
    nodes = plan.wiring.nodes
    pair_of: dict[tuple[str, str], str] = {}
    for name in sorted(devices):  # the per-switch totals in one order whatever the hash seed
        adjacent = neighbours(name)
        for fabric, bps in adjacent.fabrics.items():
            fabric_bps[fabric] += sign * bps
        if nodes[name].role != "bag":  # a fabric switch: its links to BAG switches among them are theirs too
            for peer, bps in adjacent.peers.items():
                if peer in devices:
                    fabric_bps[nodes[name].fabric] -= sign * bps
        for peer, bps in adjacent.inter.items():
            if peer in devices and peer < name:
                continue  # counted with the peer
            pair_bps[_pair_key(pair_of, pair_bps, nodes[name].region, nodes[peer].region)] += sign * bps
            bag_inter[name] = bag_inter.get(name, 0) + sign * bps
            bag_inter[peer] = bag_inter.get(peer, 0) + sign * bps


def _take_away(plan: Plan, neighbours: Neighbours, dead: Iterable[int], failed: set[str], into: Base) -> None:
    """Take away the capacity of the dead links and of every link of the failed devices, each link
    once: the failed devices' per neighbour, a dead link of two survivors in a step of its own."""
    _account_devices(plan, neighbours, failed, -1, into)
    links = plan.wiring.links
    survivors = [i for i in dead if links[i].a not in failed and links[i].b not in failed]
    _account(plan, survivors, -1, into)


def scenario(
    plan: Plan,
    kind: str,
    name: str,
    dead: set[int],
    failed_nodes: set[str],
    base: Base,
    weights: Weights | None = None,
) -> Scenario:
    """Capacity left and the new UCMP weights of every device the failure changes, when the dead
    links and every link of the failed devices stop carrying (the base minus what they carried)."""
    weights = weights or Weights(plan)
    left: Base = (dict(base[0]), dict(base[1]), dict(base[2]))
    _take_away(plan, weights.neighbours, dead, failed_nodes, left)
    loss = max(
        (1 - left[2].get(b, 0) / total for b, total in base[2].items() if total and b not in failed_nodes), default=0.0
    )
    return Scenario(kind, name, left[0], left[1], loss, weights.changed(dead, failed_nodes))


def analyze_plan(loaded: LoadedIntent, plan: Plan, failures: bool = True) -> Analysis:
    """Capacities and the budgets' findings, and the failure scenarios unless `failures` is False."""
    intent = plan.intent
    nodes, links = plan.wiring.nodes, plan.wiring.links
    planes: list[PlaneCapacity] = []
    uplinks: dict[tuple[str, int, str], int] = defaultdict(int)
    for kind, _, b_name, speed, _ in links:
        if kind == "fabric":
            b = nodes[b_name]
            uplinks[(b.region, b.plane, b.fabric)] += speed
    findings: list[Finding] = []
    for i, region in enumerate(intent.regions):
        for j, fabric in enumerate(region.fabrics):
            l2_budget = fabric.oversubscription_budget or intent.budgets.l2_to_bag_oversubscription
            for plane in range(1, region.bag.planes + 1):
                down = fabric.switches_per_plane * fabric.downlinks.count * fabric.downlinks.speed
                cap = PlaneCapacity(region.name, plane, fabric.name, down, uplinks[(region.name, plane, fabric.name)])
                planes.append(cap)
                if cap.oversubscription > l2_budget + 1e-9:
                    findings.append(
                        located(
                            loaded.source,
                            "BAG070",
                            ("regions", i, "fabrics", j, "downlinks"),
                            f"plane {plane} of fabric {fabric.name} is {cap.oversubscription:.2f}:1 oversubscribed "
                            f"toward the BAG (budget {l2_budget}:1)",
                            "add uplinks_per_switch, or lower downlinks.count",
                        )
                    )
    base = base_capacity(plan)
    base_pair, base_fabric, _ = base
    # per region: BAG capacity toward its fabrics (a fabric link stays in its region) and toward other regions
    south: dict[str, int] = defaultdict(int)
    north: dict[str, int] = defaultdict(int)
    for (region_name, _, _), bps in uplinks.items():
        south[region_name] += bps
    for pair in intent.inter_region:
        for region_name in pair.between:
            north[region_name] += base_pair[f"{pair.between[0]}~{pair.between[1]}"]
    ratio = {r.name: south[r.name] / north[r.name] for r in intent.regions if north[r.name]}
    budget = intent.budgets.bag_to_bag_oversubscription
    if budget is not None:
        for region in intent.regions:
            if ratio.get(region.name, 0) > budget + 1e-9:
                findings.append(
                    located(
                        loaded.source,
                        "BAG071",
                        ("budgets", "bag_to_bag_oversubscription"),
                        f"region {region.name}: BAG fabric-facing capacity is {ratio[region.name]:.2f}x its "
                        f"inter-region capacity (budget {budget}:1)",
                        "add inter-region links_per_switch",
                    )
                )
    scenarios = failure_scenarios(plan, base) if failures else []
    topology = {f"{p.between[0]}~{p.between[1]}": p.topology for p in intent.inter_region}
    return Analysis(intent.name, planes, base_pair, topology, ratio, base_fabric, scenarios, findings)


Spec = tuple[str, str, set[int], set[str]]  # kind, name, dead links (besides the failed devices'), failed devices

PARALLEL_FROM = 2000  # devices


def _scenarios_of(state: tuple[Plan, Base, Weights], specs: list[Spec]) -> list[Scenario]:
    plan, base, weights = state
    return [scenario(plan, kind, name, dead, nodes, base, weights) for kind, name, dead, nodes in specs]


def failure_scenarios(
    plan: Plan,
    base: Base,
    jobs: int | None = None,
    meanwhile: Callable[[], None] | None = None,
    weights: Weights | None = None,
) -> list[Scenario]:
    """Every scenario, in report order; on a large network spread over `jobs` forked workers (default:
    every core): each predicts the weights of thousands of devices. The baseline (every device's
    shares with nothing failed) is computed once, before the fork: every worker needs most of it.
    `meanwhile()` runs in this process while the workers work (its exception stops them); `weights`:
    the plan's, when the caller made them already."""
    specs = list(failure_specs(plan, base))
    workers = (jobs or os.cpu_count() or 1) if len(plan.wiring.nodes) >= PARALLEL_FROM else 1
    weights = weights or Weights(plan)  # shared by the scenarios: baseline shares and shapes are computed once
    if workers > 1:
        weights.warm()
    chunks = [specs[i::workers] for i in range(workers)]
    done = fork_map(_scenarios_of, (plan, base, weights), chunks, workers, meanwhile=meanwhile)
    order = {id(spec): n for n, spec in enumerate(specs)}
    ranked = sorted(zip((order[id(s)] for chunk in chunks for s in chunk), done, strict=True), key=lambda x: x[0])
    return [s for _, s in ranked]


def failure_specs(plan: Plan, base: Base) -> Iterable[Spec]:
    """What each scenario takes out: the worst link and line card, the worst BAG switch and plane 1 of
    each region, every data hall and power domain."""
    nodes, links = plan.wiring.nodes, plan.wiring.links
    bags = [n for n, v in nodes.items() if v.role == "bag"]
    # one link: the worst is the fastest inter-region link (every one costs its own speed)
    inter = [i for i, link in enumerate(links) if link.kind == "inter"]
    if inter:
        worst_link = max(inter, key=lambda i: links[i].speed)
        yield ("link", f"{links[worst_link].a} <-> {links[worst_link].b}", {worst_link}, set())
    # one line card: the BAG line card carrying the most inter-region capacity (ties: the last by name)
    a_port, b_port = plan.layout.a_port, plan.layout.b_port
    inter_bps: dict[tuple[str, int], int] = defaultdict(int)
    for i in inter:  # both ends are BAG switches
        inter_bps[(links[i].a, a_port[i].line_card)] += links[i].speed
        inter_bps[(links[i].b, b_port[i].line_card)] += links[i].speed
    if links:
        if inter_bps:
            bag, card = max(inter_bps, key=lambda key: (inter_bps[key], key))
        else:  # one region: no card carries any, the last card by name is the one
            bag, card = max({(link.a, a_port[i].line_card) for i, link in enumerate(links)})
        mine = plan.wiring.links_of[bag]
        dead = {i for i in mine if (a_port[i] if links[i].a == bag else b_port[i]).line_card == card}
        yield ("line card", f"{bag} line card {card}", dead, set())
    # one BAG switch per region: the one with the most inter-region capacity (designs are symmetric)
    for region in plan.intent.regions:
        in_region = [b for b in bags if nodes[b].region == region.name]
        if not in_region:
            continue
        bag = max(in_region, key=lambda b: (base[2].get(b, 0), b))
        yield ("BAG switch", bag, set(), {bag})
    # one plane, per region
    for region in plan.intent.regions:
        plane = {b for b in bags if nodes[b].region == region.name and nodes[b].plane == 1}
        yield ("plane", f"{region.name} plane 1", set(), plane)
    # tagged failure domains
    for kind, attr in (("data hall", "data_hall"), ("power domain", "power_domain")):
        domains: dict[str, set[str]] = defaultdict(set)
        for b in bags:
            tag = getattr(nodes[b], attr)
            if tag:
                domains[tag].add(b)
        for tag, members in sorted(domains.items()):
            yield (kind, tag, set(), members)

"""What the design carries: oversubscription per region and plane, capacity per region pair, and
what each failure domain (link, line card, BAG switch, plane, data hall, power domain) costs.

Everything is computed from the plan's wiring and port layout in O(links) per scenario, so the
whole analysis of a 12,000-device network takes about a second.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.compile.network import Plan
from generator.compile.ucmp import expected_paths, weights_by_peer
from generator.findings import Finding, located
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
    ucmp: dict[str, dict[str, float]] = field(default_factory=dict)  # sample spine: share per BAG switch


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
                    "ucmp": s.ucmp,
                }
                for s in self.scenarios
            ],
            "findings": [f.as_dict() for f in self.findings],
        }


def plan_pairs(plan: Plan) -> set[tuple[str, str]]:
    return {(p.between[0], p.between[1]) for p in plan.intent.inter_region}


def _capacities(plan: Plan) -> Base:
    """Capacity per region pair, per fabric (BAG uplinks), and per BAG switch toward other regions."""
    # in intent order (a set's order changes with the hash seed: the report's rows would too)
    pair_bps: dict[str, int] = {f"{p.between[0]}~{p.between[1]}": 0 for p in plan.intent.inter_region}
    fabric_bps: dict[str, int] = {f.name: 0 for r in plan.intent.regions for f in r.fabrics}
    base: Base = (pair_bps, fabric_bps, {})
    _account(plan, range(len(plan.wiring.links)), 1, base)
    return base


def _account(plan: Plan, indexes: Iterable[int], sign: int, into: Base) -> None:
    """Add (sign 1) or take away (sign -1) the capacity of these links; one call per link set, not
    per link: the base covers 207k links and a data-hall scenario tens of thousands."""
    pair_bps, fabric_bps, bag_inter = into
    links, nodes = plan.wiring.links, plan.wiring.nodes
    pair_of: dict[tuple[str, str], str] = {}
    for i in indexes:
        kind, a, b, speed, _ = links[i]
        if kind == "fabric":
            fabric_bps[nodes[b].fabric] += sign * speed
            continue
        regions = (nodes[a].region, nodes[b].region)
        key = pair_of.get(regions)
        if key is None:
            key = f"{regions[0]}~{regions[1]}"
            key = pair_of[regions] = key if key in pair_bps else f"{regions[1]}~{regions[0]}"
        pair_bps[key] += sign * speed
        bag_inter[a] = bag_inter.get(a, 0) + sign * speed
        bag_inter[b] = bag_inter.get(b, 0) + sign * speed


def _links_of(plan: Plan, members: Iterable[str]) -> set[int]:
    return {i for m in members for i in plan.wiring.links_of[m]}


def _scenario(plan: Plan, kind: str, name: str, dead: set[int], failed_nodes: set[str], base: Base) -> Scenario:
    """Capacity left: the base minus the dead links, in O(dead links)."""
    left: Base = (dict(base[0]), dict(base[1]), dict(base[2]))
    _account(plan, dead, -1, left)
    loss = max(
        (1 - left[2].get(b, 0) / total for b, total in base[2].items() if total and b not in failed_nodes), default=0.0
    )
    return Scenario(kind, name, left[0], left[1], loss)


def _sample_ucmp(plan: Plan, failed_nodes: set[str], dead: set[int], bag: str) -> dict[str, dict[str, float]]:
    """The weights a spine of the failed BAG switch's plane gives the surviving BAG switches."""
    node = plan.wiring.nodes[bag]
    spine = next(
        (
            n
            for n, v in plan.wiring.nodes.items()
            if v.role != "bag" and v.region == node.region and v.plane == node.plane
        ),
        None,
    )
    if spine is None:
        return {}
    paths = expected_paths(plan.intent, plan.wiring, [spine], failed_links=dead, failed_nodes=failed_nodes)[spine]
    result = {}
    for dest, hops in sorted(paths.items()):
        if dest.startswith("region:"):
            weights = weights_by_peer(hops)
            total = sum(weights.values())
            result[f"{spine} -> {dest}"] = {k: round(v / total, 4) for k, v in weights.items()} if total else {}
    return result


def analyze_plan(loaded: LoadedIntent, plan: Plan, failures: bool = True) -> Analysis:
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
    base = _capacities(plan)
    base_pair, base_fabric, _ = base
    south: dict[str, int] = defaultdict(int)
    north: dict[str, int] = defaultdict(int)
    for kind, a_name, b_name, speed, _ in links:
        if kind == "fabric":
            south[nodes[a_name].region] += speed
        else:
            north[nodes[a_name].region] += speed
            north[nodes[b_name].region] += speed
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
    scenarios = list(failure_scenarios(plan, base)) if failures else []
    topology = {f"{p.between[0]}~{p.between[1]}": p.topology for p in intent.inter_region}
    return Analysis(intent.name, planes, base_pair, topology, ratio, base_fabric, scenarios, findings)


def _worst_line_card(plan: Plan, inter: list[int]) -> tuple[tuple[str, int], set[int]] | None:
    """The BAG line card carrying the most inter-region capacity (ties: the highest (switch, card)),
    and every link on it. Only inter-region links can make a card the worst, so only they are
    summed; the card's links are then gathered from its switch alone."""
    links, nodes, layout = plan.wiring.links, plan.wiring.nodes, plan.layout
    if not inter:  # no inter-region link: every card carries 0, the highest key wins
        cards = {(link.a, layout.a_port[i].line_card) for i, link in enumerate(links)}
        cards |= {(link.b, layout.b_port[i].line_card) for i, link in enumerate(links) if nodes[link.b].role == "bag"}
        if not cards:
            return None
        worst = max(cards)
    else:
        carried: dict[tuple[str, int], int] = defaultdict(int)
        for i in inter:
            link = links[i]
            carried[(link.a, layout.a_port[i].line_card)] += link.speed
            carried[(link.b, layout.b_port[i].line_card)] += link.speed  # both ends of an inter link are BAGs
        worst = max(carried, key=lambda key: (carried[key], key))
    bag, card = worst
    dead = {
        i
        for i in plan.wiring.links_of[bag]
        if (layout.a_port[i] if links[i].a == bag else layout.b_port[i]).line_card == card
    }
    return worst, dead


def with_failures(analysis: Analysis, plan: Plan) -> Analysis:
    """A capacity analysis made without failure scenarios (the plan's), completed with them: the
    rest does not depend on failures, so it is not computed again."""
    return dataclasses.replace(analysis, scenarios=list(failure_scenarios(plan, _capacities(plan))))


def failure_scenarios(plan: Plan, base: Base) -> Iterable[Scenario]:
    nodes, links = plan.wiring.nodes, plan.wiring.links
    bags = [n for n, v in nodes.items() if v.role == "bag"]
    # one link: the worst is the fastest inter-region link (every one costs its own speed)
    inter = [i for i, link in enumerate(links) if link.kind == "inter"]
    if inter:
        worst_link = max(inter, key=lambda i: links[i].speed)
        yield _scenario(plan, "link", f"{links[worst_link].a} <-> {links[worst_link].b}", {worst_link}, set(), base)
    # one line card: the BAG line card carrying the most inter-region capacity
    worst_card = _worst_line_card(plan, inter)
    if worst_card is not None:
        (bag, card), dead = worst_card
        yield _scenario(plan, "line card", f"{bag} line card {card}", dead, set(), base)
    # one BAG switch per region: the one with the most inter-region capacity (designs are symmetric)
    for region in plan.intent.regions:
        in_region = [b for b in bags if nodes[b].region == region.name]
        if not in_region:
            continue
        bag = max(in_region, key=lambda b: (base[2].get(b, 0), b))
        s = _scenario(plan, "BAG switch", bag, set(plan.wiring.links_of[bag]), {bag}, base)
        yield Scenario(
            s.kind, s.name, s.pair_bps, s.fabric_bps, s.worst_remote_loss, _sample_ucmp(plan, {bag}, set(), bag)
        )
    # one plane, per region
    for region in plan.intent.regions:
        plane = {b for b in bags if nodes[b].region == region.name and nodes[b].plane == 1}
        yield _scenario(plan, "plane", f"{region.name} plane 1", _links_of(plan, plane), plane, base)
    # tagged failure domains
    for kind, attr in (("data hall", "data_hall"), ("power domain", "power_domain")):
        domains: dict[str, set[str]] = defaultdict(set)
        for b in bags:
            tag = getattr(nodes[b], attr)
            if tag:
                domains[tag].add(b)
        for tag, members in sorted(domains.items()):
            yield _scenario(plan, kind, tag, _links_of(plan, members), members, base)

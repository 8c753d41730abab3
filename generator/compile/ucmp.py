"""The UCMP weights the routing policy is meant to produce, derived from the wiring alone.

This is the specification the rendered policies must implement: the tests pin it, the lab push
compares kernel next-hop weights against it, and the failure analysis re-runs it with parts removed.
It follows the policy of `policy.py`:
- a BAG reaches a fabric of its region through its links to that fabric's switches of its plane,
  and a remote region through its inter-region links; each path is weighted by its link speed;
- a fabric switch reaches remote regions and the other fabrics of its region through the BAG
  switches of its plane; with `bag_to_fabric: cumulative` each BAG is weighted by the total
  bandwidth it has toward the destination, otherwise by link speed;
- drained or failed devices and failed links carry nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from generator.compile.wiring import Wiring
from generator.intent.schema import Intent


class Path(NamedTuple):
    """One next hop: a link of the device, the peer behind it and the bandwidth it is weighted by."""

    link: int
    peer: str
    bps: int


Destination = str  # "fabric:<name>" or "region:<name>"


class _Alive:
    """Whether a link carries traffic, decided when asked: a scenario touches few of a network's links."""

    def __init__(self, wiring: Wiring, failed_links: set[int], failed_nodes: set[str]) -> None:
        self.wiring, self.failed_links, self.failed_nodes = wiring, failed_links, failed_nodes

    def __getitem__(self, i: int) -> bool:
        link, nodes = self.wiring.links[i], self.wiring.nodes
        return (
            i not in self.failed_links
            and link.a not in self.failed_nodes
            and link.b not in self.failed_nodes
            and not nodes[link.a].drained
            and not nodes[link.b].drained
        )


def bag_paths(wiring: Wiring, name: str, alive: _Alive) -> dict[Destination, list[Path]]:
    """Next hops of one BAG switch, per destination."""
    paths: dict[Destination, list[Path]] = defaultdict(list)
    for i in wiring.links_of[name]:
        if not alive[i]:
            continue
        link = wiring.links[i]
        peer = link.b if link.a == name else link.a
        node = wiring.nodes[peer]
        dest = f"region:{node.region}" if node.role == "bag" else f"fabric:{node.fabric}"
        paths[dest].append(Path(i, peer, link.speed))
    return dict(paths)


def expected_paths(
    intent: Intent,
    wiring: Wiring,
    devices: Iterable[str] | None = None,
    failed_links: Iterable[int] = (),
    failed_nodes: Iterable[str] = (),
) -> dict[str, dict[Destination, list[Path]]]:
    """Next hops per device and destination, with the bandwidth each one is weighted by."""
    if not wiring.links_of:
        wiring.index_links()
    alive = _Alive(wiring, set(failed_links), set(failed_nodes))
    dead = set(failed_nodes)
    wanted = list(wiring.nodes) if devices is None else list(devices)
    cumulative = intent.link_bandwidth.enabled and intent.link_bandwidth.bag_to_fabric == "cumulative"
    bag_cache: dict[str, dict[Destination, list[Path]]] = {}
    totals: dict[str, dict[Destination, int]] = {}  # a BAG's bandwidth per destination, summed once

    def of_bag(name: str) -> dict[Destination, list[Path]]:
        if name not in bag_cache:
            bag_cache[name] = bag_paths(wiring, name, alive) if name not in dead else {}
            totals[name] = {dest: sum(p.bps for p in via) for dest, via in bag_cache[name].items()}
        return bag_cache[name]

    result: dict[str, dict[Destination, list[Path]]] = {}
    for name in wanted:
        node = wiring.nodes[name]
        if node.role == "bag":
            result[name] = of_bag(name)
            continue
        own = f"fabric:{node.fabric}"
        paths: dict[Destination, list[Path]] = defaultdict(list)
        for i in wiring.links_of[name]:
            if not alive[i]:
                continue
            link = wiring.links[i]
            bag = link.a
            for dest in of_bag(bag):
                if dest == own:
                    continue
                bps = totals[bag][dest] if cumulative else link.speed
                paths[dest].append(Path(i, bag, bps))
        result[name] = dict(paths)
    return result


def weights_by_peer(paths: list[Path]) -> dict[str, int]:
    """Total bandwidth weight per peer device (several links to one peer add up)."""
    total: dict[str, int] = defaultdict(int)
    for path in paths:
        total[path.peer] += path.bps
    return dict(sorted(total.items()))


def normalized(weights: Iterable[int]) -> list[float]:
    """Shares of the total, the form in which weights of different platforms can be compared."""
    values = list(weights)
    total = sum(values)
    return [v / total if total else 0.0 for v in values]

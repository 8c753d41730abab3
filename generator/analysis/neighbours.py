"""Each device's links summed per device at their other end, for failure scenarios.

A failed device takes all its links with it. Summed per neighbour, what it takes costs one step per
neighbour instead of one per link: a BAG switch reaches each peer-region switch over up to 144
parallel links, and a data hall fails 72 BAG switches and 41,472 links at x1. Devices are summed
when first asked for; one instance serves every scenario of a plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.compile.wiring import Wiring


@dataclass(frozen=True, slots=True)
class Adjacent:
    """One device's links per neighbour, and summed (bps) per neighbour, inter-region peer and fabric."""

    links: dict[str, list[int]]  # device at the other end -> the links to it, in interface order
    peers: dict[str, int]  # device at the other end -> bandwidth of the links to it
    inter: dict[str, int]  # the same, inter-region links only (both ends are BAG switches)
    fabrics: dict[str, int]  # fabric -> bandwidth of the fabric links (a BAG switch's to that fabric)


class Neighbours:
    def __init__(self, wiring: Wiring) -> None:
        if not wiring.links_of:
            wiring.index_links()
        self.wiring = wiring
        self._of: dict[str, Adjacent] = {}

    def __call__(self, name: str) -> Adjacent:
        found = self._of.get(name)
        if found is None:
            links, nodes = self.wiring.links, self.wiring.nodes
            by_peer: dict[str, list[int]] = {}
            peers: dict[str, int] = {}
            inter: dict[str, int] = {}
            fabrics: dict[str, int] = {}
            for i in self.wiring.links_of[name]:
                kind, a, b, speed, _ = links[i]
                other = b if a == name else a
                if other in peers:
                    by_peer[other].append(i)
                    peers[other] += speed
                else:
                    by_peer[other] = [i]
                    peers[other] = speed
                if kind == "inter":
                    inter[other] = inter.get(other, 0) + speed
                else:  # `b` is the fabric switch
                    fabric = nodes[b].fabric
                    fabrics[fabric] = fabrics.get(fabric, 0) + speed
            found = self._of[name] = Adjacent(by_peer, peers, inter, fabrics)
        return found

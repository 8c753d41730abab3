"""Link-bandwidth values: one network-wide scale, and each platform's encoding of a value.

Receivers weight paths by the *ratio* of the values they receive, so every router must encode with
the same scale. Some platforms cannot carry real values (`LBW_LIMITS` of generator.platforms): FRR
8.4 sets at most 25600 "Mbps" and decodes 2^32 bytes/s or more wrongly; an IOS XR `extcommunity-set
bandwidth` member is a 32-bit number of bits per second (4.29 Gbps). When any such device is present,
the whole network encodes real bandwidth in scaled units: one encoded Mbps stands for `unit_bps` real
bits per second. The scale is chosen from the largest value and the largest cumulative sum any router
can see, which are bounded here from the wiring in O(links), against the tightest limits present.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.compile.wiring import Wiring
from generator.intent.schema import Intent
from generator.platforms import PLATFORMS


@dataclass(frozen=True, slots=True)
class Bounds:
    """What the link-bandwidth values of a network can reach, in real bits per second."""

    explicit_values: frozenset[int]  # values set from link capacity (route-map constants)
    max_sum: int  # largest sum of received values one router may add up (and re-advertise)


@dataclass(frozen=True, slots=True)
class Limits:
    """What the platforms of a network can encode, in encoded Mbps (see generator.platforms LBW_LIMITS)."""

    value: float  # the largest value a config can set
    total: float  # sums must stay below this
    by: tuple[str, ...]  # the platforms that set them

    @classmethod
    def of(cls, platforms: set[str]) -> Limits | None:
        limited: dict[str, tuple[float, float]] = {}
        for name in sorted(platforms):
            own = PLATFORMS[name].LBW_LIMITS
            if own is not None:
                limited[name] = own
        if not limited:
            return None
        return cls(min(v for v, _ in limited.values()), min(t for _, t in limited.values()), tuple(limited))


@dataclass(frozen=True, slots=True)
class Scale:
    unit_bps: int  # one encoded Mbps stands for this many bits per second
    exact: bool  # every explicit value is a whole number of units
    scaled: bool  # False: values are encoded as real bandwidth (no platform with limits in the network)
    bounds: Bounds
    limits: Limits | None = None  # what the scale had to respect

    def units(self, bps: int) -> int:
        """Encoded Mbps for a real bandwidth (at least 1 for a non-zero value)."""
        return max(1, round(bps / self.unit_bps)) if bps else 0

    @property
    def max_value_units(self) -> float:
        return max(self.bounds.explicit_values, default=0) / self.unit_bps

    @property
    def max_sum_units(self) -> float:
        return self.bounds.max_sum / self.unit_bps


def bounds(intent: Intent, wiring: Wiring) -> Bounds:
    """Bound every advertised value and every receiver's sum, following the export policy of each layer.

    fabric -> BAG: link capacity. BAG -> BAG: link capacity or the BAG's fabric-side cumulative.
    BAG -> fabric: link capacity or the BAG's cumulative toward the origin. Sums per origin are
    bounded by the maximum over origins, which is enough to pick a safe scale.
    """
    policy = intent.link_bandwidth
    nodes = wiring.nodes
    to_fabric: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # bag -> fabric -> bps
    to_region_links: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    explicit: set[int] = set()
    fabric_of = {name: node.fabric for name, node in nodes.items()}
    region_of = {name: node.region for name, node in nodes.items()}
    bag_to_bag_link = policy.bag_to_bag == "link"
    for kind, a, b, speed, _ in wiring.links:
        if kind == "fabric":
            to_fabric[a][fabric_of[b]] += speed
            explicit.add(speed)
        else:
            to_region_links[a][region_of[b]].append((b, speed))
            to_region_links[b][region_of[a]].append((a, speed))
            if bag_to_bag_link:
                explicit.add(speed)

    fabric_cum = {bag: max(per.values(), default=0) for bag, per in to_fabric.items()}

    def inter_value(remote_bag: str, speed: int) -> int:
        return speed if policy.bag_to_bag == "link" else fabric_cum.get(remote_bag, 0)

    bag_sum: dict[str, int] = {}
    for name, node in nodes.items():
        if node.role != "bag":
            continue
        inter = [sum(inter_value(peer, speed) for peer, speed in peers) for peers in to_region_links[name].values()]
        bag_sum[name] = max([fabric_cum.get(name, 0), *inter])

    max_sum = max(bag_sum.values(), default=0)
    fabric_sum: dict[str, int] = defaultdict(int)
    bag_to_fabric_link = policy.bag_to_fabric == "link"
    for kind, a, b, speed, _ in wiring.links:
        if kind == "fabric":
            fabric_sum[b] += speed if bag_to_fabric_link else bag_sum[a]
            if bag_to_fabric_link:
                explicit.add(speed)
    max_sum = max([max_sum, *fabric_sum.values()])
    return Bounds(frozenset(explicit), max_sum)


def _candidate_units() -> list[int]:
    """Units of 2^a * 5^b Mbps: they divide every common port speed exactly."""
    values = {2**a * 5**b for a in range(0, 24) for b in range(0, 12)}
    return sorted(v * 10**6 for v in values if v <= 10**7)


def fits(unit: int, b: Bounds, limits: Limits) -> bool:
    return max(b.explicit_values, default=0) / unit <= limits.value and b.max_sum / unit < limits.total


def choose_scale(intent: Intent, wiring: Wiring) -> Scale:
    b = bounds(intent, wiring)
    limits = Limits.of({intent.hardware[hw].platform for hw in {n.hardware for n in wiring.nodes.values()}})
    configured = intent.link_bandwidth.frr_unit
    if configured != "auto":
        exact = all(v % configured == 0 for v in b.explicit_values)
        return Scale(int(configured), exact, True, b, limits)
    if limits is None:
        return Scale(10**6, True, False, b)
    candidates = _candidate_units()
    for unit in candidates:
        if fits(unit, b, limits) and all(v % unit == 0 for v in b.explicit_values):
            return Scale(unit, True, True, b, limits)
    for unit in candidates:  # no exact unit within the limits: round, and say so (validators warn)
        if fits(unit, b, limits):
            return Scale(unit, False, True, b, limits)
    return Scale(candidates[-1], False, True, b, limits)


def encode_value(platform: str, bps: int, scale: Scale, asn: int) -> str:
    """A fixed link-bandwidth value in the platform's own syntax and unit (see generator.platforms)."""
    wire_bps = scale.units(bps) * 10**6 if scale.scaled else bps
    return PLATFORMS[platform].encode_lbw(wire_bps, scale.scaled, asn)

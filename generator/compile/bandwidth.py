"""Link-bandwidth values: one network-wide scale, and each platform's encoding of a value.

Receivers weight paths by the *ratio* of the values they receive, so every router must encode with
the same scale. FRR 8.4 can set at most 25600 "Mbps" and decodes 2^32 bytes/s or more wrongly, so
when any FRR device is present the whole network encodes real bandwidth in scaled units: one encoded
Mbps stands for `unit_bps` real bits per second. The scale is chosen from the largest value and the
largest cumulative sum any router can see, which are bounded here from the wiring in O(links).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from generator.compile.wiring import Wiring
from generator.intent.schema import Intent

FRR_MAX_SET_VALUE = 25600  # largest `set extcommunity bandwidth` value FRR 8.4 accepts (Mbps)
FRR_MAX_BYTES_PER_SECOND = 2**32  # FRR 8.4 decodes values at or above this wrongly
BYTES_PER_MBPS = 125_000
MAX_UNITS_SUM = FRR_MAX_BYTES_PER_SECOND / BYTES_PER_MBPS  # 34359.74 encoded Mbps
AS_TRANS = 23456  # RFC 6793: stands in for a 4-byte AS in the 2-octet global administrator


@dataclass(frozen=True, slots=True)
class Bounds:
    """What the link-bandwidth values of a network can reach, in real bits per second."""

    explicit_values: frozenset[int]  # values set from link capacity (route-map constants)
    max_sum: int  # largest sum of received values one router may add up (and re-advertise)


@dataclass(frozen=True, slots=True)
class Scale:
    unit_bps: int  # one encoded Mbps stands for this many bits per second
    exact: bool  # every explicit value is a whole number of units
    scaled: bool  # False: values are encoded as real bandwidth (no FRR in the network)
    bounds: Bounds

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
    for link in wiring.links:
        if link.kind == "fabric":
            to_fabric[link.a][nodes[link.b].fabric] += link.speed
            explicit.add(link.speed)
        else:
            to_region_links[link.a][nodes[link.b].region].append((link.b, link.speed))
            to_region_links[link.b][nodes[link.a].region].append((link.a, link.speed))
            if policy.bag_to_bag == "link":
                explicit.add(link.speed)

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
    for link in wiring.links:
        if link.kind == "fabric":
            value = link.speed if policy.bag_to_fabric == "link" else bag_sum[link.a]
            fabric_sum[link.b] += value
            if policy.bag_to_fabric == "link":
                explicit.add(link.speed)
    max_sum = max([max_sum, *fabric_sum.values()])
    return Bounds(frozenset(explicit), max_sum)


def _candidate_units() -> list[int]:
    """Units of 2^a * 5^b Mbps: they divide every common port speed exactly."""
    values = {2**a * 5**b for a in range(0, 24) for b in range(0, 12)}
    return sorted(v * 10**6 for v in values if v <= 10**7)


def _fits(unit: int, b: Bounds) -> bool:
    return max(b.explicit_values, default=0) / unit <= FRR_MAX_SET_VALUE and b.max_sum / unit < MAX_UNITS_SUM


def choose_scale(intent: Intent, wiring: Wiring) -> Scale:
    b = bounds(intent, wiring)
    has_frr = any(intent.hardware[n.hardware].platform == "frr" for n in wiring.nodes.values())
    configured = intent.link_bandwidth.frr_unit
    if configured != "auto":
        exact = all(v % configured == 0 for v in b.explicit_values)
        return Scale(int(configured), exact, True, b)
    if not has_frr:
        return Scale(10**6, True, False, b)
    candidates = _candidate_units()
    for unit in candidates:
        if _fits(unit, b) and all(v % unit == 0 for v in b.explicit_values):
            return Scale(unit, True, True, b)
    for unit in candidates:  # no exact unit within FRR's limits: round, and say so (validators warn)
        if _fits(unit, b):
            return Scale(unit, False, True, b)
    return Scale(candidates[-1], False, True, b)


# --------------------------------------------------------------------------- platform encodings


def global_admin(asn: int) -> int:
    return asn if asn <= 0xFFFF else AS_TRANS


_EOS_SUFFIXES = (("G", 10**9), ("M", 10**6), ("K", 10**3))


def eos_lbw(bps: int) -> str:
    """EOS `set extcommunity lbw` value: a plain number of bits per second or `nn.nn` with K, M or G.

    EOS has no T suffix, so 1.6 Tbps is written 1600G (EOS User Manual, "set extcommunity (route-map)":
    the lbw value is `0-4294967295` or `nn.nn(K|M|G)`). The largest suffix that keeps a whole number or two
    decimals is used; anything finer is written as the plain number.
    """
    for suffix, factor in _EOS_SUFFIXES:
        if bps >= factor and (bps * 100) % factor == 0:
            value = Decimal(bps) / factor
            return f"{value.normalize():f}{suffix}"
    return str(bps)


def encode_value(platform: str, bps: int, scale: Scale, asn: int) -> str:
    """A fixed link-bandwidth value in the platform's own syntax and unit."""
    units = scale.units(bps) if scale.scaled else 0
    wire_bps = units * 10**6 if scale.scaled else bps
    if platform == "frr":
        return str(units if scale.scaled else max(1, bps // 10**6))  # Mbps
    if platform == "eos":
        return eos_lbw(wire_bps)  # bits per second: a plain number or a K/M/G suffix (no T)
    if platform == "iosxr":
        return f"{global_admin(asn)}:{wire_bps}"  # bits per second in an extcommunity-set bandwidth
    if platform == "junos":
        return f"bandwidth:{global_admin(asn)}:{wire_bps // 8}"  # bytes per second
    raise ValueError(f"unknown platform {platform}")

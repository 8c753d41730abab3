"""Semantic checks on the intent itself: references, plane numbers, pairs, pools, ASN ranges.

These run before anything is expanded, so that the wiring and the compiler can rely on every
reference resolving and every index being in range.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from typing import Generic, TypeVar

from generator.catalogue import CATALOGUE
from generator.compile.ports import lanes_for
from generator.compile.wiring import fabric_uplink_speed, inter_region_speed
from generator.findings import FieldPath, Finding, Severity, format_path, located
from generator.intent.loader import LoadedIntent
from generator.intent.schema import Hardware, Intent, reserved_range
from generator.units import speed_token

PRIVATE_ASNS = ((64512, 65534), (4200000000, 4294967294))  # RFC 6996
FRR_MAX_PATHS = 256
# The whole network, counted before anything is expanded: 20x intent/prometheus.yaml (12,672 devices,
# about 120,000 links), far above any real BAG network and far below what exhausts a build machine.
MAX_DEVICES = 250_000
MAX_LINKS = 2_500_000

# Finding codes raised here for the first time (issue 13); the catalogue takes them from this table.


def finding(
    loaded: LoadedIntent,
    code: str,
    path: FieldPath,
    message: str,
    hint: str = "",
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A located finding; without a hint of its own it carries the catalogue's fix for its code."""
    return located(loaded.source, code, path, message, hint or CATALOGUE[code].fix, severity)


def repeated(keys: Iterable[Hashable]) -> Iterator[tuple[int, int]]:
    """(index, index of its first occurrence) of every key seen before: an entry listed twice in a list
    where the device keeps only one (an override, a user, a server)."""
    first: dict[Hashable, int] = {}
    for n, key in enumerate(keys):
        if key in first:
            yield n, first[key]
        first.setdefault(key, n)


def check_intent(loaded: LoadedIntent) -> list[Finding]:
    size = list(_size(loaded))
    if size:  # nothing below may iterate over counts this large
        return size
    return [
        *_names(loaded),
        *_breakouts(loaded),
        *_fabric_prefixes(loaded),
        *_references(loaded),
        *_planes(loaded),
        *_overrides(loaded),
        *_pairs(loaded),
        *_speeds(loaded),
        *_pools(loaded),
        *_asns(loaded),
        *_bgp(loaded),
    ]


def network_size(intent: Intent) -> tuple[int, int]:
    """(devices, links) of the intent, by arithmetic only."""
    devices = links = 0
    regions = {r.name: r for r in intent.regions}
    for region in intent.regions:
        devices += region.bag.planes * region.bag.switches_per_plane
        for fabric in region.fabrics:
            switches = region.bag.planes * fabric.switches_per_plane
            devices += switches
            links += switches * fabric.uplinks_per_switch
    for pair in intent.inter_region:
        first = regions.get(pair.between[0])
        if first is not None:
            links += first.bag.planes * first.bag.switches_per_plane * pair.links_per_switch
    return devices, links


def _size(loaded: LoadedIntent) -> Iterator[Finding]:
    devices, links = network_size(loaded.intent)
    hint = CATALOGUE["BAG220"].fix
    if devices > MAX_DEVICES:
        yield finding(
            loaded,
            "BAG220",
            ("regions",),
            f"the intent describes {devices:,} devices; the limit is {MAX_DEVICES:,}",
            hint,
        )
    if links > MAX_LINKS:
        yield finding(
            loaded, "BAG220", ("regions",), f"the intent describes {links:,} links; the limit is {MAX_LINKS:,}", hint
        )


def _breakouts(loaded: LoadedIntent) -> Iterator[Finding]:
    for name, hw in loaded.intent.hardware.items():
        for k, breakout in enumerate(hw.breakouts):
            total = breakout.lanes * breakout.speed
            if total > hw.port_speed:
                yield finding(
                    loaded,
                    "BAG222",
                    ("hardware", name, "breakouts", k),
                    f"{breakout.lanes}x{speed_token(breakout.speed)} is {speed_token(total)}, more than the "
                    f"{speed_token(hw.port_speed)} port it splits",
                    CATALOGUE["BAG222"].fix,
                )


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")


class PrefixIndex(Generic[T]):
    """Prefixes with an item each, answering "which stored prefix overlaps this one?" in constant time.

    CIDR blocks are nested or disjoint, so a prefix overlaps a stored one exactly when the stored one
    contains it or lies inside it; both are dictionary lookups at the prefix lengths in use (`lengths`:
    every length that is stored or looked up), so checking n prefixes against each other is linear in n
    (an intent may list tens of thousands) instead of the n^2 of comparing every pair."""

    def __init__(self, prefixes: Iterable[IPNetwork]) -> None:
        lengths: dict[int, set[int]] = {4: set(), 6: set()}
        for prefix in prefixes:
            lengths[prefix.version].add(prefix.prefixlen)
        self._lengths = {version: sorted(found) for version, found in lengths.items()}
        self._exact: dict[tuple[int, int, int], T] = {}  # a stored prefix
        self._inside: dict[tuple[int, int, int], T] = {}  # a block that contains a stored prefix

    @staticmethod
    def _key(prefix: IPNetwork, length: int) -> tuple[int, int, int]:
        return prefix.version, int(prefix.network_address) >> (prefix.max_prefixlen - length), length

    def find(self, prefix: IPNetwork) -> T | None:
        """The item of the first stored prefix that equals, contains or lies inside `prefix`."""
        own = self._key(prefix, prefix.prefixlen)
        found = self._exact.get(own)
        if found is None:
            found = self._inside.get(own)
        if found is None:
            for length in self._lengths[prefix.version]:
                if length > prefix.prefixlen:
                    break
                found = self._exact.get(self._key(prefix, length))
                if found is not None:
                    break
        return found

    def add(self, prefix: IPNetwork, item: T) -> None:
        """Store `prefix` (an earlier item at the same prefix or block is kept)."""
        self._exact.setdefault(self._key(prefix, prefix.prefixlen), item)
        for length in self._lengths[prefix.version]:
            if length > prefix.prefixlen:
                break
            self._inside.setdefault(self._key(prefix, length), item)


def fabric_prefixes(intent: Intent) -> list[tuple[FieldPath, str, IPNetwork]]:
    """Every prefix a fabric announces, with the field it is written in and the fabric's name."""
    return [
        (("regions", i, "fabrics", j, "prefixes", k), fabric.name, prefix)
        for i, region in enumerate(intent.regions)
        for j, fabric in enumerate(region.fabrics)
        for k, prefix in enumerate(fabric.prefixes)
    ]


def _fabric_prefixes(loaded: LoadedIntent) -> Iterator[Finding]:
    """Every prefix a fabric announces is unique network-wide: two fabrics announcing the same or
    nested prefixes (in one region or in two) would attract each other's traffic."""
    entries = fabric_prefixes(loaded.intent)
    index: PrefixIndex[tuple[FieldPath, str, IPNetwork]] = PrefixIndex(p for _, _, p in entries)
    for path, name, prefix in entries:
        other = index.find(prefix)
        if other is not None:
            other_path, other_fabric, other_prefix = other
            where = loaded.source.locate(other_path)
            relation = "is the same as" if prefix == other_prefix else "overlaps"
            yield finding(
                loaded,
                "BAG221",
                path,
                f"{prefix} {relation} {other_prefix} of fabric {other_fabric}" + (f" ({where})" if where else ""),
                CATALOGUE["BAG221"].fix,
            )
        index.add(prefix, (path, name, prefix))


def _names(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    seen = Counter(r.name for r in intent.regions)
    for i, region in enumerate(intent.regions):
        if seen[region.name] > 1:
            yield finding(
                loaded,
                "BAG010",
                ("regions", i, "name"),
                f"region name '{region.name}' is used twice",
                "give every region a unique name",
            )
    fabrics = Counter(f.name for r in intent.regions for f in r.fabrics)
    for i, region in enumerate(intent.regions):
        for j, fabric in enumerate(region.fabrics):
            if fabrics[fabric.name] > 1:
                yield finding(
                    loaded,
                    "BAG010",
                    ("regions", i, "fabrics", j, "name"),
                    f"fabric name '{fabric.name}' is used twice",
                    "fabric names prefix device names and must be unique across regions",
                )


def _references(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    known = ", ".join(sorted(intent.hardware))
    for i, region in enumerate(intent.regions):
        if region.bag.hardware not in intent.hardware:
            yield finding(
                loaded,
                "BAG011",
                ("regions", i, "bag", "hardware"),
                f"unknown hardware profile '{region.bag.hardware}'",
                f"define it under hardware (known: {known})",
            )
        for j, fabric in enumerate(region.fabrics):
            if fabric.hardware not in intent.hardware:
                yield finding(
                    loaded,
                    "BAG011",
                    ("regions", i, "fabrics", j, "hardware"),
                    f"unknown hardware profile '{fabric.hardware}'",
                    f"define it under hardware (known: {known})",
                )
    names = {r.name for r in intent.regions}
    for k, pair in enumerate(intent.inter_region):
        for side, name in enumerate(pair.between):
            if name not in names:
                yield finding(
                    loaded,
                    "BAG011",
                    ("inter_region", k, "between", side),
                    f"unknown region '{name}'",
                    f"regions are: {', '.join(sorted(names))}",
                )
        for m, over in enumerate(pair.link_overrides):
            if over.region not in pair.between:
                yield finding(
                    loaded,
                    "BAG011",
                    ("inter_region", k, "link_overrides", m, "region"),
                    f"region '{over.region}' is not part of this pair ({' / '.join(pair.between)})",
                    f"name one of {' or '.join(pair.between)}",
                )


def _in_range(value: int, limit: int) -> bool:
    return 1 <= value <= limit


def _planes(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    for i, region in enumerate(intent.regions):
        bag = region.bag
        for j, plane in enumerate(bag.drained_planes):
            if not _in_range(plane, bag.planes):
                yield finding(
                    loaded,
                    "BAG012",
                    ("regions", i, "bag", "drained_planes", j),
                    f"plane {plane} does not exist (region {region.name} has planes 1-{bag.planes})",
                    f"drain only planes 1-{bag.planes}",
                )
        for j, rule in enumerate(bag.placement):
            for k, plane in enumerate(rule.planes):
                if not _in_range(plane, bag.planes):
                    yield finding(
                        loaded,
                        "BAG012",
                        ("regions", i, "bag", "placement", j, "planes", k),
                        f"plane {plane} does not exist (planes 1-{bag.planes})",
                    )
            for k, switch in enumerate(rule.switches):
                if not _in_range(switch, bag.switches_per_plane):
                    yield finding(
                        loaded,
                        "BAG012",
                        ("regions", i, "bag", "placement", j, "switches", k),
                        f"switch {switch} does not exist (switches 1-{bag.switches_per_plane} per plane)",
                    )
        for j, fabric in enumerate(region.fabrics):
            for k, over in enumerate(fabric.link_overrides):
                base = ("regions", i, "fabrics", j, "link_overrides", k)
                if not _in_range(over.plane, bag.planes):
                    yield finding(
                        loaded, "BAG012", (*base, "plane"), f"plane {over.plane} does not exist (1-{bag.planes})"
                    )
                if not _in_range(over.fabric_switch, fabric.switches_per_plane):
                    yield finding(
                        loaded,
                        "BAG012",
                        (*base, "fabric_switch"),
                        f"fabric switch {over.fabric_switch} does not exist (1-{fabric.switches_per_plane})",
                    )
                if not _in_range(over.bag_switch, bag.switches_per_plane):
                    yield finding(
                        loaded,
                        "BAG012",
                        (*base, "bag_switch"),
                        f"BAG switch {over.bag_switch} does not exist (1-{bag.switches_per_plane})",
                    )
    regions = {r.name: r for r in intent.regions}
    for k, pair in enumerate(intent.inter_region):
        for m, iover in enumerate(pair.link_overrides):
            pair_region = regions.get(iover.region)
            if pair_region is None:
                continue
            ibase = ("inter_region", k, "link_overrides", m)
            if not _in_range(iover.plane, pair_region.bag.planes):
                yield finding(
                    loaded,
                    "BAG012",
                    (*ibase, "plane"),
                    f"plane {iover.plane} does not exist (1-{pair_region.bag.planes})",
                )
            if not _in_range(iover.switch, pair_region.bag.switches_per_plane):
                yield finding(
                    loaded,
                    "BAG012",
                    (*ibase, "switch"),
                    f"switch {iover.switch} does not exist (1-{pair_region.bag.switches_per_plane})",
                )
            if pair.topology == "spread" and iover.region != pair.between[0]:
                yield finding(
                    loaded,
                    "BAG012",
                    (*ibase, "region"),
                    "with spread wiring an override sets the total links of a switch of the first region",
                    f"name a switch of '{pair.between[0]}'",
                )


def _overrides(loaded: LoadedIntent) -> Iterator[Finding]:
    """One override per switch pair (fabric) or BAG switch (inter-region): with two, one silently wins."""
    intent = loaded.intent
    lists: list[tuple[FieldPath, list[tuple[object, ...]], str]] = []
    for i, region in enumerate(intent.regions):
        for j, fabric in enumerate(region.fabrics):
            keys: list[tuple[object, ...]] = [(o.plane, o.fabric_switch, o.bag_switch) for o in fabric.link_overrides]
            lists.append(
                (("regions", i, "fabrics", j, "link_overrides"), keys, "plane {} fabric switch {} BAG switch {}")
            )
    for k, pair in enumerate(intent.inter_region):
        pair_keys: list[tuple[object, ...]] = [(o.region, o.plane, o.switch) for o in pair.link_overrides]
        lists.append((("inter_region", k, "link_overrides"), pair_keys, "region {} plane {} switch {}"))
    for base, keys, what in lists:
        for n, earlier in repeated(keys):
            yield finding(
                loaded,
                "BAG224",
                (*base, n),
                f"{what.format(*keys[n])} is overridden twice (also {format_path((*base, earlier))})",
                "keep one entry with the link count you mean",
            )


def _pairs(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    regions = {r.name: r for r in intent.regions}
    seen: set[frozenset[str]] = set()
    for k, pair in enumerate(intent.inter_region):
        a, b = pair.between
        if a == b:
            yield finding(
                loaded,
                "BAG014",
                ("inter_region", k, "between"),
                f"a region cannot pair with itself ({a})",
                "name two different regions in between",
            )
            continue
        key = frozenset(pair.between)
        if key in seen:
            yield finding(
                loaded,
                "BAG014",
                ("inter_region", k, "between"),
                f"the pair {a} / {b} is defined twice",
                "merge the two entries; one entry describes all links of a region pair",
            )
        seen.add(key)
        if a in regions and b in regions:
            ra, rb = regions[a].bag, regions[b].bag
            shape_a, shape_b = (ra.planes, ra.switches_per_plane), (rb.planes, rb.switches_per_plane)
            if pair.topology == "planar" and shape_a != shape_b:
                yield finding(
                    loaded,
                    "BAG013",
                    ("inter_region", k, "topology"),
                    f"planar wiring needs the same BAG shape on both sides: {a} has "
                    f"{shape_a[0]} planes x {shape_a[1]} switches, {b} has {shape_b[0]} x {shape_b[1]}",
                    "use topology: spread, or give both regions the same planes and switches_per_plane",
                )
            if (
                pair.topology == "spread"
                and pair.spread_width
                and pair.spread_width > rb.planes * rb.switches_per_plane
            ):
                yield finding(
                    loaded,
                    "BAG013",
                    ("inter_region", k, "spread_width"),
                    f"spread_width {pair.spread_width} exceeds the {rb.planes * rb.switches_per_plane} "
                    f"BAG switches of {b}",
                    f"use at most {rb.planes * rb.switches_per_plane}, or leave spread_width out",
                )


def _speed_problem(hw: Hardware, speed: int) -> str:
    if lanes_for(hw, speed) is not None:
        return ""
    options = [speed_token(hw.port_speed), *(f"{b.lanes}x{speed_token(b.speed)}" for b in hw.breakouts)]
    return f"runs {speed_token(speed)} links but its ports support {', '.join(options)}"


def _speeds(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    regions = {r.name: r for r in intent.regions}
    for i, region in enumerate(intent.regions):
        bag_hw = intent.hardware.get(region.bag.hardware)
        for j, fabric in enumerate(region.fabrics):
            fab_hw = intent.hardware.get(fabric.hardware)
            speed = fabric_uplink_speed(fabric, intent)
            for who, hw in (
                (f"BAG hardware '{region.bag.hardware}'", bag_hw),
                (f"fabric hardware '{fabric.hardware}'", fab_hw),
            ):
                problem = _speed_problem(hw, speed) if hw else ""
                if problem:
                    yield finding(
                        loaded,
                        "BAG031",
                        ("regions", i, "fabrics", j, "uplink_speed"),
                        f"{who} {problem}",
                        "set uplink_speed to a supported speed or add a breakout",
                    )
            if fab_hw and lanes_for(fab_hw, fabric.downlinks.speed) is None:
                yield finding(
                    loaded,
                    "BAG031",
                    ("regions", i, "fabrics", j, "downlinks", "speed"),
                    f"fabric hardware '{fabric.hardware}' {_speed_problem(fab_hw, fabric.downlinks.speed)}",
                )
    for k, pair in enumerate(intent.inter_region):
        if not all(name in regions for name in pair.between):
            continue
        speed = inter_region_speed(pair, intent, regions[pair.between[0]])
        for name in pair.between:
            hw = intent.hardware.get(regions[name].bag.hardware)
            problem = _speed_problem(hw, speed) if hw else ""
            if problem:
                yield finding(
                    loaded,
                    "BAG031",
                    ("inter_region", k, "speed"),
                    f"the BAG hardware of {name} {problem}; both ends of a link must run the same speed",
                    "set speed to one both BAG profiles support",
                )


def address_pools(intent: Intent) -> list[tuple[FieldPath, IPNetwork]]:
    """Every address pool of the intent with the field it is written in: the shared management pool
    (when a region draws from it), then each region's link, loopback and management pools, then each
    region pair's link pools."""
    pools: list[tuple[FieldPath, IPNetwork]] = []
    m = intent.management
    if m is not None and m.ipv4_pool is not None and any(r.addressing.management_ipv4 is None for r in intent.regions):
        pools.append((("management", "ipv4_pool"), m.ipv4_pool))
    for i, region in enumerate(intent.regions):
        for key in ("p2p_ipv4", "p2p_ipv6", "loopback_ipv4", "loopback_ipv6", "management_ipv4"):
            net = getattr(region.addressing, key)
            if net is not None:
                pools.append((("regions", i, "addressing", key), net))
    for k, pair in enumerate(intent.inter_region):
        for key in ("p2p_ipv4", "p2p_ipv6"):
            net = getattr(pair.addressing, key)
            if net is not None:
                pools.append((("inter_region", k, "addressing", key), net))
    return pools


_RESERVED_HINT = "use private space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or a ULA (fd00::/8)"


def _pools(loaded: LoadedIntent) -> Iterator[Finding]:
    """Pools are disjoint from each other and from every fabric prefix, and none lies in a reserved range.

    Overlaps are found with a PrefixIndex (linear in the pools: a mesh of 120 regions has 7,000 pair pools);
    a pool is reported once, at the pool written after the one it overlaps."""
    intent = loaded.intent
    for i, region in enumerate(intent.regions):
        if not region.addressing.p2p_ipv4 and not region.addressing.p2p_ipv6:
            yield finding(
                loaded,
                "BAG020",
                ("regions", i, "addressing"),
                f"region {region.name} has no p2p pool, so its links get no addresses",
                "set p2p_ipv4 and/or p2p_ipv6",
            )
    for k, pair in enumerate(intent.inter_region):
        if not pair.addressing.p2p_ipv4 and not pair.addressing.p2p_ipv6:
            yield finding(
                loaded,
                "BAG020",
                ("inter_region", k, "addressing"),
                "this region pair has no p2p pool",
                "set p2p_ipv4 and/or p2p_ipv6",
            )
    pools = address_pools(intent)
    prefixes = [(path, prefix) for path, _, prefix in fabric_prefixes(intent)]
    index: PrefixIndex[tuple[FieldPath, IPNetwork]] = PrefixIndex(net for _, net in [*pools, *prefixes])
    for path, net in pools:
        reserved = reserved_range(net)
        if reserved is not None:
            yield finding(
                loaded,
                "BAG021",
                path,
                f"{net} overlaps the reserved range {reserved[0]} ({reserved[1]})",
                _RESERVED_HINT,
            )
        limit = 31 if net.version == 4 else 127
        if str(path[-1]).startswith("p2p") and net.prefixlen > limit:
            yield finding(
                loaded,
                "BAG020",
                path,
                f"{net} cannot hold a single /{limit} link",
                f"use a /{limit} or shorter prefix (one link needs a /{limit})",
            )
        other = index.find(net)
        if other is not None:
            yield finding(
                loaded,
                "BAG021",
                path,
                f"{net} overlaps {other[1]} ({format_path(other[0])})",
                "every pool must be disjoint from every other pool",
            )
        index.add(net, (path, net))
    for path, prefix in prefixes:
        reserved = reserved_range(prefix)
        if reserved is not None:
            yield finding(
                loaded,
                "BAG021",
                path,
                f"fabric prefix {prefix} overlaps the reserved range {reserved[0]} ({reserved[1]})",
                _RESERVED_HINT,
            )
        other = index.find(prefix)
        if other is not None:
            yield finding(
                loaded,
                "BAG021",
                path,
                f"fabric prefix {prefix} overlaps the pool {other[1]} ({format_path(other[0])})",
                "a fabric announces its own prefixes: keep them apart from the link, loopback and management pools",
            )


def _private(asn: int) -> bool:
    return any(lo <= asn <= hi for lo, hi in PRIVATE_ASNS)


def asn_counts(intent: Intent) -> tuple[int, int]:
    """How many ASNs the BAG and fabric scopes consume (for range checks)."""
    plan = intent.asn
    bag = {
        "region": len(intent.regions),
        "plane": sum(r.bag.planes for r in intent.regions),
        "switch": sum(r.bag.planes * r.bag.switches_per_plane for r in intent.regions),
    }[plan.bag_scope]
    per_region = []
    for r in intent.regions:
        per_region.append(
            {
                "fabric": len(r.fabrics),
                "plane": len(r.fabrics) * r.bag.planes,
                "switch": sum(f.switches_per_plane * r.bag.planes for f in r.fabrics),
            }[plan.fabric_scope]
        )
    fabric = max(per_region, default=0) if plan.reuse_fabric_asns_across_regions else sum(per_region)
    return bag, fabric


def _asns(loaded: LoadedIntent) -> Iterator[Finding]:
    plan = loaded.intent.asn
    bag_n, fabric_n = asn_counts(loaded.intent)
    ranges = {
        "bag_base": (plan.bag_base, plan.bag_base + bag_n - 1),
        "fabric_base": (plan.fabric_base, plan.fabric_base + fabric_n - 1),
    }
    for key, (lo, hi) in ranges.items():
        if not (_private(lo) and _private(hi) and (lo <= 65534) == (hi <= 65534)):
            yield finding(
                loaded,
                "BAG022",
                ("asn", key),
                f"ASNs {lo}-{hi} ({hi - lo + 1} needed) leave the private ranges 64512-65534 and "
                "4200000000-4294967294 (RFC 6996)",
                "use a 4-byte private base such as 4200000000, or a narrower scope",
            )
    (a_lo, a_hi), (b_lo, b_hi) = ranges.values()
    if a_lo <= b_hi and b_lo <= a_hi:
        yield finding(
            loaded,
            "BAG022",
            ("asn", "fabric_base"),
            f"fabric ASNs {b_lo}-{b_hi} overlap BAG ASNs {a_lo}-{a_hi}",
            "move fabric_base past the BAG range",
        )


def _bgp(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    uses_frr = {h.platform for h in intent.hardware.values()} & {"frr"}
    if uses_frr and intent.bgp.maximum_paths > FRR_MAX_PATHS:
        yield finding(
            loaded,
            "BAG041",
            ("bgp", "maximum_paths"),
            f"maximum_paths {intent.bgp.maximum_paths} exceeds FRR's limit of {FRR_MAX_PATHS}",
            f"use at most {FRR_MAX_PATHS}",
        )

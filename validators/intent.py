"""Semantic checks on the intent itself: references, plane numbers, pairs, pools, ASN ranges.

These run before anything is expanded, so that the wiring and the compiler can rely on every
reference resolving and every index being in range.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterator

from generator.catalogue import CATALOGUE
from generator.compile.ports import lanes_for
from generator.compile.wiring import fabric_uplink_speed, inter_region_speed
from generator.findings import Finding, Severity, located
from generator.intent.loader import LoadedIntent
from generator.intent.schema import Hardware, Intent
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
    path: tuple[str | int, ...],
    message: str,
    hint: str = "",
    severity: Severity = Severity.ERROR,
) -> Finding:
    return located(loaded.source, code, path, message, hint, severity)


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


def _fabric_prefixes(loaded: LoadedIntent) -> Iterator[Finding]:
    """Every prefix a fabric announces is unique network-wide: two fabrics announcing the same or
    nested prefixes (in one region or in two) would attract each other's traffic.

    CIDR blocks are nested or disjoint, so a prefix overlaps an earlier one exactly when the earlier one
    contains it or lies inside it; both are dictionary lookups at the prefix lengths the intent uses
    (linear in the prefixes: an intent may list tens of thousands)."""
    entries = [
        (("regions", i, "fabrics", j, "prefixes", k), fabric.name, prefix)
        for i, region in enumerate(loaded.intent.regions)
        for j, fabric in enumerate(region.fabrics)
        for k, prefix in enumerate(fabric.prefixes)
    ]
    lengths = {v: sorted({p.prefixlen for _, _, p in entries if p.version == v}) for v in (4, 6)}
    exact: dict[tuple[int, int, int], tuple[tuple[str | int, ...], str, IPNetwork]] = {}  # a stored prefix
    inside: dict[tuple[int, int, int], tuple[tuple[str | int, ...], str, IPNetwork]] = {}  # contains a stored one
    for path, name, prefix in entries:
        version, bits, address = prefix.version, prefix.max_prefixlen, int(prefix.network_address)

        def key(length: int, version: int = version, bits: int = bits, address: int = address) -> tuple[int, int, int]:
            return version, address >> (bits - length), length

        other = (
            exact.get(key(prefix.prefixlen))
            or inside.get(key(prefix.prefixlen))
            or next((exact[k] for k in map(key, lengths[version]) if k[2] <= prefix.prefixlen and k in exact), None)
        )
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
        entry = (path, name, prefix)
        exact.setdefault(key(prefix.prefixlen), entry)
        for length in lengths[version]:
            if length <= prefix.prefixlen:
                inside.setdefault(key(length), entry)


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


def _pairs(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    regions = {r.name: r for r in intent.regions}
    seen: set[frozenset[str]] = set()
    for k, pair in enumerate(intent.inter_region):
        a, b = pair.between
        if a == b:
            yield finding(loaded, "BAG014", ("inter_region", k, "between"), f"a region cannot pair with itself ({a})")
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


def _pools(loaded: LoadedIntent) -> Iterator[Finding]:
    intent = loaded.intent
    pools: list[tuple[tuple[str | int, ...], ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for i, region in enumerate(intent.regions):
        a = region.addressing
        base = ("regions", i, "addressing")
        if not a.p2p_ipv4 and not a.p2p_ipv6:
            yield finding(
                loaded,
                "BAG020",
                base,
                f"region {region.name} has no p2p pool, so its links get no addresses",
                "set p2p_ipv4 and/or p2p_ipv6",
            )
        for key in ("p2p_ipv4", "p2p_ipv6", "loopback_ipv4", "loopback_ipv6"):
            net = getattr(a, key)
            if net is not None:
                pools.append(((*base, key), net))
    for k, pair in enumerate(intent.inter_region):
        base = ("inter_region", k, "addressing")
        if not pair.addressing.p2p_ipv4 and not pair.addressing.p2p_ipv6:
            yield finding(loaded, "BAG020", base, "this region pair has no p2p pool", "set p2p_ipv4 and/or p2p_ipv6")
        for key in ("p2p_ipv4", "p2p_ipv6"):
            net = getattr(pair.addressing, key)
            if net is not None:
                pools.append(((*base, key), net))
    for path, net in pools:
        if net.version == 6 and (
            net.subnet_of(ipaddress.IPv6Network("::/96")) or net.overlaps(ipaddress.IPv6Network("::ffff:0:0/96"))
        ):
            yield finding(
                loaded,
                "BAG021",
                path,
                f"{net} lies in the IPv4-compatible/mapped range",
                "use a ULA (fd00::/8) or global prefix",
            )
        limit = 31 if net.version == 4 else 127
        if str(path[-1]).startswith("p2p") and net.prefixlen > limit:
            yield finding(loaded, "BAG020", path, f"{net} cannot hold a single /{limit} link")
    for x in range(len(pools)):
        for y in range(x + 1, len(pools)):
            (pa, na), (pb, nb) = pools[x], pools[y]
            if na.version == nb.version and na.overlaps(nb):
                yield finding(
                    loaded,
                    "BAG021",
                    pb,
                    f"{nb} overlaps {na} ({'.'.join(map(str, pa))})",
                    "every pool must be disjoint from every other pool",
                )
    for i, region in enumerate(intent.regions):
        for j, fabric in enumerate(region.fabrics):
            for k, prefix in enumerate(fabric.prefixes):
                for _path, net in pools:
                    if prefix.version == net.version and prefix.overlaps(net):
                        yield finding(
                            loaded,
                            "BAG021",
                            ("regions", i, "fabrics", j, "prefixes", k),
                            f"fabric prefix {prefix} overlaps the pool {net}",
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

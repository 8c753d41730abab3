"""Physical checks on the wiring and layout: ports per chassis and address pool sizes.

Problems are reported once per layer (a region's BAG, a fabric, a region pair) with the worst
device and a count, not once per device: ten thousand identical lines help nobody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.compile.addressing import loopback_pools, p2p_pools
from generator.compile.layout import Layout
from generator.compile.ports import lanes_for, ports_needed
from generator.compile.wiring import Wiring
from generator.findings import Finding
from generator.intent.loader import LoadedIntent
from generator.validators.intent import finding


def port_usage(loaded: LoadedIntent, wiring: Wiring) -> dict[str, tuple[int, int, int]]:
    """Per device: (ports toward fabrics or BAG, ports toward other regions / downlinks, ports available)."""
    intent = loaded.intent
    fabrics = {f.name: f for r in intent.regions for f in r.fabrics}
    usage: dict[str, tuple[int, int, int]] = {}
    needed: dict[tuple[str, tuple[int, ...]], int] = {}  # thousands of switches share a shape

    def ports_for(hardware: str, speeds: tuple[int, ...]) -> int:
        key = (hardware, speeds)
        if key not in needed:
            needed[key] = ports_needed(intent.hardware[hardware], speeds)
        return needed[key]

    for name, node in wiring.nodes.items():
        hw = intent.hardware[node.hardware]
        links = [wiring.links[i] for i in wiring.links_of[name]]
        front = ports_for(node.hardware, tuple([link.speed for link in links if link.kind == "fabric"]))
        if node.role == "bag":
            other = ports_for(node.hardware, tuple([link.speed for link in links if link.kind == "inter"]))
        else:
            down = fabrics[node.fabric].downlinks
            other = -(-down.count // (lanes_for(hw, down.speed) or 1))
        usage[name] = (front, other, hw.ports)
    return usage


def check_ports(loaded: LoadedIntent, wiring: Wiring) -> Iterator[Finding]:
    intent = loaded.intent
    over: dict[tuple[str, str], list[tuple[str, int, int, int]]] = defaultdict(list)
    for name, (front, other, available) in port_usage(loaded, wiring).items():
        if front + other > available:
            node = wiring.nodes[name]
            over[(node.region, node.fabric)].append((name, front, other, available))
    index = {r.name: i for i, r in enumerate(intent.regions)}
    for (region, fabric), devices in sorted(over.items()):
        name, front, other, available = max(devices, key=lambda d: d[1] + d[2])
        i = index[region]
        r = intent.regions[i]
        more = f" (and {len(devices) - 1} more switches of this layer)" if len(devices) > 1 else ""
        if not fabric:
            hw = intent.hardware[r.bag.hardware]
            yield finding(
                loaded,
                "BAG030",
                ("regions", i, "bag", "hardware"),
                f"{name} needs {front + other} ports ({front} toward fabrics, {other} toward other regions) "
                f"but '{r.bag.hardware}' has {available} ({hw.line_cards} line cards x "
                f"{hw.ports_per_line_card}){more}",
                "use a larger chassis, more BAG switches per plane, or fewer links per switch",
            )
        else:
            j = next(k for k, f in enumerate(r.fabrics) if f.name == fabric)
            yield finding(
                loaded,
                "BAG030",
                ("regions", i, "fabrics", j, "uplinks_per_switch"),
                f"{name} needs {front + other} ports ({front} uplinks, {other} downlinks) but its hardware "
                f"has {available}{more}",
                "lower uplinks_per_switch or downlinks.count",
            )


def check_pools(loaded: LoadedIntent, wiring: Wiring, lay: Layout) -> Iterator[Finding]:
    intent = loaded.intent
    used: dict[str, int] = defaultdict(int)  # pool scope -> highest slot + 1
    for link, slot in zip(wiring.links, lay.slot, strict=True):
        used[link.pool] = max(used[link.pool], slot + 1)
    paths: dict[str, tuple[str | int, ...]] = {
        r.name: ("regions", i, "addressing") for i, r in enumerate(intent.regions)
    }
    paths |= {
        f"{p.between[0]}~{p.between[1]}": ("inter_region", k, "addressing") for k, p in enumerate(intent.inter_region)
    }
    for scope, pools in p2p_pools(intent).items():
        for key, pool in (("p2p_ipv4", pools.ipv4), ("p2p_ipv6", pools.ipv6)):
            if pool is not None and used[scope] > pool.capacity:
                missing = 2 * (used[scope] - pool.capacity)
                need = (2 * used[scope] - 1).bit_length()
                width = 32 if pool.network.version == 4 else 128
                yield finding(
                    loaded,
                    "BAG020",
                    (*paths[scope], key),
                    f"pool {pool.network} is too small: its links need {2 * used[scope]} addresses, "
                    f"{missing} more than the pool's {2 * pool.capacity}",
                    f"use a /{width - need} or larger (addresses follow BAG ports, so the pool must cover "
                    "every port of every BAG switch that carries links of this scope)",
                )
    counts: dict[str, int] = defaultdict(int)
    for node in wiring.nodes.values():
        counts[node.region] += 1
    for i, region in enumerate(intent.regions):
        v4, v6 = loopback_pools(intent)[region.name]
        for key, lpool in (("loopback_ipv4", v4), ("loopback_ipv6", v6)):
            if lpool is not None and counts[region.name] > lpool.capacity:
                yield finding(
                    loaded,
                    "BAG020",
                    ("regions", i, "addressing", key),
                    f"pool {lpool.network} is too small: {counts[region.name]} devices need loopbacks, "
                    f"{counts[region.name] - lpool.capacity} more than it holds",
                )

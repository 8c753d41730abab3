"""Checks on the plan: decisions that hold network-wide, verified in O(links) with plain ints.

These gate every build. Address uniqueness follows from disjoint pools (generator.validators.intent) plus
unique (pool, slot) pairs checked here, so no address string has to be compared.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from operator import itemgetter

from generator.catalogue import CATALOGUE
from generator.compile.network import Plan
from generator.compile.policy import TOWARD_BAG
from generator.findings import Finding, Severity
from generator.intent.loader import LoadedIntent
from generator.units import format_bps
from generator.validators.intent import finding

IOSXR_TRANSITIVE_LBW = (25, 1, 1)  # IOS-XR handles only non-transitive link bandwidth before 25.1.1
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"{};#!\\`]")


def check_plan(loaded: LoadedIntent, p: Plan) -> list[Finding]:
    return [*_slots(loaded, p), *_multipath(loaded, p), *_link_bandwidth(loaded, p), *_injection(p)]


def _slots(loaded: LoadedIntent, p: Plan) -> Iterator[Finding]:
    per_pool: dict[str, list[int]] = {}
    for pool, slot in zip(map(itemgetter(4), p.wiring.links), p.layout.slot, strict=True):  # 4: Link.pool
        per_pool.setdefault(pool, []).append(slot)
    if all(len(set(slots)) == len(slots) for slots in per_pool.values()):  # the rule: a set of ints is quick
        return
    seen = Counter(zip((link.pool for link in p.wiring.links), p.layout.slot, strict=True))
    for (pool, slot), count in seen.items():
        if count > 1:
            yield finding(
                loaded,
                "BAG023",
                (),
                f"{count} links of pool scope {pool} share address slot {slot}",
                "this is a generator bug: please report it with the intent",
            )


def multipath_widths(p: Plan) -> Counter[tuple[str, str]]:
    """Sessions per (device, peer class) and family: one multipath set for the prefixes behind the class."""
    view = {name: cls.key for name, cls in p.bag_view.items()}
    toward_bag = TOWARD_BAG.key
    keys: list[tuple[str, str]] = []
    append = keys.append
    for kind, a, b, _, _ in p.wiring.links:  # both ends of each link in turn: ties keep their order
        append((a, view[b]))
        append((b, view[a] if kind == "inter" else toward_bag))
    return Counter(keys)


def widest_multipath(p: Plan) -> int:
    """The largest value of `multipath_widths`, counted with a third less work: a fabric switch's
    links all lead to its plane's BAG switches (one set, as many paths as links), so only BAG
    switches' sessions are counted by peer class (at x4: 1.6 M link ends -> 1.1 M)."""
    view = {name: cls.key for name, cls in p.bag_view.items()}
    links, nodes = p.wiring.links, p.wiring.nodes
    a_end, b_end = itemgetter(1), itemgetter(2)  # LinkStub.a (a BAG switch), LinkStub.b
    inter = [link for link in links if link.kind == "inter"]
    bag_sets = Counter(zip(map(a_end, links), map(view.__getitem__, map(b_end, links)), strict=True))
    bag_sets.update(zip(map(b_end, inter), map(view.__getitem__, map(a_end, inter)), strict=True))
    fabric_sets = (len(mine) for name, mine in p.wiring.links_of.items() if nodes[name].role != "bag")
    return max(max(bag_sets.values(), default=0), max(fabric_sets, default=0))


def _multipath(loaded: LoadedIntent, p: Plan) -> Iterator[Finding]:
    limit = loaded.intent.bgp.maximum_paths
    if widest_multipath(p) > limit:  # then the full count, which names the device
        (device, cls), width = multipath_widths(p).most_common(1)[0]
        yield finding(
            loaded,
            "BAG041",
            ("bgp", "maximum_paths"),
            f"maximum_paths {limit} is below the {width} equal-cost sessions {device} has toward {cls}; "
            "the extra paths would carry no traffic",
            f"set maximum_paths to at least {width}",
        )
    if not loaded.intent.bgp.multipath_relax:
        asns: dict[tuple[str, str], set[int]] = defaultdict(set)
        asn, bag_view = p.layout.asn, p.bag_view
        for link in p.wiring.links:
            asns[(link.a, bag_view[link.b].key)].add(asn[link.b])
            asns[(link.b, bag_view[link.a].key if link.kind == "inter" else TOWARD_BAG.key)].add(asn[link.a])
        mixed = sorted(key for key, values in asns.items() if len(values) > 1)
        if mixed:
            yield finding(
                loaded,
                "BAG042",
                ("bgp", "multipath_relax"),
                f"{len(mixed)} multipath sets (e.g. {mixed[0][0]} toward {mixed[0][1]}) span different "
                "neighbour ASNs and need multipath relax",
                "set multipath_relax: true",
            )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _link_bandwidth(loaded: LoadedIntent, p: Plan) -> Iterator[Finding]:
    intent, scale = loaded.intent, p.scale
    lbw = intent.link_bandwidth
    if not lbw.enabled:
        return
    if not lbw.transitive:
        yield finding(
            loaded,
            "BAG050",
            ("link_bandwidth", "transitive"),
            "every BAG session is eBGP, and FRR 8.4 and Junos never send non-transitive extended "
            "communities to eBGP peers: UCMP would silently fall back to ECMP",
            "set transitive: true",
        )
    limits = scale.limits
    if scale.scaled:
        if limits is not None and (scale.max_value_units > limits.value or scale.max_sum_units >= limits.total):
            yield finding(
                loaded,
                "BAG051",
                ("link_bandwidth", "frr_unit"),
                f"with 1 encoded Mbps = {format_bps(scale.unit_bps, 3)} the largest value is "
                f"{scale.max_value_units:.0f} and the largest sum {scale.max_sum_units:.0f}; "
                f"{' and '.join(limits.by)} can set at most {limits.value:.0f} and decode sums only below "
                f"{limits.total:.0f}",
                "use frr_unit: auto, or a larger unit",
            )
        elif not scale.exact:
            yield finding(
                loaded,
                "BAG051",
                ("link_bandwidth", "frr_unit"),
                f"link speeds are not whole multiples of the link-bandwidth unit "
                f"({format_bps(scale.unit_bps, 3)}); values are rounded and weights may be off slightly",
                "set frr_unit to a speed every link speed is a whole multiple of (e.g. 100M), or auto",
                severity=Severity.WARNING,
            )
    for name, hw in intent.hardware.items():
        if hw.platform == "iosxr" and lbw.transitive and _version(hw.os_version or "0") < IOSXR_TRANSITIVE_LBW:
            yield finding(
                loaded,
                "BAG052",
                ("hardware", name, "os_version"),
                f"IOS-XR {hw.os_version or '(version not set)'} handles only non-transitive link bandwidth "
                "(transitive needs 25.1.1+), but eBGP needs the transitive community",
                "upgrade to IOS-XR 25.1.1 or later and set os_version",
            )


def _injection(p: Plan) -> Iterator[Finding]:
    """Defense in depth: strings that reach every config (intent strings were checked at load)."""
    for name, node in p.wiring.nodes.items():
        hw = p.intent.hardware[node.hardware]
        for field, value in (
            ("name", name),
            ("model", hw.model),
            ("os_version", hw.os_version),
            ("data_hall", node.data_hall),
            ("power_domain", node.power_domain),
        ):
            if _UNSAFE.search(value):
                yield Finding(
                    "BAG060",
                    f"{field} {value!r} contains a character that could alter the config",
                    hint=CATALOGUE["BAG060"].fix,
                    device=name,
                )

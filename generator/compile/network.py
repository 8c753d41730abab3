"""Compile: intent -> plan (global decisions) -> per-device models (`expand`, pure, parallel).

The plan holds what must be decided network-wide: wiring, ports, address slots, ASNs and the
link-bandwidth scale. Everything per link (interface names, addresses) is derived from it on first
use and cached in the process, and `expand` builds one device from the plan alone. So a build worker
that owns a shard of devices computes only the links of that shard, devices expand independently
(build, diff, post-checks), and both ends of a session always come from the same link entry.
"""

from __future__ import annotations

import gc
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from generator.compile.addressing import LoopbackPool, loopback_pools, p2p_pools
from generator.compile.bandwidth import Scale, choose_scale
from generator.compile.layout import Layout, layout
from generator.compile.mtu import interface_mtu
from generator.compile.policy import (
    TOWARD_BAG,
    PeerClass,
    PolicyContext,
    bag_policy,
    fabric_switch_policy,
    peer_group_name,
    seen_from_bag,
    splits_by_speed,
)
from generator.compile.system import MgmtPool, macsec_profile, management, management_pools
from generator.compile.wiring import Wiring, wire
from generator.intent.schema import Intent
from generator.model import (
    AddressFamily,
    Bfd,
    Bgp,
    Breakout,
    Device,
    Interface,
    Macsec,
    Management,
    Neighbor,
    Network,
    PortRef,
)
from generator.platforms import PLATFORMS


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building millions of small immutable tuples makes the cyclic GC rescan them over and over;
    none of them can form a cycle, so collection is paused while they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class LinkEnds(NamedTuple):
    """Names and bare addresses of both ends of a link ("" where the scope has no such pool)."""

    a_if: str
    b_if: str
    a_ipv4: str
    b_ipv4: str
    a_ipv6: str
    b_ipv6: str


@dataclass(slots=True)
class _Pool:
    base: int
    version: int


@dataclass(frozen=True, slots=True)
class Plan:
    intent: Intent
    wiring: Wiring
    layout: Layout
    loopback_pools: dict[str, tuple[LoopbackPool, LoopbackPool | None]]
    bag_view: dict[str, PeerClass]  # how a BAG switch classes each device as a peer
    _pools: dict[str, tuple[_Pool | None, _Pool | None]]
    _macsec: dict[str, str]
    mgmt_pools: dict[str, MgmtPool] = field(default_factory=dict)
    _ends: dict[int, LinkEnds] = field(default_factory=dict)  # per-process cache, filled on demand
    _mgmt: dict[tuple[str, str, str], Management] = field(default_factory=dict)
    _profiles: dict[tuple[str, str], Macsec] = field(default_factory=dict)
    _namers: dict[str, Callable[[PortRef, int], str]] = field(default_factory=dict)  # per-process, on demand
    _scaled: list[tuple[Scale, PolicyContext]] = field(default_factory=list)  # on first use: see `scale`

    @property
    def scale(self) -> Scale:
        """The link-bandwidth scale. It bounds every advertised value and sum, two passes over the
        links (0.08 s at x1), so it is computed on first use: `analyze` needs it only in the worker
        that runs its checks. A build computes it before forking its renderers (see build_devices)."""
        if not self._scaled:
            scale = choose_scale(self.intent, self.wiring)
            self._scaled.append((scale, PolicyContext(self.intent, scale, self.loopback_pools)))
        return self._scaled[0][0]

    @property
    def policy(self) -> PolicyContext:
        self.scale  # noqa: B018 - computes both
        return self._scaled[0][1]

    @property
    def device_names(self) -> list[str]:
        return list(self.wiring.nodes)

    @property
    def platforms(self) -> list[str]:
        """The platforms the plan's devices run, each once, sorted."""
        return sorted({self.intent.hardware[node.hardware].platform for node in self.wiring.nodes.values()})

    def ends(self, i: int) -> LinkEnds:
        cached = self._ends.get(i)
        if cached is not None:
            return cached
        _, a, b, speed, pool = self.wiring.links[i]
        nodes = self.wiring.nodes
        v4, v6 = self._pools[pool]
        slot2 = 2 * self.layout.slot[i]
        a4 = b4 = a6 = b6 = ""
        if v4:
            first = v4.base + slot2
            a4, b4 = _ipv4(first), _ipv4(first + 1)
        if v6:
            first = v6.base + slot2
            a6 = _ipv6(socket.AF_INET6, first.to_bytes(16, "big"))
            b6 = _ipv6(socket.AF_INET6, (first + 1).to_bytes(16, "big"))
        name = self.interface_namer
        ends = _link_ends(
            (
                name(nodes[a].hardware)(self.layout.a_port[i], speed),
                name(nodes[b].hardware)(self.layout.b_port[i], speed),
                a4,
                b4,
                a6,
                b6,
            )
        )
        self._ends[i] = ends
        return ends

    def interface(self, i: int, device: str) -> str:
        """The name of link `i`'s interface on `device` (one of its ends), without computing addresses."""
        cached = self._ends.get(i)
        link = self.wiring.links[i]
        if cached is not None:
            return cached.a_if if link.a == device else cached.b_if
        port = self.layout.a_port[i] if link.a == device else self.layout.b_port[i]
        return self.interface_namer(self.wiring.nodes[device].hardware)(port, link.speed)

    def interface_namer(self, hardware: str) -> Callable[[PortRef, int], str]:
        """The platform's interface_name for one hardware profile, bound once per process."""
        namer = self._namers.get(hardware)
        if namer is None:
            hw = self.intent.hardware[hardware]
            namer = self._namers[hardware] = partial(
                PLATFORMS[hw.platform].interface_name, hw.line_cards, hw.ports_per_line_card
            )
        return namer

    def macsec(self, pool: str) -> str:
        return self._macsec.get(pool, "")

    def management(self, name: str, platform: str) -> Management | None:
        """The device's management settings (shared per hardware profile and role) with its own address."""
        if self.intent.management is None:
            return None
        node = self.wiring.nodes[name]
        key = (node.hardware, node.role, platform)
        shared = self._mgmt.get(key)
        if shared is None:
            shared = self._mgmt[key] = management(self.intent, platform, node.hardware, node.role, "", "")
        pool = self.mgmt_pools.get(node.region)
        if pool is None or platform == "frr":
            return shared
        return shared._replace(ipv4=pool.address(self.layout.loopback_index[name]), gateway=pool.gateway)

    def management_ipv4(self, name: str) -> str:
        """The device's management address with its pool's length ('10.250.0.2/20'); '' without one."""
        node = self.wiring.nodes[name]
        management = self.management(name, self.intent.hardware[node.hardware].platform)
        return management.ipv4 if management is not None else ""

    def macsec_profile(self, platform: str, name: str) -> Macsec:
        key = (platform, name)
        cached = self._profiles.get(key)
        if cached is None:
            cached = self._profiles[key] = macsec_profile(self.intent, platform, name)
        return cached

    def loopbacks(self, name: str) -> dict[str, str]:
        node = self.wiring.nodes[name]
        v4, v6 = self.loopback_pools[node.region]
        index = self.layout.loopback_index[name]
        return {"ipv4": v4.address(index)} | ({"ipv6": v6.address(index)} if v6 else {})


# NamedTuple(*fields) runs a Python-level __new__; hundreds of thousands per build go straight to tuple's
_link_ends = partial(tuple.__new__, LinkEnds)
_interface = partial(tuple.__new__, Interface)
_neighbor = partial(tuple.__new__, Neighbor)


def _ipv4(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


_ipv6 = socket.inet_ntop  # RFC 5952 text, in C


def plan(intent: Intent) -> Plan:
    """The plan of a checked intent."""
    wiring = wire(intent)
    return plan_from(intent, wiring, layout(intent, wiring))


def plan_from(intent: Intent, wiring: Wiring, lay: Layout) -> Plan:
    lpools = loopback_pools(intent)
    per_region: dict[str, int] = {}
    for node in wiring.nodes.values():
        per_region[node.region] = per_region.get(node.region, 0) + 1
    pools = {
        scope: tuple(_Pool(int(p.network.network_address), p.network.version) if p else None for p in (s.ipv4, s.ipv6))
        for scope, s in p2p_pools(intent).items()
    }
    return Plan(
        intent,
        wiring,
        lay,
        lpools,
        {name: seen_from_bag(node) for name, node in wiring.nodes.items()},
        pools,  # type: ignore[arg-type]
        {f"{x.between[0]}~{x.between[1]}": x.macsec_profile or "" for x in intent.inter_region},
        management_pools(intent, per_region),
    )


def _peer_groups(intent: Intent, speeds: dict[PeerClass, set[int]]) -> dict[tuple[str, str, int], str]:
    """Peer-group name for every (peer class, family, speed) a device can see."""
    names = {}
    for cls, cls_speeds in speeds.items():
        split = splits_by_speed(intent, cls, cls_speeds)
        for family in ("ipv4", "ipv6"):
            for speed in cls_speeds:
                names[(cls.key, family, speed)] = peer_group_name(cls, family, speed, split)
    return names


def expand(p: Plan, name: str) -> Device:
    """The complete model of one device (a pure function of the plan)."""
    intent = p.intent
    node = p.wiring.nodes[name]
    links = p.wiring.links
    asn = p.layout.asn
    a_port, b_port = p.layout.a_port, p.layout.b_port
    hw = intent.hardware[node.hardware]
    is_bag = node.role == "bag"
    bag_view = p.bag_view

    mine = p.wiring.links_of[name]
    ordered = [i for _, i in sorted((a_port[i] if links[i].a == name else b_port[i], i) for i in mine)]
    speeds: dict[PeerClass, set[int]] = {}
    for i in mine:
        link = links[i]
        cls = bag_view[link.b if link.a == name else link.a] if is_bag else TOWARD_BAG
        speeds.setdefault(cls, set()).add(link.speed)
    groups = _peer_groups(intent, speeds)

    interfaces: list[Interface] = []
    breakouts: dict[str, Breakout] = {}
    breakout_of = partial(PLATFORMS[hw.platform].breakout, hw.line_cards, hw.ports_per_line_card)
    neighbors: list[Neighbor] = []
    families: set[str] = set()
    ends_of = p.ends
    # hot loop (hundreds of thousands of link ends at gigawatt scale): locals only
    cached_ends = p._ends.get
    macsec_of = p._macsec.get
    toward_bag = TOWARD_BAG.key
    for i in ordered:
        kind, a, b, speed, pool = links[i]
        e = cached_ends(i) or ends_of(i)
        if a == name:
            peer, ref = b, a_port[i]
            my_if, peer_if, mine4, peer4, mine6, peer6 = e
        else:
            peer, ref = a, b_port[i]
            peer_if, my_if, peer4, mine4, peer6, mine6 = e
        description = f"{peer} {peer_if}"
        mode = ""
        if ref.lanes > 1:
            split = breakout_of(ref, speed)
            if split is not None:
                breakouts[split.port] = split
                mode = split.mode
        interfaces.append(
            _interface(
                (
                    my_if,
                    "to " + description,
                    speed,
                    f"{mine4}/31" if mine4 else "",
                    f"{mine6}/127" if mine6 else "",
                    peer,
                    peer_if,
                    kind,
                    macsec_of(pool, ""),  # Plan.macsec, inlined
                    mode,
                )
            )
        )
        cls_key = bag_view[peer].key if is_bag else toward_bag
        remote_as = asn[peer]
        if mine4:
            neighbors.append(
                _neighbor((peer4, "ipv4", remote_as, groups[(cls_key, "ipv4", speed)], peer, my_if, description, speed))
            )
            families.add("ipv4")
        if mine6:
            neighbors.append(
                _neighbor((peer6, "ipv6", remote_as, groups[(cls_key, "ipv6", speed)], peer, my_if, description, speed))
            )
            families.add("ipv6")

    ordered_families = sorted(families)
    loopbacks = p.loopbacks(name)
    build = bag_policy if is_bag else fabric_switch_policy
    pol = build(p.policy, node, hw.platform, asn[name], loopbacks, speeds, ordered_families)
    address_families = []
    for family in ordered_families:
        own = [f"{loopbacks[family]}/{32 if family == 'ipv4' else 128}"] if family in loopbacks else []
        fabric = list(p.policy.fabric_prefixes[node.fabric][family]) if node.fabric else []
        address_families.append(AddressFamily(family, tuple(fabric + own)))
    bgp = intent.bgp
    profiles = sorted({i.macsec_profile for i in interfaces if i.macsec_profile})
    return Device(
        name=name,
        platform=hw.platform,
        role=node.role,
        region=node.region,
        plane=node.plane,
        switch=node.index,
        fabric=node.fabric,
        hardware=node.hardware,
        model=hw.model,
        os_version=hw.os_version,
        drained=node.drained,
        data_hall=node.data_hall,
        power_domain=node.power_domain,
        loopback_ipv4=loopbacks["ipv4"],
        loopback_ipv6=loopbacks.get("ipv6", ""),
        mtu=intent.mtu,
        lbw_unit_bps=p.scale.unit_bps,
        interfaces=tuple(interfaces),
        prefix_lists=tuple(pol.prefix_lists),
        policies=tuple(pol.policies),
        bgp=Bgp(
            asn=asn[name],
            router_id=loopbacks["ipv4"],
            maximum_paths=bgp.maximum_paths,
            multipath_relax=bgp.multipath_relax,
            ucmp=intent.link_bandwidth.enabled,
            on_missing=intent.link_bandwidth.on_missing,
            keepalive=bgp.keepalive,
            hold=bgp.hold,
            bfd=Bfd(bgp.bfd.enabled, bgp.bfd.interval_ms, bgp.bfd.multiplier),
            address_families=tuple(address_families),
            peer_groups=tuple(pol.peer_groups),
            neighbors=tuple(neighbors),
        ),
        interface_mtu=interface_mtu(hw.platform, intent.mtu),
        management=p.management(name, hw.platform),
        macsec=tuple(p.macsec_profile(hw.platform, n) for n in profiles) if hw.platform != "frr" else (),
        breakouts=tuple(breakouts.values()),
    )


def compile_network(p: Plan) -> Network:
    """Every device of the plan, in deterministic order."""
    with paused_gc():
        devices = {name: expand(p, name) for name in p.wiring.nodes}
    warnings = (
        () if p.scale.exact else (f"link-bandwidth values are rounded to units of {p.scale.unit_bps // 10**6} Mbps",)
    )
    return Network(p.intent.name, devices, p.scale.unit_bps, p.scale.exact, warnings)


def compile_intent(intent: Intent) -> Network:
    """Convenience for callers that already validated the intent."""
    return compile_network(plan(intent))

"""Routing policy per device, in vendor-neutral form.

The policy that makes a BAG safe to run:
- fabric switches announce only their fabric's prefixes (and loopback) to the BAG, tagged with the
  link's bandwidth, and never take their own prefixes back;
- a BAG accepts from a fabric only that fabric's prefixes, and from a remote region only that
  region's prefixes; it announces to remote regions only its own region (no transit between regions);
- toward the fabrics a BAG advertises the cumulative bandwidth of its multipaths, so spines weight
  BAG switches by what each can really deliver after a failure;
- a drained plane keeps its sessions up but announces nothing (or shuts them, if the intent says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from generator.compile.addressing import LoopbackPool
from generator.compile.bandwidth import Scale, encode_value
from generator.compile.wiring import Node
from generator.intent.schema import Intent
from generator.model import LinkBandwidth, PeerGroup, Policy, PolicyTerm, PrefixEntry, PrefixList
from generator.units import speed_token

FAMILY_SUFFIX = {"ipv4": "V4", "ipv6": "V6"}
HOST_LEN = {"ipv4": 32, "ipv6": 128}
DRAIN_POLICY = "DRAIN-OUT"


class PeerClass(NamedTuple):
    """A set of peers that share a policy: all BAG switches (seen from a fabric switch), one fabric
    or one remote region (seen from a BAG)."""

    key: str  # "BAG", "FABRIC-E1", "REGION-WEST"
    kind: str  # "bag" | "fabric" | "region"
    target: str  # fabric or region name, "" for "bag"


TOWARD_BAG = PeerClass("BAG", "bag", "")


def seen_from_bag(peer: Node) -> PeerClass:
    """How a BAG switch classes a peer: its fabric, or (for another BAG switch) its region."""
    if peer.role == "bag":
        return PeerClass(f"REGION-{peer.region.upper()}", "region", peer.region)
    return PeerClass(f"FABRIC-{peer.fabric.upper()}", "fabric", peer.fabric)


def splits_by_speed(intent: Intent, cls: PeerClass, speeds: set[int]) -> bool:
    """Whether a peer class needs one group per link speed (each speed advertises its own value)."""
    lbw = intent.link_bandwidth
    if len(speeds) < 2 or not lbw.enabled:
        return False
    mode = {"bag": lbw.fabric_to_bag, "fabric": lbw.bag_to_fabric, "region": lbw.bag_to_bag}[cls.kind]
    return mode == "link"


def peer_group_name(cls: PeerClass, family: str, speed: int, multi_speed: bool) -> str:
    middle = f"-{speed_token(speed)}" if multi_speed else ""
    return f"{cls.key}{middle}-{FAMILY_SUFFIX[family]}"


class PolicyContext:
    """Network-wide inputs of the policy: prefixes per fabric and region, pools, scale."""

    def __init__(self, intent: Intent, scale: Scale, loopbacks: dict[str, tuple[LoopbackPool, LoopbackPool | None]]):
        self.intent = intent
        self.scale = scale
        self.lbw = intent.link_bandwidth
        self.fabric_prefixes: dict[str, dict[str, tuple[str, ...]]] = {}
        self.region_prefixes: dict[str, dict[str, tuple[str, ...]]] = {}
        self.loopback_pool: dict[str, dict[str, str]] = {}
        for region in intent.regions:
            per_region: dict[str, list[str]] = {"ipv4": [], "ipv6": []}
            for fabric in region.fabrics:
                per_fabric: dict[str, list[str]] = {"ipv4": [], "ipv6": []}
                for prefix in fabric.prefixes:
                    family = "ipv4" if prefix.version == 4 else "ipv6"
                    per_fabric[family].append(str(prefix))
                    per_region[family].append(str(prefix))
                self.fabric_prefixes[fabric.name] = {k: tuple(v) for k, v in per_fabric.items()}
            self.region_prefixes[region.name] = {k: tuple(v) for k, v in per_region.items()}
            v4, v6 = loopbacks[region.name]
            self.loopback_pool[region.name] = {"ipv4": str(v4.network)} | ({"ipv6": str(v6.network)} if v6 else {})
        self._lbw_cache: dict[tuple[str, str, int, int], LinkBandwidth | None] = {}
        # fabric_switch_policy: (policies, peer groups) per switch shape, filled on demand per process
        self.fabric_switch_shapes: dict[tuple[object, ...], tuple[tuple[Policy, ...], tuple[PeerGroup, ...]]] = {}

    def link_bandwidth(self, mode: str, platform: str, speed: int, asn: int) -> LinkBandwidth | None:
        if not self.lbw.enabled:
            return None
        key = (mode, platform, speed, asn)
        cached = self._lbw_cache.get(key)
        if cached is None:
            transitive = self.lbw.transitive
            if mode == "cumulative":
                cached = LinkBandwidth("cumulative", 0, transitive, "cumulative", "")
            else:
                cached = LinkBandwidth(
                    "value",
                    speed,
                    transitive,
                    encode_value(platform, speed, self.scale, asn),
                    f"LBW-{speed_token(speed)}",
                )
            self._lbw_cache[key] = cached
        return cached


def _exact(prefixes: Iterable[str], start: int = 10) -> list[PrefixEntry]:
    return [PrefixEntry(start + 10 * i, "permit", p, 0, 0) for i, p in enumerate(prefixes)]


def _pool(pool: str, family: str, seq: int) -> PrefixEntry:
    return PrefixEntry(seq, "permit", pool, HOST_LEN[family], 0)


def make_policy(name: str, family: str, terms: Iterable[PolicyTerm]) -> Policy:
    """A policy with no term would be undefined on some platforms: make "nothing matches" explicit."""
    return Policy(name, family, tuple(terms) or (PolicyTerm(10, "deny", "", None),))


@dataclass(slots=True)
class DevicePolicy:
    prefix_lists: list[PrefixList]
    policies: list[Policy]
    peer_groups: list[PeerGroup]


def _drain(node: Node, intent: Intent) -> tuple[bool, bool]:
    """(export nothing, shut sessions) for this device."""
    if not node.drained:
        return False, False
    return intent.bgp.drain == "withdraw", intent.bgp.drain == "shutdown"


def _password(intent: Intent) -> str:
    return f"${{{intent.bgp.password_env}}}" if intent.bgp.password_env else ""


def fabric_switch_policy(
    ctx: PolicyContext,
    node: Node,
    platform: str,
    asn: int,
    loopbacks: dict[str, str],
    classes: dict[PeerClass, set[int]],
    families: list[str],
) -> DevicePolicy:
    """Policies of a spine (NSF STSW) or DSF edge-pod switch toward its BAG plane.

    Only the local prefix list names the switch itself (its loopback); the policies and peer groups
    are shared by every switch of the same shape (thousands per fabric and plane), so they are
    built once per shape and the prefix lists per switch."""
    local_families = tuple(family in loopbacks for family in families)
    shape = (
        node.fabric,
        node.plane,
        node.drained,
        platform,
        asn,
        tuple(sorted(((cls.key, cls, frozenset(speeds)) for cls, speeds in classes.items()), key=lambda c: c[0])),
        tuple(families),
        local_families,
    )
    shared = ctx.fabric_switch_shapes.get(shape)
    if shared is None:
        whole = _fabric_switch_policy(ctx, node, platform, asn, loopbacks, classes, families)
        shared = ctx.fabric_switch_shapes[shape] = (tuple(whole.policies), tuple(whole.peer_groups))
    prefix_lists = []
    for family in families:
        local = list(ctx.fabric_prefixes[node.fabric][family])
        if family in loopbacks:
            local.append(f"{loopbacks[family]}/{HOST_LEN[family]}")
        if local:
            prefix_lists.append(PrefixList(f"PL-LOCAL-{FAMILY_SUFFIX[family]}", family, tuple(_exact(local))))
    return DevicePolicy(prefix_lists, list(shared[0]), list(shared[1]))


def _fabric_switch_policy(
    ctx: PolicyContext,
    node: Node,
    platform: str,
    asn: int,
    loopbacks: dict[str, str],
    classes: dict[PeerClass, set[int]],
    families: list[str],
) -> DevicePolicy:
    out = DevicePolicy([], [], [])
    withdraw, shut = _drain(node, ctx.intent)
    allowas = 1 if ctx.intent.asn.reuse_fabric_asns_across_regions else 0
    for family in families:
        sfx = FAMILY_SUFFIX[family]
        local = list(ctx.fabric_prefixes[node.fabric][family])
        if family in loopbacks:
            local.append(f"{loopbacks[family]}/{HOST_LEN[family]}")
        local_pl = f"PL-LOCAL-{sfx}"
        if local:
            out.prefix_lists.append(PrefixList(local_pl, family, tuple(_exact(local))))
        import_name = f"FROM-BAG-{sfx}"
        import_terms = [PolicyTerm(10, "deny", local_pl, None)] if local else []
        out.policies.append(make_policy(import_name, family, [*import_terms, PolicyTerm(20, "permit", "", None)]))
        for cls, speeds in sorted(classes.items(), key=lambda kv: kv[0].key):
            multi = splits_by_speed(ctx.intent, cls, speeds)
            for speed in sorted(speeds) if multi else [max(speeds)]:
                export_name = f"TO-BAG-{speed_token(speed)}-{sfx}" if multi else f"TO-BAG-{sfx}"
                lbw = ctx.link_bandwidth("value", platform, speed, asn)
                terms = (PolicyTerm(10, "permit", local_pl, lbw),) if local else ()
                out.policies.append(make_policy(export_name, family, terms))
                out.peer_groups.append(
                    PeerGroup(
                        peer_group_name(cls, family, speed, multi),
                        family,
                        import_name,
                        DRAIN_POLICY if withdraw else export_name,
                        allowas,
                        shut,
                        False,
                        _password(ctx.intent),
                        f"BAG plane {node.plane}",
                    )
                )
    if withdraw:
        out.policies.append(make_policy(DRAIN_POLICY, "any", [PolicyTerm(10, "deny", "", None)]))
    return out


def bag_policy(
    ctx: PolicyContext,
    node: Node,
    platform: str,
    asn: int,
    loopbacks: dict[str, str],
    classes: dict[PeerClass, set[int]],
    families: list[str],
) -> DevicePolicy:
    """Policies of a BAG switch toward its fabrics and the BAG switches of other regions."""
    out = DevicePolicy([], [], [])
    withdraw, shut = _drain(node, ctx.intent)
    region = node.region
    to_fabric_mode = ctx.lbw.bag_to_fabric
    to_region_mode = ctx.lbw.bag_to_bag
    fabrics = sorted({c.target for c in classes if c.kind == "fabric"})
    regions = sorted({c.target for c in classes if c.kind == "region"})
    for family in families:
        sfx = FAMILY_SUFFIX[family]
        lists: dict[str, list[PrefixEntry]] = {}
        if family in loopbacks:
            lists[f"PL-SELF-{sfx}"] = _exact([f"{loopbacks[family]}/{HOST_LEN[family]}"])
        own_pool = ctx.loopback_pool[region].get(family)
        if own_pool:
            lists[f"PL-LOOPBACKS-{region.upper()}-{sfx}"] = [_pool(own_pool, family, 10)]
        for fabric in fabrics:
            if ctx.fabric_prefixes[fabric][family]:
                lists[f"PL-FABRIC-{fabric.upper()}-{sfx}"] = _exact(ctx.fabric_prefixes[fabric][family])
        for name in [*regions, region] if regions else []:
            entries = _exact(ctx.region_prefixes[name][family])
            pool = ctx.loopback_pool[name].get(family)
            if pool:
                entries.append(_pool(pool, family, 10 * len(entries) + 10))
            if entries:
                lists[f"PL-REGION-{name.upper()}-{sfx}"] = entries
        out.prefix_lists.extend(PrefixList(name, family, tuple(entries)) for name, entries in lists.items())

        def match(name: str, lists: dict[str, list[PrefixEntry]] = lists) -> str:
            return name if name in lists else ""

        self_terms = [PolicyTerm(10, "permit", f"PL-SELF-{sfx}", None)] if f"PL-SELF-{sfx}" in lists else []
        for cls, speeds in sorted(classes.items(), key=lambda kv: kv[0].key):
            multi = splits_by_speed(ctx.intent, cls, speeds)
            import_terms: list[PolicyTerm] = []
            if cls.kind == "fabric":
                fabric_pl = match(f"PL-FABRIC-{cls.target.upper()}-{sfx}")
                if fabric_pl:
                    import_terms.append(PolicyTerm(10, "permit", fabric_pl, None))
                loop_pl = match(f"PL-LOOPBACKS-{region.upper()}-{sfx}")
                if loop_pl:
                    import_terms.append(PolicyTerm(20, "permit", loop_pl, None))
                mode = to_fabric_mode
            else:
                region_pl = match(f"PL-REGION-{cls.target.upper()}-{sfx}")
                if region_pl:
                    import_terms.append(PolicyTerm(10, "permit", region_pl, None))
                mode = to_region_mode
            import_name = f"FROM-{cls.key}-{sfx}"
            out.policies.append(make_policy(import_name, family, import_terms))
            for speed in sorted(speeds) if multi else [max(speeds)]:
                export_name = f"TO-{cls.key}-{speed_token(speed)}-{sfx}" if multi else f"TO-{cls.key}-{sfx}"
                lbw = ctx.link_bandwidth(mode, platform, speed, asn)
                if cls.kind == "fabric":
                    fabric_pl = match(f"PL-FABRIC-{cls.target.upper()}-{sfx}")
                    terms = [PolicyTerm(5, "deny", fabric_pl, None)] if fabric_pl else []
                    terms += [*self_terms, PolicyTerm(20, "permit", "", lbw)]
                else:
                    local_pl = match(f"PL-REGION-{region.upper()}-{sfx}")
                    terms = [*self_terms, *([PolicyTerm(20, "permit", local_pl, lbw)] if local_pl else [])]
                out.policies.append(make_policy(export_name, family, terms))
                out.peer_groups.append(
                    PeerGroup(
                        peer_group_name(cls, family, speed, multi),
                        family,
                        import_name,
                        DRAIN_POLICY if withdraw else export_name,
                        0,
                        shut,
                        mode == "cumulative" and ctx.lbw.enabled and not withdraw,  # a drained group sends nothing
                        _password(ctx.intent),
                        f"fabric {cls.target}" if cls.kind == "fabric" else f"region {cls.target}",
                    )
                )
    if withdraw:
        out.policies.append(make_policy(DRAIN_POLICY, "any", [PolicyTerm(10, "deny", "", None)]))
    return out

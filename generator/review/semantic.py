"""What a change means for one device, in the intent's terms: sessions, addresses, ASNs, link
bandwidth and UCMP shares, drains, policies and settings. Compared field by field on the two models
(already known to differ), so each line of the summary reads like something an operator wrote."""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.compile.network import Plan
from generator.compile.ucmp import expected_paths, normalized, weights_by_peer
from generator.model import Device, with_groups
from generator.units import format_bps

Item = tuple[str, str]  # (kind, device-independent description)


class Repatch(NamedTuple):
    """A port whose cable now ends somewhere else: what a technician re-patches."""

    device: str
    port: str
    old_peer: str
    old_peer_port: str
    new_peer: str
    new_peer_port: str

    def __str__(self) -> str:
        return (
            f"{self.device} {self.port}: {self.old_peer} {self.old_peer_port} -> {self.new_peer} {self.new_peer_port}"
        )


def repatched(old: Device, new: Device) -> list[Repatch]:
    """Ports present on both sides whose far end (peer device or peer port) changed, in port order."""
    before = {i.name: (i.peer, i.peer_interface) for i in old.interfaces}
    moves = []
    for i in new.interfaces:
        was = before.get(i.name)
        if was is not None and was != (i.peer, i.peer_interface):
            moves.append(Repatch(new.name, i.name, *was, i.peer, i.peer_interface))
    return moves


def _neighbors(device: Device) -> dict[str, tuple[Any, ...]]:
    return {
        n.address: (n.peer, n.family, n.remote_as, g.import_policy, g.export_policy, g.shutdown)
        for n, g in with_groups(device)
    }


def _lbw_values(device: Device) -> dict[str, str]:
    """Link-bandwidth each export policy sets, by policy: '800G', 'cumulative' or ''."""
    values = {}
    for policy in device.policies:
        set_values = sorted(
            {
                "cumulative" if t.link_bandwidth.mode == "cumulative" else format_bps(t.link_bandwidth.bps)
                for t in policy.terms
                if t.link_bandwidth is not None
            }
        )
        values[policy.name] = ", ".join(set_values)
    return values


def semantic(old: Device, new: Device) -> tuple[list[Item], int]:
    """What changed for this device, in the intent's terms; and how many neighbour entries changed."""
    items: list[Item] = []
    if old.drained != new.drained:
        items.append(("drain", "drained" if new.drained else "undrained"))
    if old.bgp.asn != new.bgp.asn:
        items.append(("asn", f"ASN {old.bgp.asn} -> {new.bgp.asn}"))
    if (old.loopback_ipv4, old.loopback_ipv6) != (new.loopback_ipv4, new.loopback_ipv6):
        items.append(("address", f"loopback {old.loopback_ipv4} -> {new.loopback_ipv4}"))
    a, b = _neighbors(old), _neighbors(new)
    added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
    changed = [k for k in set(a) & set(b) if a[k] != b[k]]
    if added or removed:
        items.append(("sessions", f"sessions +{len(added)} -{len(removed)}"))
    for kind, index, label in (("asn", 2, "remote AS"), ("policy", 3, "import policy"), ("policy", 4, "export policy")):
        moved = sorted({(a[k][index], b[k][index]) for k in changed if a[k][index] != b[k][index]})
        items += [(kind, f"{label} {x} -> {y}") for x, y in moved]
    shut = sum(1 for k in changed if a[k][5] != b[k][5])
    if shut:
        items.append(("drain", f"{shut} sessions {'shut down' if any(b[k][5] for k in changed) else 'enabled'}"))
    ifa = {i.name: (i.ipv4, i.ipv6, i.peer, i.speed) for i in old.interfaces}
    ifb = {i.name: (i.ipv4, i.ipv6, i.peer, i.speed) for i in new.interfaces}
    if set(ifa) != set(ifb):
        items.append(("links", f"links +{len(set(ifb) - set(ifa))} -{len(set(ifa) - set(ifb))}"))
    moves = repatched(old, new)
    if moves:
        items.append(("cabling", f"{len(moves)} port(s) re-patched to another peer or peer port"))
    readdressed = sum(1 for k in set(ifa) & set(ifb) if ifa[k][:2] != ifb[k][:2])
    if readdressed:
        items.append(("address", f"{readdressed} interface(s) re-addressed"))
    resped = sorted({(ifa[k][3], ifb[k][3]) for k in set(ifa) & set(ifb) if ifa[k][3] != ifb[k][3]})
    items += [("links", f"link speed {format_bps(x)} -> {format_bps(y)}") for x, y in resped]
    la, lb = _lbw_values(old), _lbw_values(new)
    for name in sorted(set(la) & set(lb)):
        if la[name] != lb[name]:
            items.append(("link-bandwidth", f"{name} link bandwidth {la[name] or 'none'} -> {lb[name] or 'none'}"))
    pa, pb = {p.name: p for p in old.policies}, {p.name: p for p in new.policies}
    for name in sorted(set(pa) ^ set(pb)):
        items.append(("policy", f"policy {name} {'added' if name in pb else 'removed'}"))
    for name in sorted(set(pa) & set(pb)):
        if pa[name].terms != pb[name].terms and la.get(name) == lb.get(name):
            items.append(("policy", f"policy {name} terms changed"))
    la_pl, lb_pl = {p.name: p for p in old.prefix_lists}, {p.name: p for p in new.prefix_lists}
    for name in sorted(set(la_pl) | set(lb_pl)):
        before = {e.prefix for e in la_pl[name].entries} if name in la_pl else set()
        after = {e.prefix for e in lb_pl[name].entries} if name in lb_pl else set()
        if before != after:
            plus = ", ".join(sorted(after - before)) or "-"
            minus = ", ".join(sorted(before - after)) or "-"
            items.append(("policy", f"prefix-list {name}: added {plus}; removed {minus}"))
    items += _settings(old, new)
    if not items:
        pairs = zip(old.interfaces, new.interfaces, strict=False)
        described = sum(1 for x, y in pairs if x.description != y.description)
        described_item = ("description", f"{described} interface description(s) changed")
        items.append(described_item if described else _other(old, new))
    return items, len(added) + len(removed) + len(changed)


def _settings(old: Device, new: Device) -> list[Item]:
    """Device-wide BGP and interface settings, as the intent spells them."""
    a, b = old.bgp, new.bgp
    checks = (
        ("bgp", "timers (keepalive/hold)", f"{a.keepalive}/{a.hold}", f"{b.keepalive}/{b.hold}"),
        ("bgp", "maximum-paths", a.maximum_paths, b.maximum_paths),
        ("bgp", "multipath relax", a.multipath_relax, b.multipath_relax),
        ("ucmp", "UCMP (link bandwidth honoured)", a.ucmp, b.ucmp),
        ("ucmp", "paths without link bandwidth", a.on_missing, b.on_missing),
        ("bgp", "BFD", _bfd(a.bfd), _bfd(b.bfd)),
        ("links", "MTU", old.mtu, new.mtu),
    )
    return [(kind, f"{label} {x} -> {y}") for kind, label, x, y in checks if x != y]


def _bfd(bfd: Any) -> str:
    return f"{bfd.interval_ms}ms x{bfd.multiplier}" if bfd.enabled else "off"


def _other(old: Device, new: Device) -> Item:
    """Anything the summary has no words for yet, named by the model fields DeepDiff finds."""
    from deepdiff import DeepDiff  # only for the rare change no rule above describes

    diff = DeepDiff(old._asdict(), new._asdict(), view="tree")
    fields = sorted({item.path(output_format="list")[0] for items in diff.values() for item in items})
    return ("other", f"model fields changed: {', '.join(map(str, fields))}")


Shares = dict[str, dict[str, dict[str, float]]]  # device -> destination -> peer switch -> share


def ucmp_shares(plan: Plan, names: list[str]) -> Shares:
    """Share of traffic per peer switch and destination that each device's UCMP weights give
    (one pass over the links for all the devices: liveness is computed once)."""
    result: Shares = {}
    for name, paths in expected_paths(plan.intent, plan.wiring, names).items():
        result[name] = {}
        for dest, via in sorted(paths.items()):
            weights = weights_by_peer(via)
            result[name][dest] = dict(zip(weights, normalized(weights.values()), strict=True))
    return result


def ucmp_change(old: dict[str, dict[str, float]], new: dict[str, dict[str, float]]) -> list[Item]:
    items = []
    for dest in sorted(set(old) | set(new)):
        a, b = old.get(dest, {}), new.get(dest, {})
        target = dest.replace(":", " ")
        if a and not b:
            items.append(("ucmp", f"UCMP toward {target}: no path left ({len(a)} next hop(s) withdrawn)"))
        elif b and not a:
            items.append(("ucmp", f"UCMP toward {target}: {len(b)} next hop(s) now carry traffic"))
        else:
            moved = [p for p in sorted(set(a) | set(b)) if abs(a.get(p, 0.0) - b.get(p, 0.0)) > 1e-4]
            if moved:
                shift = max(abs(a.get(p, 0.0) - b.get(p, 0.0)) for p in moved)
                items.append(
                    ("ucmp", f"UCMP toward {target}: {len(moved)} next hop(s) re-weighted, largest shift {shift:.1%}")
                )
    return items

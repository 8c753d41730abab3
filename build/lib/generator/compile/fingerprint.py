"""Per-device input fingerprints: decide that a device is unchanged without expanding or rendering it.

`expand(plan, name)` reads three kinds of input: network-wide ones (templates, generator code,
hardware, pools, prefixes, BGP and link-bandwidth policy, the link-bandwidth scale), the device's
own placement (node, ASN, loopback index) and its links (peers, ports, address slots, speeds).
The fingerprint hashes exactly those. The network-wide part is the whole intent *minus* the fields
that only act through the plan (link overrides, drained planes, placement): a field added to the
intent later therefore invalidates every device until it is listed here, which is the safe default.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from generator.compile.network import Plan

# intent fields whose effect reaches a device only through its node or its links
_PLAN_LOCAL = {
    ("regions", "bag", "drained_planes"),
    ("regions", "bag", "placement"),
    ("regions", "fabrics", "link_overrides"),
    ("inter_region", "link_overrides"),
}


def _strip(data: Any, path: tuple[str, ...] = ()) -> Any:
    if isinstance(data, dict):
        return {k: _strip(v, (*path, k)) for k, v in data.items() if (*path, k) not in _PLAN_LOCAL}
    if isinstance(data, list):
        return [_strip(v, path) for v in data]
    return data


def network_digest(p: Plan, extra: str = "") -> str:
    """Digest of the network-wide inputs of every device (extra: templates and code digests)."""
    intent = _strip(p.intent.model_dump(mode="json"))
    scale = (p.scale.unit_bps, p.scale.exact, p.scale.scaled)
    text = json.dumps([intent, scale, extra], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def device_fingerprint(p: Plan, name: str, network: str) -> str:
    """Stable (text-based, not id- or hash-seed-based) digest of one device's inputs.

    Per link only what is not implied by the rest: the peer's name fixes its hardware, peer class
    and the link's orientation and pool; the address slot fixes the anchor-side port.
    """
    asn, links, b_port, slots = p.layout.asn, p.wiring.links, p.layout.b_port, p.layout.slot
    parts = [network, repr(p.wiring.nodes[name]), str(asn[name]), str(p.layout.loopback_index[name])]
    for i in p.wiring.links_of[name]:
        link = links[i]
        peer = link.b if link.a == name else link.a
        port = b_port[i]
        parts.append(f"{peer} {link.speed} {slots[i]} {port.line_card} {port.port} {port.lane} {asn[peer]}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()

"""Per-device input fingerprints: decide that a device is unchanged without expanding or rendering it.

`expand(plan, name)` reads three kinds of input: network-wide ones (templates, generator code,
hardware, pools, prefixes, BGP and link-bandwidth policy, the link-bandwidth scale), the device's
own placement (node, ASN, loopback index) and its links (peers, ports, address slots, speeds).
The fingerprint hashes exactly those. The network-wide part is the whole intent *minus* the fields
that only act through the plan (link overrides, drained planes, placement): a field added to the
intent later therefore invalidates every device until it is listed here, which is the safe default.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
from typing import Any

from generator.compile.network import Plan
from generator.compile.wiring import Node

_NODE_FIELDS = tuple(field.name for field in dataclasses.fields(Node))  # a field added to Node is in the digest

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
    """Stable (value-based, not id- or hash-seed-based) digest of one device's inputs.

    Per link only what is not implied by the rest: the peer's name fixes its hardware, peer class
    and the link's orientation and pool; the address slot fixes the anchor-side port. The values are
    serialized by marshal in format 2, which has no back-references: equal values give equal bytes,
    whichever objects hold them (a quarter faster than formatting a line of text per link).
    """
    asn, links, b_port, slots = p.layout.asn, p.wiring.links, p.layout.b_port, p.layout.slot
    node = p.wiring.nodes[name]
    rows: list[tuple[str, int, int, int, int, int, int]] = []
    append = rows.append
    for i in p.wiring.links_of[name]:
        _, a, b, speed, _ = links[i]
        peer = b if a == name else a
        port = b_port[i]
        append((peer, speed, slots[i], port.line_card, port.port, port.lane, asn[peer]))
    own = tuple([getattr(node, field) for field in _NODE_FIELDS])
    text = marshal.dumps((network, own, asn[name], p.layout.loopback_index[name], rows), 2)
    return hashlib.blake2b(text, digest_size=16).hexdigest()

"""Cross-checks on the expanded network: an independent proof that the compiler is right.

The compiler builds both ends of a session from one link entry, so these checks look at its output
only, as a reviewer would: every address used once, every session answered by its peer with the
right address, ASN and family. They run in `validate` and in the test suite.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from generator.catalogue import CATALOGUE
from generator.findings import Finding
from generator.model import Network


def check_network(network: Network) -> list[Finding]:
    return [*_unique(network), *_sessions(network)]


def _at(device: str, code: str, message: str) -> Finding:
    return Finding(code, message, hint=CATALOGUE[code].fix, device=device)


def _unique(network: Network) -> Iterator[Finding]:
    owners: dict[str, list[str]] = defaultdict(list)
    for d in network:
        owners[d.loopback_ipv4].append(f"{d.name} loopback")
        if d.loopback_ipv6:
            owners[d.loopback_ipv6].append(f"{d.name} loopback")
        for i in d.interfaces:
            for cidr in (i.ipv4, i.ipv6):
                if cidr:
                    owners[cidr.partition("/")[0]].append(f"{d.name} {i.name}")
    for address, users in owners.items():
        if len(users) > 1:
            yield _at(users[0].split()[0], "BAG023", f"address {address} is assigned twice: {', '.join(users)}")
    router_ids = Counter(d.bgp.router_id for d in network)
    for d in network:
        if router_ids[d.bgp.router_id] > 1:
            yield _at(d.name, "BAG023", f"router ID {d.bgp.router_id} is not unique")


def _sessions(network: Network) -> Iterator[Finding]:
    """Each session (device, local address, peer address, family) must be mirrored by the peer."""
    sessions: dict[tuple[str, str, str], tuple[str, int, str]] = {}  # (device, peer, my address) -> ...
    for d in network:
        local_address: dict[tuple[str, str], str] = {}  # (interface, family) -> bare address
        for i in d.interfaces:
            if i.ipv4:
                local_address[(i.name, "ipv4")] = i.ipv4.partition("/")[0]
            if i.ipv6:
                local_address[(i.name, "ipv6")] = i.ipv6.partition("/")[0]
        for n in d.bgp.neighbors:
            mine = local_address.get((n.interface, n.family))
            if mine is None:
                yield _at(d.name, "BAG040", f"neighbor {n.address} uses {n.interface}, which has no {n.family} address")
                continue
            sessions[(d.name, mine, n.address)] = (n.peer, n.remote_as, n.family)
    devices = network.devices
    for (device, mine, theirs), (peer, remote_as, family) in sessions.items():
        back = sessions.get((peer, theirs, mine))
        if peer not in devices:
            yield _at(device, "BAG040", f"neighbor {theirs} names an unknown device {peer}")
        elif back is None:
            yield _at(device, "BAG040", f"{peer} has no {family} session from {theirs} back to {mine}")
        elif back[0] != device or back[2] != family:
            yield _at(device, "BAG040", f"session {mine} <-> {theirs} is seen as {back[0]} ({back[2]}) from {peer}")
        elif devices[peer].bgp.asn != remote_as:
            yield _at(
                device,
                "BAG040",
                f"neighbor {theirs} ({peer}) has remote-as {remote_as}, but {peer} runs AS {devices[peer].bgp.asn}",
            )

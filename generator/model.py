"""Vendor-neutral per-device models: the single source for rendering, diffs, audits and post-checks.

Everything a template needs is computed here, already in final form (addresses, ASNs, policy names,
link-bandwidth values encoded for the device's platform), so templates only loop and format.
Records are immutable NamedTuples: comparing two networks is a C-speed tuple comparison, which is
what makes diffing thousands of devices cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sort key that orders swp2 before swp10 and Ethernet1/2/1 before Ethernet1/10/1."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


class Interface(NamedTuple):
    name: str
    description: str
    speed: int  # bits per second
    ipv4: str  # "10.0.0.0/31" or ""
    ipv6: str  # "fd00::/127" or ""
    peer: str
    peer_interface: str
    kind: str  # "fabric" (BAG <-> fabric switch) or "inter" (BAG <-> BAG)
    macsec_profile: str  # "" when the link is not MACsec-protected
    port_mode: str = ""  # a breakout sub-interface's own speed setting where the platform sets it there (EOS 400g-4)


class Breakout(NamedTuple):
    """A physical port split into sub-interfaces: without its setting, they do not exist after a replace."""

    port: str  # the platform's name for the port (EOS Ethernet3/1, IOS XR Optics0/2/0/0, Junos et-2/0/0)
    lanes: int  # sub-interfaces
    speed: int  # bits per second of each
    mode: str  # the platform's spelling (EOS 400g-4, IOS XR 2x400, Junos 400g)


class Neighbor(NamedTuple):
    """One eBGP session: single-hop, one per link and address family (RFC 7938 5.2.1)."""

    address: str
    family: str  # "ipv4" | "ipv6"
    remote_as: int
    peer_group: str
    peer: str
    interface: str
    description: str
    speed: int  # capacity of the link under the session, bits per second


class PeerGroup(NamedTuple):
    name: str
    family: str
    import_policy: str
    export_policy: str
    allowas_in: int  # 0 = off
    shutdown: bool
    aggregate_bandwidth: bool  # advertise the cumulative link bandwidth of our multipaths
    password: str  # a secret reference "${ENV_NAME}", resolved only at push time; "" = none
    description: str


class PortRef(NamedTuple):
    """A physical position: which port of which line card, and which breakout lane of it."""

    line_card: int  # 1-based
    port: int  # 1-based within the line card
    lane: int  # 0 for a whole port, 1..lanes for a breakout sub-interface
    lanes: int  # 1 when the port is not broken out


class PrefixEntry(NamedTuple):
    seq: int
    action: str  # "permit" | "deny"
    prefix: str
    ge: int  # 0 = not set
    le: int  # 0 = not set


class PrefixList(NamedTuple):
    name: str
    family: str
    entries: tuple[PrefixEntry, ...]


class LinkBandwidth(NamedTuple):
    """A link-bandwidth extended community to attach (RFC 10005)."""

    mode: str  # "value" | "cumulative"
    bps: int  # the physical value in bits per second (0 for cumulative)
    transitive: bool
    encoded: str  # the platform's own spelling of the value, e.g. FRR "50" (scaled units)
    name: str  # a name for platforms that define the community separately (IOS-XR, Junos)


class PolicyTerm(NamedTuple):
    seq: int
    action: str  # "permit" | "deny"
    match_prefix_list: str  # "" matches every route
    link_bandwidth: LinkBandwidth | None


class Policy(NamedTuple):
    name: str
    family: str
    terms: tuple[PolicyTerm, ...]


class Bfd(NamedTuple):
    enabled: bool
    interval_ms: int
    multiplier: int


class AddressFamily(NamedTuple):
    family: str  # "ipv4" | "ipv6"
    networks: tuple[str, ...]  # prefixes this device originates in the family


class Bgp(NamedTuple):
    asn: int
    router_id: str
    maximum_paths: int
    multipath_relax: bool
    ucmp: bool
    on_missing: str  # receivers' handling of paths without the community: ecmp | skip | default-weight
    keepalive: int
    hold: int
    bfd: Bfd
    address_families: tuple[AddressFamily, ...]
    peer_groups: tuple[PeerGroup, ...]
    neighbors: tuple[Neighbor, ...]


class User(NamedTuple):
    name: str
    role: str  # the platform's spelling: EOS role, IOS XR group, Junos login class
    secret: str  # a crypt hash, or a reference "${ENV}" resolved at push time


class AaaServer(NamedTuple):
    address: str
    key: str  # always a reference "${ENV}"


class Management(NamedTuple):
    """What keeps a device reachable and manageable after a full replace (compiled from `management`)."""

    interface: str
    vrf: str  # the platform's name for it (Junos: always mgmt_junos)
    ipv4: str  # "192.0.2.10/24" or "" when no pool covers the device
    gateway: str
    users: tuple[User, ...]
    tacacs: tuple[AaaServer, ...]
    radius: tuple[AaaServer, ...]
    ntp: tuple[str, ...]
    syslog: tuple[str, ...]
    snmp_community: str  # "${ENV}" or ""
    snmp_location: str
    snmp_contact: str
    lldp: bool
    raw: tuple[str, ...]  # this platform's raw lines
    services: tuple[str, ...] = ()  # what operators and NAPALM log in with, in the VRF: ("ssh", "eapi"|"netconf")


class Macsec(NamedTuple):
    """A MACsec profile with pre-shared key material as "${ENV}" references (never the key itself)."""

    name: str
    cipher: str  # the platform's spelling of the cipher suite
    ckn: str
    cak: str
    key_server_priority: int


class Device(NamedTuple):
    name: str
    platform: str
    role: str  # "bag" | "spine" | "edge"
    region: str
    plane: int
    switch: int  # 1-based number within its plane
    fabric: str  # "" for BAG switches
    hardware: str
    model: str
    os_version: str
    drained: bool
    data_hall: str
    power_domain: str
    loopback_ipv4: str
    loopback_ipv6: str
    mtu: int
    lbw_unit_bps: int  # network-wide link-bandwidth scale: 1 encoded Mbps = this many bps
    interfaces: tuple[Interface, ...]
    prefix_lists: tuple[PrefixList, ...]
    policies: tuple[Policy, ...]
    bgp: Bgp
    interface_mtu: int = 0  # `mtu` as the platform means it (IOS XR, Junos: IP MTU + Ethernet header)
    management: Management | None = None
    macsec: tuple[Macsec, ...] = ()  # the profiles this device's interfaces use
    breakouts: tuple[Breakout, ...] = ()  # ports split into sub-interfaces, in port order


@dataclass(frozen=True, slots=True)
class Network:
    """All devices of one intent, in deterministic order, plus network-wide facts."""

    name: str
    devices: dict[str, Device]
    lbw_unit_bps: int
    lbw_unit_exact: bool
    warnings: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Device]:
        return iter(self.devices.values())

    def __len__(self) -> int:
        return len(self.devices)

    @property
    def session_count(self) -> int:
        """eBGP sessions (each has a neighbor entry on both of its ends)."""
        return sum(len(d.bgp.neighbors) for d in self.devices.values()) // 2


def max_length(prefix: str) -> int:
    return 32 if ":" not in prefix else 128


def length_range(entry: PrefixEntry) -> tuple[int, int]:
    """The prefix lengths an entry matches: no ge/le is exact; `ge N` alone runs to the host length."""
    length = int(entry.prefix.rsplit("/", 1)[1])
    if not entry.ge and not entry.le:
        return length, length
    return entry.ge or length, entry.le or max_length(entry.prefix)


def bandwidth_communities(device: Device) -> tuple[LinkBandwidth, ...]:
    """The distinct fixed link-bandwidth values a device sets: IOS XR and Junos define each once, by name."""
    seen: dict[str, LinkBandwidth] = {}
    for policy in device.policies:
        for term in policy.terms:
            lbw = term.link_bandwidth
            if lbw is not None and lbw.mode == "value":
                seen.setdefault(lbw.name, lbw)
    return tuple(seen[name] for name in sorted(seen, key=natural_key))


def allowas_in(device: Device) -> int:
    """Most repeats of its own AS any peer group accepts (Junos sets this once, for the whole router)."""
    return max((g.allowas_in for g in device.bgp.peer_groups), default=0)


def with_groups(device: Device) -> Iterator[tuple[Neighbor, PeerGroup]]:
    """Each neighbour with its peer group, which carries its policies, drain and bandwidth settings."""
    groups = {g.name: g for g in device.bgp.peer_groups}
    for neighbor in device.bgp.neighbors:
        yield neighbor, groups[neighbor.peer_group]

"""Cisco IOS XR: interface names by speed, link-bandwidth extcommunity-set members, dotted masks."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from generator.model import Breakout, PortRef
from generator.platforms.common import global_admin

NAME = "iosxr"
# NAPALM's NETCONF driver (64-bit IOS XR, the 8000 series); its XML-agent `iosxr` driver needs the
# 32-bit XML agent, which MGMT_SERVICES below does not enable
NAPALM_DRIVER = "iosxr_netconf"
ANSIBLE = ("cisco.iosxr.iosxr", "ansible.netcommon.network_cli")  # cisco.iosxr collection, "iosxr_command"
READBACK_SYNTAX = "ios"
AGGREGATE_IN_POLICY = False  # `ebgp-send-extcommunity-dmz cumulative` is set per neighbour

# Interface `mtu` is the L2 MTU including the 14-byte Ethernet header, without FCS; IP MTU = mtu - 14 (IOS XR
# Interface and Hardware Component Configuration Guide, "Configuring Ethernet Interfaces" > "Ethernet MTU").
L2_OVERHEAD = 14
MAX_INTERFACE_MTU = 9646  # Cisco 8000 ports
MGMT_INTERFACE = "MgmtEth0/RP0/CPU0/0"
MGMT_VRF = ""
MGMT_INTERFACE_RE: str | None = r"MgmtEth[0-9]+/(?:RP|RSP)[0-9]+/CPU[0-9]+/[0-9]+"
MGMT_INTERFACE_FORMS = "MgmtEth<rack>/RP<n>/CPU0/<port> (e.g. MgmtEth0/RP0/CPU0/0, MgmtEth0/RSP1/CPU0/0)"
# `username NAME / secret 10 HASH`: type 10 is a SHA-512 crypt string; other hashes need other types (5, 8, 9).
CRYPT_SCHEMES: tuple[str, ...] = ("$6$",)
RESERVED_USERS: tuple[str, ...] = ()
NEEDS_ADMIN_USER = False
# Raw lines never end config mode or act on the target configuration of a `commit replace` session (`end`,
# `exit` leave config mode, `abort` drops the target configuration, `commit` commits it half-way).
RAW_REFUSED_COMMANDS: tuple[str, ...] = (
    "end",
    "exit",
    "exit-address-family",
    "exit-vrf",
    "abort",
    "commit",
    "quit",
)
RAW_BRACE_STATEMENTS = False
# `ssh server vrf X` and NETCONF over SSH (`netconf-yang agent ssh`, `ssh server netconf vrf X`): the project's
# inventories use NAPALM's iosxr_netconf driver (ncclient, port 830; netlab netsim/install/libvirt/iosxr.txt).
MGMT_SERVICES: tuple[str, ...] = ("ssh", "netconf")
# An `extcommunity-set bandwidth` member AS:VALUE carries a 32-bit VALUE, in bits per second
# (templates/iosxr/device.j2): 4.29 Gbps. Sums are the router's own (sent as IEEE float), so only values are limited.
LBW_LIMITS: tuple[float, float] | None = ((2**32 - 1) / 10**6, float("inf"))
ROLES: Mapping[str, str] = {
    "admin": "root-lr",
    "read-only": "operator",
}  # IOS XR System Security Configuration Guide, "Predefined user groups"
CIPHERS: Mapping[str, str] = {  # IOS XR "Configuring MACsec" > "MACsec policy"
    "gcm-aes-xpn-256": "GCM-AES-XPN-256",
    "gcm-aes-256": "GCM-AES-256",
    "gcm-aes-xpn-128": "GCM-AES-XPN-128",
    "gcm-aes-128": "GCM-AES-128",
}

_PREFIX = {
    1_600_000_000_000: "OneDotSixTbE",
    800_000_000_000: "EightHundredGigE",
    400_000_000_000: "FourHundredGigE",
    200_000_000_000: "TwoHundredGigE",
    100_000_000_000: "HundredGigE",
    50_000_000_000: "FiftyGigE",
    25_000_000_000: "TwentyFiveGigE",
    10_000_000_000: "TenGigE",
}


def ipv4_mask(prefix: str) -> str:
    """IOS XR shows IPv4 addresses with a dotted mask: 10.0.0.0/31 -> "10.0.0.0 255.255.255.254"."""
    interface = ipaddress.IPv4Interface(prefix)
    return f"{interface.ip} {interface.netmask}"


FILTERS: Mapping[str, Callable[..., Any]] = {"ipv4_mask": ipv4_mask}


@cache
def interface_name(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str:
    name = f"{_PREFIX.get(speed, 'HundredGigE')}0/{ref.line_card - 1}/0/{ref.port - 1}"
    return name if ref.lane == 0 else f"{name}/{ref.lane - 1}"


@cache
def breakout(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> Breakout:
    """`controller Optics0/L/0/P / breakout 2x400` creates FourHundredGigE0/L/0/P/0 and /1 (xrdocs.io,
    "Introducing NC57-48Q2D": `controller Optics0/5/0/48 / breakout 4x100`; Cisco 8000 Interface and Hardware
    Component Configuration Guide, "Configuring Breakout")."""
    return Breakout(f"Optics0/{ref.line_card - 1}/0/{ref.port - 1}", ref.lanes, speed, f"{ref.lanes}x{speed // 10**9}")


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """A member of `extcommunity-set bandwidth`: AS:bits per second (see templates/iosxr/policy.j2 for the source)."""
    return f"{global_admin(asn)}:{wire_bps}"

"""Juniper Junos: et- interface names, bandwidth communities in bytes per second, route-filter lengths."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from generator.model import Breakout, PortRef, PrefixEntry, length_range
from generator.platforms.common import global_admin

NAME = "junos"
NAPALM_DRIVER = "junos"
ANSIBLE = ("junipernetworks.junos.junos", "ansible.netcommon.netconf")  # junipernetworks.junos, "junos_command"
READBACK_SYNTAX = "junos"
AGGREGATE_IN_POLICY = True  # `then aggregate-bandwidth` in the export policy

# Physical-interface `mtu` is the media MTU including the Ethernet header (Junos "Media MTU Overview":
# Ethernet default media MTU 1514 for IP MTU 1500); 9216 is the lowest common maximum of PTX/QFX/MX.
L2_OVERHEAD = 14
MAX_INTERFACE_MTU = 9216
MGMT_INTERFACE = "fxp0"  # PTX/MX routing engines; QFX uses em0
MGMT_INTERFACES = ("fxp0", "em0", "em1", "re0:mgmt-0", "re1:mgmt-0")  # what `system management-instance` moves
MGMT_VRF = "mgmt_junos"  # always (Junos "Management Interface in a Non-Default Instance")
MGMT_INTERFACE_RE: str | None = "|".join(MGMT_INTERFACES)
MGMT_INTERFACE_FORMS = ", ".join(MGMT_INTERFACES) + " (what `system management-instance` moves into mgmt_junos)"
# `encrypted-password`: MD5, SHA-256 or SHA-512 crypt (Junos "format (edit system login password)":
# md5 | sha1 | sha256 | sha512); yescrypt is not among them.
CRYPT_SCHEMES: tuple[str, ...] = ("$6$", "$5$")
# `root` is always present and configured only by `root-authentication` (Junos "User Accounts"), which
# a commit requires: the template takes it from the first admin user, so there must be one.
RESERVED_USERS: tuple[str, ...] = ("root",)
NEEDS_ADMIN_USER = True
RAW_REFUSED_COMMANDS: tuple[str, ...] = ()  # a `load override` file holds statements, not commands
RAW_BRACE_STATEMENTS = True  # raw lines are statements in brace form: braces and quotes must balance
# `system services ssh` and `netconf ssh`: NAPALM's junos driver is NETCONF over SSH (PyEZ, port 22 or 830);
# netlab netsim/install/libvirt/vptx/juniper.conf. Inbound services follow management-instance.
LBW_LIMITS: tuple[float, float] | None = None  # real values fit: see encode_lbw
MGMT_SERVICES: tuple[str, ...] = ("ssh", "netconf")
ROLES: Mapping[str, str] = {"admin": "super-user", "read-only": "read-only"}  # Junos "Predefined System Login Classes"
CIPHERS: Mapping[str, str] = {c: c for c in ("gcm-aes-xpn-256", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-128")}


def junos_length_range(entry: PrefixEntry) -> str:
    low, high = length_range(entry)
    length = int(entry.prefix.rsplit("/", 1)[1])
    return "exact" if low == high == length else f"prefix-length-range /{low}-/{high}"


FILTERS: Mapping[str, Callable[..., Any]] = {"junos_length_range": junos_length_range}


@cache
def interface_name(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str:
    name = f"et-{ref.line_card - 1}/0/{ref.port - 1}"
    return name if ref.lane == 0 else f"{name}:{ref.lane - 1}"


@cache
def breakout(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> Breakout:
    """`interfaces et-L/0/P { number-of-sub-ports 2; speed 400g; }` creates et-L/0/P:0 and :1 (Junos OS Evolved
    "Port Speed" > interface-level configuration;
    openconfig/featureprofiles topologies/kne/juniper/ncptx/config.cfg)."""
    return Breakout(f"et-{ref.line_card - 1}/0/{ref.port - 1}", ref.lanes, speed, f"{speed // 10**9}g")


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """`community NAME members bandwidth:AS:BYTES_PER_SECOND`."""
    return f"bandwidth:{global_admin(asn)}:{wire_bps // 8}"

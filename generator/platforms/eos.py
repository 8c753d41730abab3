"""Arista EOS: interface names, link-bandwidth encoding, audit syntax, NAPALM driver."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from generator.model import Breakout, PortRef
from generator.platforms.common import OSFP_LANES

NAME = "eos"
NAPALM_DRIVER = "eos"
ANSIBLE = ("arista.eos.eos", "ansible.netcommon.network_cli")  # arista.eos collection, "eos_command"
READBACK_SYNTAX = "ios"
AGGREGATE_IN_POLICY = False  # `neighbor X link-bandwidth ... aggregate` is set per neighbour

# One IP MTU in the intent; EOS `mtu` on a routed port is the IP MTU (EOS User Manual, "Ethernet Ports" >
# "MTU": L3 range 68-9214). See generator/compile/mtu.py.
L2_OVERHEAD = 0
MAX_INTERFACE_MTU = 9214
MGMT_INTERFACE = "Management1"  # fixed systems; chassis with two supervisors use Management0 (per hardware profile)
MGMT_VRF = ""  # the intent's VRF name
MGMT_INTERFACE_RE: str | None = r"Management[0-9]+(?:/[0-9]+)?"  # Management1, Management0, Management1/1
MGMT_INTERFACE_FORMS = "Management<N> or Management<N>/<N> (e.g. Management1, Management0 on dual-supervisor chassis)"
# `username NAME ... secret sha512 HASH`: SHA-512 crypt only (EOS User Manual, "username").
CRYPT_SCHEMES: tuple[str, ...] = ("$6$",)
RESERVED_USERS: tuple[str, ...] = ()
NEEDS_ADMIN_USER = False
# Raw lines never end config mode or act on the config session NAPALM's eos driver opens (`configure session`;
# `end` and `exit` leave it, `abort` drops it, `commit` commits it half-way); `quit` is refused for good measure.
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
# SSH does not listen in a non-default VRF until enabled there, and NAPALM's eos driver speaks eAPI
# (pyeapi over HTTPS), which is off by default (AVD eos_cli_config_gen management-ssh.j2 and
# management-api-http.j2: `vrf X / no shutdown` under `management ssh` and `management api http-commands`).
LBW_LIMITS: tuple[float, float] | None = None  # real values fit: see encode_lbw
MGMT_SERVICES: tuple[str, ...] = ("ssh", "eapi")
ROLES: Mapping[str, str] = {
    "admin": "network-admin",
    "read-only": "network-operator",
}  # EOS User Manual, "User Accounts"
CIPHERS: Mapping[str, str] = {  # EOS User Manual, "MACsec" > "cipher"
    "gcm-aes-xpn-256": "aes256-gcm-xpn",
    "gcm-aes-256": "aes256-gcm",
    "gcm-aes-xpn-128": "aes128-gcm-xpn",
    "gcm-aes-128": "aes128-gcm",
}
FILTERS: Mapping[str, Callable[..., Any]] = {}


def _lane(ref: PortRef) -> int:
    """EOS numbers breakout sub-interfaces by their first electrical lane: 2x400G -> /1 and /5."""
    if ref.lane == 0:
        return 1
    step = OSFP_LANES // ref.lanes if OSFP_LANES % ref.lanes == 0 else 1
    return 1 + (ref.lane - 1) * step


@cache  # thousands of identical switches share every name: compute each one once
def interface_name(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str:
    if line_cards > 1:
        return f"Ethernet{ref.line_card}/{ref.port}/{_lane(ref)}"
    return f"Ethernet{ref.port}/{_lane(ref)}"


@cache
def breakout(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> Breakout:
    """`speed 400g-4` on each sub-interface: its speed and the electrical lanes of the 8-lane OSFP it uses
    (EOS User Manual, "Ethernet Ports" > port speed `<speed>-<lanes>`; AVD eos_cli_config_gen `speed` examples
    such as `speed 100g-2`). The sub-interfaces /1 and /5 of a 2x400G port then exist; the port is EthernetC/P."""
    port = f"Ethernet{ref.line_card}/{ref.port}" if line_cards > 1 else f"Ethernet{ref.port}"
    return Breakout(port, ref.lanes, speed, f"{speed // 10**9}g-{OSFP_LANES // ref.lanes}")


_LBW_SUFFIXES = (("G", 10**9), ("M", 10**6), ("K", 10**3))


def eos_lbw(bps: int) -> str:
    """EOS `set extcommunity lbw` value: a plain number of bits per second or `nn.nn` with K, M or G.

    EOS has no T suffix, so 1.6 Tbps is written 1600G (EOS User Manual, "set extcommunity (route-map)":
    the lbw value is `0-4294967295` or `nn.nn(K|M|G)`). The largest suffix that keeps a whole number or two
    decimals is used; anything finer is written as the plain number.
    """
    for suffix, factor in _LBW_SUFFIXES:
        if bps >= factor and (bps * 100) % factor == 0:
            value = Decimal(bps) / factor
            return f"{value.normalize():f}{suffix}"
    return str(bps)


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """`set extcommunity lbw VALUE`: bits per second, plain or with K/M/G (no T)."""
    return eos_lbw(wire_bps)

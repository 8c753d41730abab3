"""FRRouting: interface names (Cumulus/SONiC style swpN), link-bandwidth in (scaled) Mbps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from generator.model import Breakout, PortRef
from generator.platforms.common import flat_port

NAME = "frr"
NAPALM_DRIVER = "frr"  # napalm_frr/, this repository's driver
ANSIBLE = ("frr.frr.frr", "ansible.netcommon.network_cli")  # frr.frr collection
READBACK_SYNTAX = "ios"
AGGREGATE_IN_POLICY = True  # `set extcommunity bandwidth cumulative` in the outbound route-map

# The MTU is a property of the Linux interface, not of FRR's config: nothing is rendered.
L2_OVERHEAD = 0
MAX_INTERFACE_MTU = 65535
MGMT_INTERFACE = ""  # the lab reaches devices through nsenter; a real box's management stays Linux's
MGMT_VRF = ""
MGMT_INTERFACE_RE: str | None = None  # no management interface is rendered
MGMT_INTERFACE_FORMS = ""
CRYPT_SCHEMES: tuple[str, ...] = ("$6$", "$5$", "$y$")  # users are not rendered (FRR keeps Linux's)
RESERVED_USERS: tuple[str, ...] = ()
NEEDS_ADMIN_USER = False
# vtysh reads `end` and `exit` (and `quit`, and the block ends exit-address-family and exit-vrf) as the end of
# the config or of a node: the lines after a raw one are appended at top level.
RAW_REFUSED_COMMANDS: tuple[str, ...] = ("end", "exit", "quit", "exit-address-family", "exit-vrf")
RAW_BRACE_STATEMENTS = False
# `set extcommunity bandwidth` takes 1-25600 Mbps, and 8.4 decodes 2^32 bytes/s (34359.74 Mbps) or more wrongly
LBW_LIMITS: tuple[float, float] | None = (25600.0, 2**32 / 125_000)
MGMT_SERVICES: tuple[str, ...] = ()  # the lab reaches FRR through nsenter; a real FRR box keeps its own sshd
ROLES: Mapping[str, str] = {"admin": "admin", "read-only": "read-only"}
CIPHERS: Mapping[str, str] = {}
FILTERS: Mapping[str, Callable[..., Any]] = {}


@cache
def interface_name(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str:
    number = flat_port(ports_per_line_card, ref.line_card, ref.port)
    return f"swp{number}" if ref.lane == 0 else f"swp{number}s{ref.lane - 1}"


def breakout(line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> Breakout | None:
    """None: a port's breakout belongs to the NOS below FRR (SONiC's port config, the Linux driver)."""
    return None


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """`set extcommunity bandwidth N`: Mbps; scaled networks use the network-wide unit (see compile.bandwidth)."""
    mbps = wire_bps // 10**6
    return str(mbps if scaled else max(1, mbps))

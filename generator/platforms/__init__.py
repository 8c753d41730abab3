"""One module per platform, holding everything that differs between them.

A platform module gives interface names, breakouts, the encoding of a link-bandwidth value and its
limits, the template folder and its Jinja filters, MTU and management conventions, the ciscoconfparse2
syntax the parse-back audit reads it with, and the NAPALM driver and Ansible names that reach it.
Adding a fifth platform means one module here, its templates, and one line in `PLATFORMS`; plus,
where it is a new kind of syntax or lab node, a reader in validators/readback.py (the checks live in
the brief's validators/ folder, above this layer) and a containerlab kind in deploy/containerlab.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from generator.model import Breakout, PortRef
from generator.platforms import eos, frr, iosxr, junos


class Platform(Protocol):
    NAME: str
    NAPALM_DRIVER: str  # napalm.get_network_driver(NAPALM_DRIVER), the inventories' platform
    ANSIBLE: tuple[str, str]  # Ansible network_os and connection plugin (the collection's own docs)
    READBACK_SYNTAX: str  # ciscoconfparse2 syntax the audit reads the config with
    AGGREGATE_IN_POLICY: bool  # cumulative link bandwidth is set in the export policy (else per neighbour)
    FILTERS: Mapping[str, Callable[..., Any]]  # Jinja filters its templates use
    L2_OVERHEAD: int  # bytes the interface `mtu` statement counts beyond the IP MTU
    MAX_INTERFACE_MTU: int
    MGMT_INTERFACE: str  # default management interface ("" when the platform renders none)
    MGMT_VRF: str  # a VRF name the platform imposes ("" = the intent's)
    MGMT_INTERFACE_RE: str | None  # what a management interface name must fullmatch (None: none is rendered)
    MGMT_INTERFACE_FORMS: str  # the same, for a person
    CRYPT_SCHEMES: tuple[str, ...]  # crypt(3) prefixes ($6$...) its local users' hashes may have
    RESERVED_USERS: tuple[str, ...]  # login names the platform keeps for itself
    NEEDS_ADMIN_USER: bool  # the config is refused without an admin user (Junos root-authentication)
    RAW_REFUSED_COMMANDS: tuple[str, ...]  # commands (and their abbreviations) a raw line may not start with
    RAW_BRACE_STATEMENTS: bool  # raw lines are brace-form statements (braces and quotes balance)
    # what a config can carry, in encoded Mbps: (largest value, sums below), None: real values fit
    LBW_LIMITS: tuple[float, float] | None
    MGMT_SERVICES: tuple[str, ...]  # remote access it renders in that VRF: SSH and its NAPALM driver's API
    ROLES: Mapping[str, str]  # intent role (admin, read-only) -> the platform's user role or class
    CIPHERS: Mapping[str, str]  # intent MACsec cipher -> the platform's spelling

    def interface_name(self, line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str: ...

    def encode_lbw(self, wire_bps: int, scaled: bool, asn: int) -> str: ...

    def breakout(self, line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> Breakout | None:
        """The setting that splits the port of a breakout sub-interface (None: the platform renders none)."""
        ...


PLATFORMS: Mapping[str, Platform] = {"eos": eos, "frr": frr, "iosxr": iosxr, "junos": junos}


def platform(name: str) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORMS)})") from None


def template_filters() -> dict[str, Callable[..., Any]]:
    """Every platform's Jinja filters, for the one shared environment."""
    filters: dict[str, Callable[..., Any]] = {}
    for module in PLATFORMS.values():
        filters.update(module.FILTERS)
    return filters

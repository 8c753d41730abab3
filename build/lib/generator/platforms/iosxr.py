"""Cisco IOS XR: interface names by speed, link-bandwidth extcommunity-set members, dotted masks."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from generator.model import PortRef
from generator.platforms.common import global_admin

NAME = "iosxr"
NAPALM_DRIVER = "iosxr"
READBACK_SYNTAX = "ios"
AGGREGATE_IN_POLICY = False  # `ebgp-send-extcommunity-dmz cumulative` is set per neighbour

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


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """A member of `extcommunity-set bandwidth`: AS:kbps."""
    return f"{global_admin(asn)}:{wire_bps // 1000}"

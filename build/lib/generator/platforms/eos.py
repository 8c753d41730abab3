"""Arista EOS: interface names, link-bandwidth encoding, audit syntax, NAPALM driver."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from generator.model import PortRef
from generator.platforms.common import OSFP_LANES
from generator.units import speed_token

NAME = "eos"
NAPALM_DRIVER = "eos"
READBACK_SYNTAX = "ios"
AGGREGATE_IN_POLICY = False  # `neighbor X link-bandwidth ... aggregate` is set per neighbour
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


def encode_lbw(wire_bps: int, scaled: bool, asn: int) -> str:
    """`set extcommunity lbw VALUE`: bits per second with a K/M/G suffix."""
    return speed_token(wire_bps)

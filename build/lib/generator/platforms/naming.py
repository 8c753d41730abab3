"""Interface names in each platform's own convention, from a (line card, port, lane) position."""

from __future__ import annotations

from functools import cache

from generator.compile.ports import PortRef
from generator.intent.schema import Hardware

_IOSXR_PREFIX = {
    1_600_000_000_000: "OneDotSixTbE",
    800_000_000_000: "EightHundredGigE",
    400_000_000_000: "FourHundredGigE",
    200_000_000_000: "TwoHundredGigE",
    100_000_000_000: "HundredGigE",
    50_000_000_000: "FiftyGigE",
    25_000_000_000: "TwentyFiveGigE",
    10_000_000_000: "TenGigE",
}
OSFP_LANES = 8


def _eos_lane(ref: PortRef) -> int:
    """EOS numbers breakout sub-interfaces by their first electrical lane: 2x400G -> /1 and /5."""
    if ref.lane == 0:
        return 1
    step = OSFP_LANES // ref.lanes if OSFP_LANES % ref.lanes == 0 else 1
    return 1 + (ref.lane - 1) * step


def interface_name(platform: str, hw: Hardware, ref: PortRef, speed: int) -> str:
    return _name(platform, hw.line_cards, hw.ports_per_line_card, ref, speed)


@cache  # thousands of identical switches share every name: compute each one once
def _name(platform: str, line_cards: int, ports_per_line_card: int, ref: PortRef, speed: int) -> str:
    if platform == "eos":
        lane = _eos_lane(ref)
        if line_cards > 1:
            return f"Ethernet{ref.line_card}/{ref.port}/{lane}"
        return f"Ethernet{ref.port}/{lane}"
    if platform == "frr":
        number = (ref.line_card - 1) * ports_per_line_card + ref.port
        return f"swp{number}" if ref.lane == 0 else f"swp{number}s{ref.lane - 1}"
    if platform == "iosxr":
        prefix = _IOSXR_PREFIX.get(speed, "HundredGigE")
        name = f"{prefix}0/{ref.line_card - 1}/0/{ref.port - 1}"
        return name if ref.lane == 0 else f"{name}/{ref.lane - 1}"
    if platform == "junos":
        name = f"et-{ref.line_card - 1}/0/{ref.port - 1}"
        return name if ref.lane == 0 else f"{name}:{ref.lane - 1}"
    raise ValueError(f"unknown platform {platform}")

"""Port striping: which port of which line card carries which link.

Consecutive links of a device are striped across line cards (port 1 of every card, then port 2 ...),
so that the links to one peer never share a line card when they need not: a line-card failure then
costs every peer the same small share instead of all of one peer's capacity.
Fabric-facing links fill the striped order from the front and BAG-to-BAG links from the back, so a
change in one class never moves the ports (and hence the addresses) of the other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from generator.intent.schema import Hardware
from generator.model import PortRef


class PortCapacityError(ValueError):
    def __init__(self, needed: int, available: int) -> None:
        super().__init__(f"needs {needed} ports, the hardware has {available}")
        self.needed = needed
        self.available = available


def lanes_for(hw: Hardware, speed: int) -> int | None:
    """Sub-interfaces per port for a link of `speed`, or None when the hardware cannot run it."""
    if speed == hw.port_speed:
        return 1
    for breakout in hw.breakouts:
        if breakout.speed == speed:
            return breakout.lanes
    return None


def slots_per_port(hw: Hardware) -> int:
    """Address slots reserved per physical port (the widest breakout the profile allows)."""
    return max([1, *(b.lanes for b in hw.breakouts)])


def striped_positions(hw: Hardware) -> tuple[tuple[int, int], ...]:
    return _striped(hw.line_cards, hw.ports_per_line_card)


@cache
def _striped(line_cards: int, ports_per_line_card: int) -> tuple[tuple[int, int], ...]:
    return tuple((lc, port) for port in range(1, ports_per_line_card + 1) for lc in range(1, line_cards + 1))


def _groups(speeds: Sequence[int]) -> dict[int, list[int]]:
    """Link indexes per speed, speeds in order of first appearance."""
    groups: dict[int, list[int]] = {}
    for i, speed in enumerate(speeds):
        groups.setdefault(speed, []).append(i)
    return groups


def ports_needed(hw: Hardware, speeds: Iterable[int]) -> int:
    """Physical ports used by links of these speeds (breakout lanes share a port)."""
    total = 0
    for speed, count in Counter(speeds).items():
        lanes = lanes_for(hw, speed)
        if lanes is None:
            raise ValueError(f"speed {speed} is not supported by this hardware")
        total += -(-count // lanes)
    return total


@cache
def _whole_ports(line_cards: int, ports_per_line_card: int, backwards: bool) -> tuple[PortRef, ...]:
    """Striped whole-port references, shared by every switch of the same shape."""
    order = _striped(line_cards, ports_per_line_card)
    return tuple(PortRef(lc, port, 0, 1) for lc, port in (reversed(order) if backwards else order))


def _place(hw: Hardware, speeds: Sequence[int], positions: Iterable[tuple[int, int]], backwards: bool) -> list[PortRef]:
    if speeds and speeds.count(hw.port_speed) == len(speeds):  # common case: whole ports only
        return list(_whole_ports(hw.line_cards, hw.ports_per_line_card, backwards)[: len(speeds)])
    refs: list[PortRef | None] = [None] * len(speeds)
    free = iter(positions)
    for speed, members in _groups(speeds).items():
        lanes = lanes_for(hw, speed)
        if lanes is None:
            raise ValueError(f"speed {speed} is not supported by this hardware")
        count = -(-len(members) // lanes)
        ports = [next(free) for _ in range(count)]
        for j, link in enumerate(members):
            lc, port = ports[j % count]
            refs[link] = PortRef(lc, port, 0 if lanes == 1 else j // count + 1, lanes)
    return [ref for ref in refs if ref is not None]


def allocate(hw: Hardware, front: Sequence[int], back: Sequence[int]) -> tuple[list[PortRef], list[PortRef]]:
    """Ports for `front` links (from the first striped position) and `back` links (from the last)."""
    needed = ports_needed(hw, front) + ports_needed(hw, back)
    if needed > hw.ports:
        raise PortCapacityError(needed, hw.ports)
    order = striped_positions(hw)
    return _place(hw, front, order, False), _place(hw, back, reversed(order), True)


def slot(hw: Hardware, ref: PortRef) -> int:
    """Stable address slot of a port: follows the cable, independent of other links' counts."""
    position = (ref.line_card - 1) * hw.ports_per_line_card + (ref.port - 1)
    return position * slots_per_port(hw) + max(ref.lane - 1, 0)

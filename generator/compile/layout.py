"""Physical layout: the port of every link end, each link's address slot, loopback indexes, ASNs.

Pure function of the intent and its wiring; computed once per build and shared by the compiler and
by the checks that need real numbers (pool sizes, port usage).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from operator import itemgetter

from generator.compile import ports
from generator.compile.wiring import Wiring
from generator.intent.schema import Intent
from generator.model import PortRef


@dataclass(frozen=True, slots=True)
class Layout:
    a_port: list[PortRef]  # per link index
    b_port: list[PortRef]
    slot: list[int]  # address slot within the link's pool
    loopback_index: dict[str, int]  # per device, within its region's loopback pools
    asn: dict[str, int]


def bag_block(plane: int, index: int, switches_per_plane: int) -> int:
    return (plane - 1) * switches_per_plane + (index - 1)


def assign_ports(intent: Intent, wiring: Wiring) -> tuple[list[PortRef], list[PortRef]]:
    """Stripe every device's links over its ports (raises PortCapacityError when they do not fit).

    Allocation is a pure function of the hardware and the two speed sequences, and thousands of
    switches share both: each distinct shape is allocated once."""
    n = len(wiring.links)
    a_port: list[PortRef | None] = [None] * n
    b_port: list[PortRef | None] = [None] * n
    links = wiring.links
    shapes: dict[tuple[str, tuple[int, ...], tuple[int, ...]], tuple[list[PortRef], list[PortRef]]] = {}
    link, speed = links.__getitem__, itemgetter(3)  # LinkStub.speed
    for name, node in wiring.nodes.items():
        mine = wiring.links_of[name]
        if node.role == "bag":
            front = [i for i in mine if links[i].kind == "fabric"]
            back = [i for i in mine if links[i].kind == "inter"]
        else:  # a fabric switch has fabric links only, and is their `b` end (wiring: `a` is the BAG side)
            front, back = mine, []
        shape = (node.hardware, tuple(map(speed, map(link, front))), tuple(map(speed, map(link, back))))
        refs = shapes.get(shape)
        if refs is None:
            refs = shapes[shape] = ports.allocate(intent.hardware[node.hardware], shape[1], shape[2])
        if node.role != "bag":
            deque(map(b_port.__setitem__, front, refs[0]), maxlen=0)  # b_port[i] = ref, in C
            continue
        for i, ref in zip(front + back, refs[0] + refs[1], strict=True):
            if links[i].a == name:
                a_port[i] = ref
            else:
                b_port[i] = ref
    return [p for p in a_port if p is not None], [p for p in b_port if p is not None]


def assign_asns(intent: Intent, wiring: Wiring) -> dict[str, int]:
    """RFC 7938 style ASNs, allocated in intent order (append new regions/fabrics to keep them stable)."""
    plan = intent.asn
    asn: dict[str, int] = {}
    bag_next = plan.bag_base
    bag_keys: dict[tuple[object, ...], int] = {}
    fabric_keys: dict[tuple[object, ...], int] = {}
    fabric_next = {"": plan.fabric_base}
    for node in wiring.nodes.values():
        if node.role == "bag":
            key: tuple[object, ...] = {
                "region": (node.region,),
                "plane": (node.region, node.plane),
                "switch": (node.name,),
            }[plan.bag_scope]
            if key not in bag_keys:
                bag_keys[key] = bag_next
                bag_next += 1
            asn[node.name] = bag_keys[key]
        else:
            counter = node.region if plan.reuse_fabric_asns_across_regions else ""
            key = {
                "fabric": (node.region, node.fabric),
                "plane": (node.region, node.fabric, node.plane),
                "switch": (node.name,),
            }[plan.fabric_scope]
            if key not in fabric_keys:
                value = fabric_next.setdefault(counter, plan.fabric_base)
                fabric_keys[key] = value
                fabric_next[counter] = value + 1
            asn[node.name] = fabric_keys[key]
    return asn


def layout(intent: Intent, wiring: Wiring) -> Layout:
    a_port, b_port = assign_ports(intent, wiring)
    regions = {r.name: r for r in intent.regions}
    # per anchor device: (first slot of its block, slots per port, ports per line card)
    anchors: dict[str, tuple[int, int, int]] = {}
    for name, node in wiring.nodes.items():
        if node.role == "bag":
            hw = intent.hardware[node.hardware]
            per_port = ports.slots_per_port(hw)
            block = bag_block(node.plane, node.index, regions[node.region].bag.switches_per_plane)
            anchors[name] = (block * hw.ports * per_port, per_port, hw.ports_per_line_card)
    slots: list[int] = []
    append = slots.append
    for (_, a, _, _, _), (line_card, port, lane, _) in zip(wiring.links, a_port, strict=True):
        first, per_port, per_card = anchors[a]
        append(first + ((line_card - 1) * per_card + port - 1) * per_port + (lane - 1 if lane else 0))
    loopback_index: dict[str, int] = {}
    counters: dict[str, int] = {}
    for name, node in wiring.nodes.items():
        loopback_index[name] = counters.get(node.region, 0)
        counters[node.region] = loopback_index[name] + 1
    return Layout(a_port, b_port, slots, loopback_index, assign_asns(intent, wiring))

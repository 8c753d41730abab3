"""Compiling an intent: wiring, port striping, addresses, ASNs, sessions and UCMP weights."""

from __future__ import annotations

import ipaddress
from collections import Counter
from typing import Any

import pytest

from generator.compile.ucmp import expected_paths, normalized, weights_by_peer
from generator.intent.loader import load_intent
from generator.model import Network
from generator.pipeline import Compiled, compile_loaded

from .conftest import LAB


@pytest.fixture(scope="module")
def lab() -> Compiled:
    return compile_loaded(load_intent(LAB))


def compiled(write_intent, data: dict[str, Any]) -> Compiled:
    return compile_loaded(load_intent(write_intent(data)))


def test_lab_has_the_devices_and_sessions_of_its_intent(lab: Compiled) -> None:
    network = lab.network
    roles = Counter(d.role for d in network.devices.values())
    assert roles == {"bag": 8, "spine": 8}  # 2 regions x 2 planes x 2 BAG; 2 x 2 x 2 spines
    # per region and plane: 2 spines x 3 uplinks = 6 fabric links; inter: 8 BAG x 2 links / 2 ends
    assert network.session_count == 2 * (2 * 2 * 6 + 8) // 1  # dual stack: one session per family
    assert network.session_count == 64


def test_every_address_is_unique_and_both_ends_share_a_subnet(lab: Compiled) -> None:
    seen: set[str] = set()
    for device in lab.network.devices.values():
        for iface in device.interfaces:
            for cidr, plen in ((iface.ipv4, 31), (iface.ipv6, 127)):
                address = ipaddress.ip_interface(cidr)
                assert address.network.prefixlen == plen
                assert str(address.ip) not in seen
                seen.add(str(address.ip))
                peer = lab.network.devices[iface.peer]
                (far,) = [i for i in peer.interfaces if i.name == iface.peer_interface]
                far_cidr = far.ipv4 if plen == 31 else far.ipv6
                assert ipaddress.ip_interface(far_cidr).network == address.network
                assert far_cidr != cidr


def test_addresses_come_from_the_pool_of_their_scope(lab: Compiled) -> None:
    east = ipaddress.ip_network("10.1.0.0/24")
    between = ipaddress.ip_network("10.3.0.0/24")
    for device in lab.network.devices.values():
        for iface in device.interfaces:
            pool = between if iface.kind == "inter" else (east if device.region == "east" else None)
            if pool is not None:
                assert ipaddress.ip_interface(iface.ipv4).ip in pool


def test_sessions_agree_at_both_ends(lab: Compiled) -> None:
    devices = lab.network.devices
    by_address = {(i.ipv4.split("/")[0]): (d, i) for d in devices.values() for i in d.interfaces}
    by_address |= {(i.ipv6.split("/")[0]): (d, i) for d in devices.values() for i in d.interfaces}
    for device in devices.values():
        for n in device.bgp.neighbors:
            peer, iface = by_address[n.address]
            assert peer.name == n.peer and iface.name == n.interface.replace(n.interface, iface.name)
            assert n.remote_as == peer.bgp.asn
            back = [m for m in peer.bgp.neighbors if m.peer == device.name and m.family == n.family]
            assert any(m.remote_as == device.bgp.asn for m in back)


def test_asn_scheme_rfc7938(lab: Compiled) -> None:
    devices = lab.network.devices
    bag_asns = {d.region: set() for d in devices.values()}
    for d in devices.values():
        if d.role == "bag":
            bag_asns[d.region].add(d.bgp.asn)
    assert bag_asns["east"] == {4200000001} and bag_asns["west"] == {4200000002}  # bag_scope: region
    fabric_asns = {d.fabric: d.bgp.asn for d in devices.values() if d.role == "spine"}
    assert fabric_asns == {"e1": 4200001001, "w1": 4200001002}  # fabric_scope: fabric
    assert len({d.bgp.router_id for d in devices.values()}) == len(devices)


def test_ports_are_striped_across_line_cards(lab: Compiled) -> None:
    bag = lab.network.devices["east-bag-p1-s1"]
    fabric = [i.name for i in bag.interfaces if i.kind == "fabric"]
    # FRR names ports swp<N> (line card 1: 1-8, card 2: 9-16): the 3 links take port 1 of card 1,
    # port 1 of card 2, then port 2 of card 1 (interfaces are listed in natural order)
    assert fabric == ["swp1", "swp2", "swp9"]
    inter = [i.name for i in bag.interfaces if i.kind == "inter"]
    assert {int(n.removeprefix("swp").split("s")[0]) for n in inter} <= {8, 16}  # filled from the back


def test_a_bag_with_4_links_to_one_spine_and_2_to_another_weights_them_2_to_1(lab_data, write_intent) -> None:
    lab_data["regions"][0]["fabrics"][0]["link_overrides"] = [
        {"plane": 1, "fabric_switch": 1, "bag_switch": 1, "links": 4},
        {"plane": 1, "fabric_switch": 2, "bag_switch": 1, "links": 2},
    ]
    lab_data["regions"][0]["fabrics"][0]["downlinks"]["count"] = 8  # room for the extra uplinks
    lab_data["link_bandwidth"]["frr_unit"] = "auto"  # the lab's pinned unit has no room for these sums
    result = compiled(write_intent, lab_data)
    paths = expected_paths(result.plan.intent, result.plan.wiring, ["east-bag-p1-s1"])["east-bag-p1-s1"]
    weights = weights_by_peer(paths["fabric:e1"])
    assert weights == {"e1-p1-stsw1": 4 * 800 * 10**9, "e1-p1-stsw2": 2 * 800 * 10**9}
    assert normalized(weights.values()) == pytest.approx([2 / 3, 1 / 3])
    # each session carries its own link's bandwidth, in FRR's network-wide scaled units
    device = result.network.devices["e1-p1-stsw1"]
    terms = {t.link_bandwidth.encoded for p in device.policies for t in p.terms if t.link_bandwidth}
    assert terms == {str(800 * 10**9 // result.plan.scale.unit_bps)}
    assert int(terms.pop()) <= 25600


def test_spines_weight_bag_switches_by_their_cumulative_inter_region_bandwidth(lab_data, write_intent) -> None:
    lab_data["inter_region"][0]["link_overrides"] = [
        {"region": "east", "plane": 1, "switch": 1, "links": 4},
        {"region": "east", "plane": 1, "switch": 2, "links": 2},
    ]
    result = compiled(write_intent, lab_data)
    paths = expected_paths(result.plan.intent, result.plan.wiring, ["e1-p1-stsw1"])["e1-p1-stsw1"]
    per_bag = weights_by_peer(paths["region:west"])
    links = Counter(p.peer for p in paths["region:west"])  # links from this spine to each BAG
    assert (
        per_bag["east-bag-p1-s1"] / links["east-bag-p1-s1"] == 2 * per_bag["east-bag-p1-s2"] / links["east-bag-p1-s2"]
    )
    bag = result.network.devices["east-bag-p1-s1"]
    assert any(g.aggregate_bandwidth for g in bag.bgp.peer_groups if g.name.startswith("FABRIC-"))


def test_planar_links_stay_in_their_plane_and_spread_links_cross_planes(lab_data, write_intent) -> None:
    lab_data["inter_region"][0]["topology"] = "planar"
    planar = compiled(write_intent, lab_data).network
    spread = compiled(
        write_intent, {**lab_data, "inter_region": [{**lab_data["inter_region"][0], "topology": "spread"}]}
    ).network

    def partners(network: Network) -> dict[str, set[str]]:
        return {
            d.name: {i.peer for i in d.interfaces if i.kind == "inter"}
            for d in network.devices.values()
            if d.region == "east" and d.role == "bag"
        }

    assert partners(planar) == {f"east-bag-p{p}-s{s}": {f"west-bag-p{p}-s{s}"} for p in (1, 2) for s in (1, 2)}
    spread_partners = partners(spread)
    assert all(len(peers) == 2 for peers in spread_partners.values())
    assert {p.split("-")[2] for p in spread_partners["east-bag-p1-s1"]} == {"p1", "p2"}


def test_a_drained_plane_still_renders_but_announces_nothing(lab_data, write_intent) -> None:
    lab_data["regions"][0]["bag"]["drained_planes"] = [2]
    result = compiled(write_intent, lab_data)
    drained = result.network.devices["east-bag-p2-s1"]
    assert drained.drained and drained.bgp.neighbors
    assert {g.export_policy for g in drained.bgp.peer_groups} == {"DRAIN-OUT"}
    live = result.network.devices["east-bag-p1-s1"]
    assert "DRAIN-OUT" not in {g.export_policy for g in live.bgp.peer_groups}
    paths = expected_paths(result.plan.intent, result.plan.wiring, ["e1-p1-stsw1", "e1-p2-stsw1"])
    assert paths["e1-p2-stsw1"] == {} and paths["e1-p1-stsw1"]

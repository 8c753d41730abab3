"""The checks that guard rare mistakes, one scenario each: every catalogued code has a test that makes it.

The common codes are produced throughout the suite; these are the ones only an unusual intent (or a
generator bug, for the compiled-network cross-checks) reaches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.deploy.cabling import check_cabling
from generator.findings import Severity
from generator.intent.loader import load_intent
from generator.pipeline import compile_loaded, plan_checked
from generator.validators.model import check_network
from generator.validators.plan import check_plan

Run = Callable[..., tuple[int, str, str]]


def codes(cli: Run, intent: Path, *args: str) -> tuple[int, str]:
    code, out, err = cli("validate", intent, "--format", "json", *args)
    return code, out + err


def test_planar_links_need_the_same_bag_shape_on_both_sides(lab_data: dict[str, Any], write_intent, cli: Run) -> None:
    lab_data["inter_region"][0]["topology"] = "planar"
    lab_data["regions"][1]["bag"]["switches_per_plane"] = 1
    code, text = codes(cli, write_intent(lab_data))
    assert code == 1 and '"code": "BAG013"' in text and "planar wiring needs the same BAG shape" in text


def test_a_region_cannot_pair_with_itself(lab_data: dict[str, Any], write_intent, cli: Run) -> None:
    lab_data["inter_region"][0]["between"] = ["east", "east"]
    code, text = codes(cli, write_intent(lab_data))
    assert code == 1 and '"code": "BAG014"' in text and "cannot pair with itself" in text


def test_multipath_across_neighbour_asns_needs_relax(lab_data: dict[str, Any], write_intent, cli: Run) -> None:
    lab_data["asn"]["bag_scope"] = "switch"  # every BAG switch its own AS: a spine's multipaths span ASNs
    lab_data["bgp"]["multipath_relax"] = False
    code, text = codes(cli, write_intent(lab_data))
    assert code == 1 and '"code": "BAG042"' in text and "multipath_relax" in text


def test_an_frr_unit_that_rounds_link_bandwidth_is_a_warning(lab_data: dict[str, Any], write_intent) -> None:
    lab_data["link_bandwidth"]["frr_unit"] = "300M"  # 800G is not a whole number of 300M units
    planned = plan_checked(load_intent(write_intent(lab_data)))
    bag051 = [f for f in planned.findings if f.code == "BAG051"]
    assert bag051 and all(f.severity is Severity.WARNING for f in bag051)
    assert "not whole multiples" in bag051[0].message


def test_ios_xr_before_25_1_1_cannot_send_transitive_link_bandwidth(
    lab_data: dict[str, Any], write_intent, cli: Run
) -> None:
    lab_data["hardware"]["lab-bag"].update(platform="iosxr", os_version="24.4.1")
    code, text = codes(cli, write_intent(lab_data))
    assert code == 1 and '"code": "BAG052"' in text and "25.1.1" in text


def test_bag_to_bag_oversubscription_over_budget(lab_data: dict[str, Any], write_intent, cli: Run) -> None:
    lab_data["budgets"]["bag_to_bag_oversubscription"] = 1.0
    code, text = codes(cli, write_intent(lab_data))
    assert code == 1 and '"code": "BAG071"' in text and "inter-region capacity" in text


def test_the_compiled_network_cross_check_catches_a_reused_address_and_a_lost_session() -> None:
    """BAG023 and BAG040 guard against generator bugs: shown on a network altered after compiling."""
    from .conftest import LAB

    network = compile_loaded(load_intent(LAB)).network
    first, second = list(network.devices.values())[:2]
    twin = second._replace(bgp=second.bgp._replace(router_id=first.bgp.router_id))
    alone = first._replace(bgp=first.bgp._replace(neighbors=first.bgp.neighbors[1:]))
    broken = dataclasses.replace(network, devices={**network.devices, first.name: alone, second.name: twin})
    found = {f.code for f in check_network(broken)}
    assert {"BAG023", "BAG040"} <= found
    assert check_network(network) == []


def test_two_links_of_one_pool_on_one_address_slot_are_caught_in_the_plan() -> None:
    """BAG023 at plan time (a generator bug would show here before any device is expanded)."""
    from .conftest import LAB

    loaded = load_intent(LAB)
    plan = plan_checked(loaded).plan
    links = plan.wiring.links
    first = 0
    second = next(i for i in range(1, len(links)) if links[i].pool == links[first].pool)
    slots = list(plan.layout.slot)
    slots[second] = slots[first]
    broken = dataclasses.replace(plan, layout=dataclasses.replace(plan.layout, slot=slots))
    messages = [f.message for f in check_plan(loaded, broken) if f.code == "BAG023"]
    assert messages == [f"2 links of pool scope {links[first].pool} share address slot {slots[first]}"]
    assert [f for f in check_plan(loaded, plan) if f.code == "BAG023"] == []


def test_an_address_used_twice_names_every_user_in_network_order() -> None:
    from .conftest import LAB

    network = compile_loaded(load_intent(LAB)).network
    first, second = list(network.devices.values())[:2]
    taken = first.interfaces[0]
    reused = second._replace(interfaces=(second.interfaces[0]._replace(ipv4=taken.ipv4), *second.interfaces[1:]))
    doubled = first._replace(interfaces=(*first.interfaces, taken._replace(ipv6="")))  # the same name and address
    broken = dataclasses.replace(network, devices={**network.devices, first.name: doubled, second.name: reused})
    messages = [f.message for f in check_network(broken) if f.code == "BAG023"]
    address = taken.ipv4.partition("/")[0]
    users = f"{first.name} {taken.name}, {first.name} {taken.name}, {second.name} {second.interfaces[0].name}"
    assert messages == [f"address {address} is assigned twice: {users}"]


class _Unreachable:
    def __enter__(self) -> Any:
        raise ConnectionRefusedError("lldpd control socket missing")

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_device_whose_lldp_cannot_be_read_is_named() -> None:
    from .conftest import LAB

    plan = plan_checked(load_intent(LAB)).plan
    names = sorted(plan.wiring.nodes)[:1]
    findings = check_cabling(plan, names, lambda name: _Unreachable())
    bag307 = [f for f in findings if f.code == "BAG307"]
    assert [f.device for f in bag307] == names and "lldpd control socket missing" in bag307[0].message

"""The vendor errors of issue 14, each pinned against the rendered configs (every test failed on the
templates before the fix). Sources are cited in the template headers and in generator/compile/mtu.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.model import Device
from generator.pipeline import compile_path
from generator.platforms.eos import eos_lbw
from generator.render.engine import render_device
from generator.validators.audit import audit_device
from generator.validators.readback import ALL_ROUTES, rendered_facts
from tests.test_audit import on_platform


def lab_on(tmp_path: Path, lab: dict[str, Any], platform: str) -> dict[str, Device]:
    path = tmp_path / f"lab-{platform}.yaml"
    path.write_text(yaml.safe_dump(on_platform(lab, platform)))
    return compile_path(path).network.devices


@pytest.fixture
def lab(lab_data: dict[str, Any]) -> dict[str, Any]:
    return lab_data


# ---------------------------------------------------------------------------- IOS XR multipath


def test_iosxr_ebgp_multipath_has_no_unequal_cost_keyword(tmp_path: Path, lab: dict[str, Any]) -> None:
    """`unequal-cost` exists only for `maximum-paths ibgp`; eBGP takes the number, and UCMP comes from the
    link bandwidth the neighbour groups accept (`ebgp-recv-extcommunity-dmz`)."""
    device = lab_on(tmp_path, lab, "iosxr")["east-bag-p1-s1"]
    text = render_device(device)
    assert re.findall(r"^  maximum-paths .*$", text, re.M) == ["  maximum-paths ebgp 64"] * 2
    assert "unequal-cost" not in text
    groups = re.findall(r"^ neighbor-group (\S+)$", text, re.M)
    assert text.count("  ebgp-recv-extcommunity-dmz\n") == len(groups) > 0
    assert rendered_facts("iosxr", text, device.lbw_unit_bps)["bgp"]["ucmp"] is True


def test_iosxr_reading_back_unequal_cost_on_ebgp_is_a_finding(tmp_path: Path, lab: dict[str, Any]) -> None:
    device = lab_on(tmp_path, lab, "iosxr")["east-bag-p1-s1"]
    text = render_device(device).replace("maximum-paths ebgp 64\n", "maximum-paths ebgp 64 unequal-cost\n")
    assert any("maximum_paths" in p for p in audit_device(device, text))


# ---------------------------------------------------------------------------- IOS XR bandwidth unit


def test_iosxr_link_bandwidth_members_are_bits_per_second_in_32_bits(tmp_path: Path) -> None:
    """openconfig/featureprofiles maps 2G to the Cisco member 23456:2000000000: bits per second, like EOS. A member
    is 32 bits (4.29 Gbps), so a network with IOS XR encodes scaled units that fit, as it does for FRR."""
    from tests.conftest import PROMETHEUS

    data = on_platform(yaml.safe_load(PROMETHEUS.read_text()), "iosxr")
    data["link_bandwidth"]["frr_unit"] = "auto"  # no FRR: the scale follows IOS XR's limit alone
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    from generator.compile.network import expand
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_checked

    plan = plan_checked(load_intent(path)).plan
    device = expand(plan, "hub-bag-p1-s1")
    text = render_device(device)
    members = [int(v) for v in re.findall(r"^  23456:(\d+)$", text, re.M)]
    assert members and max(members) <= 2**32 - 1
    assert plan.scale.scaled and plan.scale.limits is not None and plan.scale.limits.by == ("iosxr",)
    units = 800 * 10**9 // plan.scale.unit_bps
    assert f"extcommunity-set transitive-bandwidth LBW-800G\n  23456:{units * 10**6}\nend-set" in text
    assert audit_device(device, text) == []


# ---------------------------------------------------------------------------- EOS lbw forms


@pytest.mark.parametrize(
    ("bps", "text"),
    [(800 * 10**9, "800G"), (1_600 * 10**9, "1600G"), (2_500 * 10**9, "2500G"), (400 * 10**6, "400M"), (1500, "1.5K")],
)
def test_eos_lbw_values_use_k_m_g_never_t(bps: int, text: str) -> None:
    assert eos_lbw(bps) == text


def test_eos_configs_of_1_6t_links_print_1600g(tmp_path: Path, lab: dict[str, Any]) -> None:
    lab["hardware"]["lab-bag"]["port_speed"] = "1.6T"
    lab["hardware"]["lab-bag"]["breakouts"] = []
    lab["hardware"]["lab-stsw"]["port_speed"] = "1.6T"
    lab["link_bandwidth"]["frr_unit"] = "auto"
    for region in lab["regions"]:
        region["fabrics"][0]["downlinks"]["speed"] = "1.6T"
    device = lab_on(tmp_path, lab, "eos")["east-bag-p1-s1"]
    text = render_device(device)
    values = re.findall(r"set extcommunity lbw (\S+)", text)
    assert "1600G" in values and not any(v.endswith("T") for v in values)
    assert audit_device(device, text) == []


# ---------------------------------------------------------------------------- Junos catch-all


def test_junos_catch_all_terms_match_only_bgp_routes(tmp_path: Path, lab: dict[str, Any]) -> None:
    device = lab_on(tmp_path, lab, "junos")["east-bag-p1-s1"]
    text = render_device(device)
    block = text[text.index("policy-statement TO-FABRIC-E1-V4") :]
    block = block[: block.index("\n    }\n")]
    catch_all = block[block.rindex("term ") :]
    assert "protocol bgp;" in catch_all and "route-filter-list" not in catch_all
    assert audit_device(device, text) == []


def test_a_junos_catch_all_without_from_reads_back_as_every_active_route(tmp_path: Path, lab: dict[str, Any]) -> None:
    device = lab_on(tmp_path, lab, "junos")["east-bag-p1-s1"]
    text = render_device(device).replace("            from {\n                protocol bgp;\n            }\n", "", 1)
    problems = audit_device(device, text)
    assert any(ALL_ROUTES in p for p in problems), problems


# ---------------------------------------------------------------------------- MTU


@pytest.mark.parametrize(("platform", "printed"), [("eos", 9000), ("iosxr", 9014), ("junos", 9014)])
def test_one_ip_mtu_is_printed_in_each_platforms_meaning(
    tmp_path: Path, lab: dict[str, Any], platform: str, printed: int
) -> None:
    device = lab_on(tmp_path, lab, platform)["east-bag-p1-s1"]
    assert device.mtu == 9000  # the intent's IP MTU, modelled once
    text = render_device(device)
    assert set(re.findall(r"^\s+mtu (\d+);?$", text, re.M)) == {str(printed)}
    facts = rendered_facts(platform, text, device.lbw_unit_bps)
    assert {i["mtu"] for i in facts["interfaces"].values()} == {9000}


def test_an_ip_mtu_beyond_a_platforms_interface_maximum_is_refused(
    tmp_path: Path, lab: dict[str, Any], write_intent, cli
) -> None:
    lab["mtu"] = 9210  # Junos: 9224 > 9216
    code, out, err = cli("validate", write_intent(on_platform(lab, "junos")), "--format", "json")
    assert code == 1 and "BAG250" in out + err and "at most 9202" in out + err


# ---------------------------------------------------------------------------- breakouts and remote access


BREAKOUT_SETTINGS = {
    # platform: (the setting of a 2x400G port, how the sub-interfaces are named)
    "eos": (["   speed 400g-4"] * 2, ["Ethernet2/8/1", "Ethernet2/8/5"]),
    "iosxr": (
        ["controller Optics0/1/0/7", " breakout 2x400"],
        ["FourHundredGigE0/1/0/7/0", "FourHundredGigE0/1/0/7/1"],
    ),
    "junos": (
        ["    et-1/0/7 {", "        number-of-sub-ports 2;", "        speed 400g;"],
        ["et-1/0/7:0", "et-1/0/7:1"],
    ),
}


@pytest.mark.parametrize("platform", sorted(BREAKOUT_SETTINGS))
def test_a_broken_out_port_is_split_by_the_config_itself(tmp_path: Path, lab: dict[str, Any], platform: str) -> None:
    """Sub-interfaces of a 2x400G port exist only once the port is split: a replace must carry the split."""
    lab["inter_region"][0]["speed"] = "400G"
    device = lab_on(tmp_path, lab, platform)["east-bag-p1-s1"]
    text = render_device(device)
    setting, names = BREAKOUT_SETTINGS[platform]
    lines = text.splitlines()
    assert all(line in lines for line in setting), [line for line in setting if line not in lines]
    assert sum(line == setting[-1] for line in lines) == len(device.breakouts) * (2 if platform == "eos" else 1) > 0
    assert {i.name for i in device.interfaces} >= set(names)
    assert audit_device(device, text) == []
    settings = {line for line in setting if not line.endswith(("{", "Optics0/1/0/7"))}  # leave the port blocks
    dropped = "\n".join(line for line in lines if line not in settings) + "\n"
    assert any("breakouts" in p for p in audit_device(device, dropped))


@pytest.mark.parametrize(
    ("platform", "lines"),
    [
        ("eos", ["management ssh", "management api http-commands", "   protocol https", "      no shutdown"]),
        ("iosxr", ["ssh server vrf MGMT", "ssh server netconf vrf MGMT", "netconf-yang agent", " ssh"]),
        ("junos", ["        ssh;", "        netconf {"]),
    ],
)
def test_a_replaced_config_keeps_ssh_and_the_napalm_api_in_the_management_vrf(
    tmp_path: Path, lab: dict[str, Any], platform: str, lines: list[str]
) -> None:
    device = lab_on(tmp_path, lab, platform)["east-bag-p1-s1"]
    rendered = render_device(device).splitlines()
    assert all(line in rendered for line in lines)
    assert (
        expected_services(device)
        == rendered_facts(platform, "\n".join(rendered), device.lbw_unit_bps)["management"]["services"]
    )


def expected_services(device: Device) -> list[str]:
    assert device.management is not None
    return sorted(device.management.services)

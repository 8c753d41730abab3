"""Multi-vendor rendering and the parse-back audit.

Every platform renders the same models; the audit reads each config back (ciscoconfparse2) and must
find exactly the model in it. Golden files pin the exact bytes of a small fabric per platform
(regenerate with BAG_UPDATE_GOLDEN=1 after an intended template change, and review the diff).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.compile.network import expand
from generator.findings import AuditError
from generator.intent.loader import load_intent
from generator.model import Device
from generator.pipeline import compile_path, plan_checked
from generator.platforms import PLATFORMS as ALL_PLATFORMS
from generator.render.build import build
from generator.render.engine import TEMPLATES, render_device
from generator.validators.audit import audit_device, expected_facts
from generator.validators.readback import rendered_facts
from tests.conftest import PROMETHEUS

PLATFORMS = tuple(ALL_PLATFORMS)
GOLDEN = Path(__file__).parent / "golden"
OS_VERSION = {"eos": "4.33.1F", "frr": "8.4.4", "iosxr": "25.2.1", "junos": "24.2R1"}


def on_platform(data: dict[str, Any], platform: str, profiles: list[str] | None = None) -> dict[str, Any]:
    for name, hw in data["hardware"].items():
        if profiles is None or name in profiles:
            hw["platform"] = platform
            hw["os_version"] = OS_VERSION[platform]
            # a management interface named for another platform (prometheus: EOS Management0) goes too
            override = data.get("management", {}).get("by_hardware", {}).get(name, {})
            if platform != "eos":
                override.pop("interface", None)
    return data


@pytest.fixture(scope="module")
def networks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Device]]:
    """The lab intent compiled once per platform (every hardware profile on that platform)."""
    from tests.conftest import _LAB_DATA

    result = {}
    for platform in PLATFORMS:
        path = tmp_path_factory.mktemp(platform) / "lab.yaml"
        path.write_text(yaml.safe_dump(on_platform(yaml.safe_load(yaml.safe_dump(_LAB_DATA)), platform)))
        result[platform] = compile_path(path).network.devices
    return result


def broken(tmp_path: Path, platform: str, old: str, new: str, file: str = "bgp.j2") -> Path:
    """A copy of the shipped templates with one deliberate mistake in one platform's template."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES, root)
    path = root / platform / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    return root


# ------------------------------------------------------------------------------ golden files


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("device", ["east-bag-p1-s1", "w1-p2-stsw1"])
def test_rendered_config_matches_the_golden_file(networks, platform: str, device: str) -> None:
    text = render_device(networks[platform][device])
    golden = GOLDEN / platform / f"{device}.cfg"
    if os.environ.get("BAG_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden} differs; BAG_UPDATE_GOLDEN=1 regenerates it"


# ------------------------------------------------------------------------------ the audit passes


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_lab_device_reads_back_as_its_model(networks, platform: str) -> None:
    for name, device in networks[platform].items():
        assert audit_device(device, render_device(device)) == [], name


@pytest.mark.parametrize("platform", PLATFORMS)
def test_read_back_facts_cover_sessions_policies_and_bandwidth(networks, platform: str) -> None:
    device = networks[platform]["east-bag-p1-s1"]
    facts = rendered_facts(platform, render_device(device), device.lbw_unit_bps)
    assert len(facts["neighbors"]) == len(device.bgp.neighbors) == 10
    assert facts["bgp"]["multipath_relax"] and facts["bgp"]["ucmp"]
    region_export = facts["policies"]["TO-REGION-WEST-V4"]
    assert ("permit", "PL-REGION-EAST-V4", 800 * 10**9) in region_export  # 800G, whatever the unit on the wire
    assert region_export[-1] == ("deny", "", None)  # nothing else leaves the region
    fabric_neighbor = next(n for n in device.bgp.neighbors if n.peer_group == "FABRIC-E1-V4")
    assert facts["neighbors"][fabric_neighbor.address]["aggregate_bandwidth"] is True  # cumulative toward spines


def test_a_mixed_vendor_fabric_builds_and_passes_the_audit(tmp_path: Path, lab_data, write_intent) -> None:
    """EOS BAG switches and FRR spines in the east, IOS XR BAG switches and Junos spines in the west."""
    lab_data["hardware"]["lab-stsw-west"] = {**lab_data["hardware"]["lab-stsw"], "platform": "junos"}
    lab_data["hardware"]["lab-bag"] |= {"platform": "eos", "os_version": "4.33.1F"}
    iosxr = {"platform": "iosxr", "os_version": "25.2.1"}
    lab_data["hardware"]["lab-bag-west"] = {**lab_data["hardware"]["lab-bag"], **iosxr}
    west = next(r for r in lab_data["regions"] if r["name"] == "west")
    west["bag"]["hardware"] = "lab-bag-west"
    for fabric in west["fabrics"]:
        fabric["hardware"] = "lab-stsw-west"
    report = build(write_intent(lab_data), tmp_path / "out")
    manifest = yaml.safe_load((tmp_path / "out" / "manifest.json").read_text())
    platforms = {e["platform"] for e in manifest["devices"].values()}
    assert platforms == {"eos", "frr", "iosxr", "junos"}
    assert report.audited == report.devices == 16


@pytest.mark.parametrize("platform", PLATFORMS)
def test_prometheus_on_each_platform_passes_the_audit(tmp_path: Path, platform: str) -> None:
    """The large example on each platform; a sample per region and role keeps the test fast
    (the full audit runs in every build and in bench/run.py)."""
    data = on_platform(yaml.safe_load(PROMETHEUS.read_text()), platform)
    path = tmp_path / "prometheus.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = plan_checked(load_intent(path)).plan
    sample: dict[tuple[str, str], list[str]] = {}
    for name, node in plan.wiring.nodes.items():
        group = sample.setdefault((node.region, node.role), [])
        if len(group) < 2:
            group.append(name)
    for name in (n for group in sample.values() for n in group):
        device = expand(plan, name)
        assert audit_device(device, render_device(device)) == [], name


# ------------------------------------------------------------------------------ broken templates


BREAKAGES = {
    "a neighbour missing": (
        "frr",
        "{% for n in d.bgp.neighbors %}",
        "{% for n in d.bgp.neighbors[1:] %}",
        "bgp.j2",
        "neighbor 10.1.0.1: in the model, missing from the config",
    ),
    "a wrong unit (Mbps printed as kbps)": (
        "iosxr",
        "{{ lbw.encoded }}",
        "{{ lbw.encoded }}000",
        "policy.j2",
        "link-bandwidth: model 800000000000, config 800000000000000",
    ),
    "a policy not attached": (
        "eos",
        "   neighbor {{ g.name }} route-map {{ g.export_policy }} out\n",
        "",
        "bgp.j2",
        "export: model 'TO-",
    ),
    "EOS management interface dropped": (
        "eos",
        "interface {{ m.interface }}\n",
        "interface Ethernet99\n",
        "management_tail.j2",
        "management interface: model 'Management1', config 'Ethernet99'",
    ),
    "EOS NTP server outside the management VRF": (
        "eos",
        "ntp server vrf {{ m.vrf }} {{ host }} iburst",
        "ntp server {{ host }} iburst",
        "management_tail.j2",
        "management ntp",
    ),
    "IOS XR management gateway dropped": (
        "iosxr",
        "   0.0.0.0/0 {{ m.gateway }}\n",
        "",
        "management.j2",
        "management gateway: model '192.168.100.1', config ''",
    ),
    "EOS SSH not enabled in the management VRF": (
        "eos",
        '   vrf {{ m.vrf }}\n      no shutdown\n!\n{% endif %}\n{% if "eapi"',
        '!\n{% endif %}\n{% if "eapi"',
        "management.j2",
        "management services 1: model 'ssh', config not present",
    ),
    "IOS XR NETCONF agent dropped": (
        "iosxr",
        "netconf-yang agent\n ssh\n",
        "",
        "management.j2",
        "management services 0: model 'netconf', config not present",
    ),
    "Junos SSH service dropped": (
        "junos",
        "        ssh;\n{% endif %}",
        "{% endif %}",
        "device.j2",
        "management services 1: model 'ssh', config not present",
    ),
    "Junos users dropped": (
        "junos",
        "{% for u in m.users %}\n        user",
        "{% for u in m.users[1:] %}\n        user",
        "device.j2",
        "management users",
    ),
    "EOS MACsec key not rendered": (
        "eos",
        "      key {{ p.ckn }} 0 {{ p.cak }}\n",
        "",
        "management.j2",
        "macsec lab-macsec ckn: model '${BAG_MACSEC_CKN}', config ''",
    ),
    "IOS XR MACsec policy not attached": (
        "iosxr",
        " macsec psk-keychain {{ i.macsec_profile }} policy {{ i.macsec_profile }}\n",
        "",
        "device.j2",
        "macsec: model 'lab-macsec', config ''",
    ),
    "Junos MACsec interfaces dropped": (
        "junos",
        "{% for i in d.interfaces if i.macsec_profile %}",
        "{% for i in d.interfaces if false %}",
        "device.j2",
        "macsec: model 'lab-macsec', config ''",
    ),
    "IOS XR MTU printed as the IP MTU": (
        "iosxr",
        " mtu {{ d.interface_mtu }}\n",
        " mtu {{ d.mtu }}\n",
        "device.j2",
        "mtu: model 9000, config 8986",
    ),
    "Junos MTU dropped": (
        "junos",
        "        mtu {{ d.interface_mtu }};\n",
        "",
        "device.j2",
        "mtu: model 9000, config 0",
    ),
    "a Junos policy without its final reject": (
        "junos",
        "{% if p.terms[-1].match_prefix_list %}",
        "{% if false %}",
        "policy.j2",
        "action: model 'deny', config 'permit'",
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_audit_catches_a_broken_template(networks, tmp_path: Path, breakage: str) -> None:
    platform, old, new, file, expected = BREAKAGES[breakage]
    root = broken(tmp_path, platform, old, new, file)
    device = networks[platform]["east-bag-p1-s1"]
    problems = audit_device(device, render_device(device, root))
    assert any(expected in p for p in problems), problems


def test_a_build_with_a_broken_template_fails_and_writes_nothing(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    assert cli("build", "-o", out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    root = broken(tmp_path, "frr", "route-map {{ g.export_policy }} out", "route-map {{ g.import_policy }} out")
    code, _, err = cli("build", "-o", out, "--templates", root)
    assert code == 1
    assert "BAG080" in err and "east-bag-p1-s1" in err and "export: model 'TO-FABRIC-E1-V4', config 'FROM-FABRIC" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


# ------------------------------------------------------------------------------ incremental


def test_an_unchanged_rebuild_audits_nothing_and_a_change_audits_only_what_changed(
    tmp_path: Path, lab_data, write_intent
) -> None:
    path, out = write_intent(lab_data), tmp_path / "out"
    assert build(path, out).audited == 16
    assert build(path, out).up_to_date
    lab_data["regions"][0]["fabrics"][0]["prefixes"].append("10.201.0.0/16")  # only region east's routing changes
    report = build(write_intent(lab_data), out)
    changed = report.written
    assert 0 < changed < 16
    manifest = yaml.safe_load((out / "manifest.json").read_text())
    assert all(e["audited"] for e in manifest["devices"].values())


def test_a_build_without_audit_is_audited_by_the_next_one(tmp_path: Path, lab_data, write_intent) -> None:
    path, out = write_intent(lab_data), tmp_path / "out"
    assert build(path, out, audit=False).audited == 0
    report = build(path, out)
    assert not report.up_to_date and report.audited == 16 and report.written == 0


def test_validate_rendered_reads_back_every_config(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    assert cli("build", "-o", out, "--no-audit")[0] == 0
    assert cli("validate", "--rendered", "-o", out)[0] == 0
    config = out / "east-bag-p1-s1.cfg"
    config.write_text(config.read_text().replace("remote-as 4200001001", "remote-as 4200009999"))
    code, stdout, _ = cli("validate", "--rendered", "-o", out, "--format", "json")
    assert code == 1
    assert "remote_as: model 4200001001, config 4200009999" in stdout


def test_validate_rendered_without_a_build_says_how_to_make_one(tmp_path: Path, cli) -> None:
    code, _, err = cli("validate", "--rendered", "-o", tmp_path / "nothing")
    assert code == 2 and "python -m generator build" in err


def test_expected_facts_state_the_platform_default_explicitly(networks) -> None:
    device = networks["junos"]["w1-p2-stsw1"]
    assert expected_facts(device)["policies"]["TO-BAG-V4"][-1] == ("deny", "", None)


def test_a_config_that_cannot_be_read_back_is_a_finding_not_a_crash(networks) -> None:
    device = networks["iosxr"]["east-bag-p1-s1"]
    text = render_device(device).replace("23456:", "", 1)  # an extcommunity value without its AS
    assert any("cannot be read back" in p for p in audit_device(device, text))


def test_the_build_raises_an_audit_error_type(tmp_path: Path, lab_data, write_intent) -> None:
    root = broken(tmp_path, "frr", " neighbor {{ g.name }} activate\n", "")
    with pytest.raises(AuditError) as caught:
        build(write_intent(lab_data), tmp_path / "out", templates=root)
    assert {f.code for f in caught.value.findings} == {"BAG080"}
    assert not (tmp_path / "out").exists()


def test_the_fast_parser_removed_ciscoconfparse2s_per_call_wrappers_and_still_parses() -> None:
    from ciscoconfparse2 import CiscoConfParse

    from generator.validators.confparse import ReadOnlyParse, top_level, unwrap_loguru

    assert unwrap_loguru() == 0  # already done at import, and idempotent
    assert CiscoConfParse.find_objects.__code__.co_name != "catch_wrapper"
    parse = ReadOnlyParse(["router bgp 65000", " neighbor 10.0.0.1 remote-as 65001", "hostname x"], syntax="ios")
    assert [o.text for o in top_level(parse)] == ["router bgp 65000", "hostname x"]
    assert [c.text for c in top_level(parse)[0].children] == [" neighbor 10.0.0.1 remote-as 65001"]


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("drain", ["withdraw", "shutdown"])
def test_a_drained_plane_reads_back_as_drained_on_every_platform(tmp_path: Path, platform: str, drain: str) -> None:
    from tests.conftest import _LAB_DATA

    data = on_platform(yaml.safe_load(yaml.safe_dump(_LAB_DATA)), platform)
    data["bgp"] |= {"drain": drain, "password_env": "BAG_BGP_PASSWORD"}
    data["regions"][0]["bag"]["drained_planes"] = [1]
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data))
    device = compile_path(path).network.devices["east-bag-p1-s1"]
    text = render_device(device)
    assert audit_device(device, text) == []
    neighbors = rendered_facts(platform, text, device.lbw_unit_bps)["neighbors"].values()
    if drain == "shutdown":
        assert all(n["shutdown"] for n in neighbors)
    else:
        assert {n["export"] for n in neighbors} == {"DRAIN-OUT"} and not any(n["shutdown"] for n in neighbors)


def test_a_template_directory_without_the_platform_is_a_located_error(tmp_path: Path, cli) -> None:
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "eos", root / "eos")  # the lab intent needs frr
    code, _, err = cli("build", "-o", tmp_path / "out", "--templates", root)
    assert code == 2 and "BAG081" in err and "frr/device.j2" in err
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_names_file_and_line(tmp_path: Path, cli) -> None:
    root = broken(tmp_path, "frr", "{% for n in d.bgp.neighbors %}", "{% for n in %}")
    code, _, err = cli("build", "-o", tmp_path / "out", "--templates", root)
    assert code == 2 and "BAG081" in err and "bgp.j2:" in err and "template syntax error" in err


def test_validate_rendered_names_configs_the_intent_no_longer_has(tmp_path: Path, lab_data, write_intent, cli) -> None:
    out = tmp_path / "out"
    assert cli("build", write_intent(lab_data), "-o", out)[0] == 0
    lab_data["regions"][0]["bag"]["planes"] = 1
    lab_data["regions"][0]["bag"]["placement"] = lab_data["regions"][0]["bag"]["placement"][:1]
    code, stdout, _ = cli("validate", write_intent(lab_data), "--rendered", "-o", out, "--format", "json")
    assert code == 1 and "east-bag-p2-s1.cfg is not a device of this intent" in stdout

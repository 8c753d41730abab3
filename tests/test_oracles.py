"""Independent oracles of the vendor configs (issue 14): nothing here was written by the project.

- EOS: the AVD structured config of every EOS device passes `pyavd.validate_structured_config`, and
  `pyavd.get_device_config` renders the same configuration lines as the project's own template.
- Junos: every config parses with jnprsr's Junos grammar, and the project's `display set` rendering
  names the same statements as jnprsr's syntax tree.
- IOS XR: every rendered statement matches a known-valid form with a cited source (tests/iosxr_forms.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.compile.network import expand
from generator.intent.loader import load_intent
from generator.model import Device
from generator.pipeline import compile_path, plan_checked
from generator.platforms.eos_avd import structured_config
from generator.platforms.junos_set import display_set
from generator.render.engine import render_device
from tests.conftest import PROMETHEUS
from tests.iosxr_forms import unknown_statements
from tests.test_audit import on_platform

pyavd = pytest.importorskip("pyavd")
jnprsr_utils = pytest.importorskip("jnprsr.utils")


def lab_devices(tmp_path: Path, lab: dict[str, Any], platform: str, variant: str) -> dict[str, Device]:
    """The lab on one platform; `drained` adds what the plain lab lacks: BFD, BGP passwords, a plane
    drained by shutdown (EOS `neighbor G shutdown`, Junos `inactive:`), allowas-in, a TACACS-less AAA and
    broken-out ports."""
    data = on_platform(lab, platform)
    if variant == "drained":
        data["bgp"] |= {"bfd": {"enabled": True}, "password_env": "BAG_BGP_PASSWORD", "drain": "shutdown"}
        data["asn"]["reuse_fabric_asns_across_regions"] = True
        data["regions"][0]["bag"]["drained_planes"] = [1]
        data["inter_region"][0]["speed"] = "400G"  # BAG ports broken out 2x400G: each platform's breakout setting
        data["management"]["by_role"] = {"spine": {"tacacs": [], "lldp": False, "raw": {platform: ["banner motd x"]}}}
        if platform == "junos":
            data["management"]["by_role"]["spine"]["raw"] = {
                "junos": ["chassis { aggregated-devices { ethernet { device-count 4; } } }"]
            }
    path = tmp_path / f"lab-{platform}-{variant}.yaml"
    path.write_text(yaml.safe_dump(data))
    return compile_path(path).network.devices


def prometheus_sample(tmp_path: Path, platform: str) -> Iterator[Device]:
    """Two devices per region and role of the gigawatt example, every profile on `platform`."""
    data = on_platform(yaml.safe_load(PROMETHEUS.read_text()), platform)
    path = tmp_path / f"prometheus-{platform}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = plan_checked(load_intent(path)).plan
    sample: dict[tuple[str, str], list[str]] = {}
    for name, node in plan.wiring.nodes.items():
        group = sample.setdefault((node.region, node.role), [])
        if len(group) < 2:
            group.append(name)
    for names in sample.values():
        for name in names:
            yield expand(plan, name)


# ------------------------------------------------------------------------------------------------ EOS


def line_keys(text: str) -> set[tuple[str, ...]]:
    """Each configuration line with the lines it sits under (indentation), comments and `!` left out:
    two configs with the same keys configure the same statements in the same places, in any order."""
    keys, stack = set(), []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        keys.add((*(s for _, s in stack), stripped))
        stack.append((indent, stripped))
    return keys


def assert_avd_agrees(device: Device) -> None:
    config = structured_config(device)
    result = pyavd.validate_structured_config(config).validation_result
    assert [(v.path, v.message) for v in result.violations] == [], device.name
    assert [(d.path, d.message) for d in result.deprecations] == [], device.name
    assert not result.ignored_eos_config_keys, device.name
    ours, avd = line_keys(render_device(device)), line_keys(pyavd.get_device_config(config))
    assert (sorted(ours - avd), sorted(avd - ours)) == ([], []), device.name


@pytest.mark.parametrize("variant", ["plain", "drained"])
def test_pyavd_renders_every_eos_lab_config_line_for_line(tmp_path: Path, lab_data, variant: str) -> None:
    devices = lab_devices(tmp_path, lab_data, "eos", variant)
    assert len(devices) == 16
    for device in devices.values():
        assert_avd_agrees(device)


def test_pyavd_renders_a_prometheus_sample_line_for_line(tmp_path: Path) -> None:
    devices = list(prometheus_sample(tmp_path, "eos"))
    assert {(d.region, d.role) for d in devices} >= {("hub", "bag"), ("hub", "edge"), ("north", "spine")}
    for device in devices:
        assert_avd_agrees(device)


def test_the_line_comparison_sees_a_missing_statement(tmp_path: Path, lab_data) -> None:
    device = lab_devices(tmp_path, lab_data, "eos", "plain")["east-bag-p1-s1"]
    ours = render_device(device).replace("   ucmp mode 1\n", "")
    assert line_keys(pyavd.get_device_config(structured_config(device))) - line_keys(ours) == {
        ("router bgp 4200000001", "ucmp mode 1")
    }


def test_build_avd_writes_one_structured_config_per_eos_device(tmp_path: Path, lab_data, write_intent, cli) -> None:
    lab_data["hardware"]["lab-bag"] |= {"platform": "eos", "os_version": "4.33.1F"}  # spines stay FRR
    out = tmp_path / "out"
    code, _, err = cli("build", write_intent(lab_data), "-o", out, "--avd")
    assert code == 0, err
    written = sorted(p.stem for p in (out / "avd").glob("*.yml"))
    assert written == sorted(n for n in yaml.safe_load((out / "manifest.json").read_text())["devices"] if "-bag-" in n)
    config = yaml.safe_load((out / "avd" / "east-bag-p1-s1.yml").read_text())
    assert config["hostname"] == "east-bag-p1-s1" and config["router_bgp"]["as"] == "4200000001"


# ------------------------------------------------------------------------------------------------ Junos


def jnprsr_statements(text: str) -> list[str]:
    """The leaf statements of jnprsr's syntax tree as set commands (lists expanded as Junos does)."""
    from anytree import PreOrderIter

    ast = jnprsr_utils.get_ast(text)
    out = []
    for node in PreOrderIter(ast):
        if node.children or node is ast:
            continue
        path = [n.name for n in node.path[1:]]
        leaf = path[-1]
        if leaf.endswith(" ]") and " [ " in leaf:
            head, _, items = leaf.partition(" [ ")
            out += ["set " + " ".join([*path[:-1], head, item]) for item in items[:-2].split()]
        else:
            out.append("set " + " ".join(path))
    return out


def syntax_errors(text: str) -> int:
    import antlr4
    from jnprsr.parser.JuniperLexer import JuniperLexer
    from jnprsr.parser.JuniperParser import JuniperParser

    parser = JuniperParser(antlr4.CommonTokenStream(JuniperLexer(antlr4.InputStream(text))))
    parser.removeErrorListeners()
    parser.juniper_configuration()
    return int(parser.getNumberOfSyntaxErrors())


@pytest.mark.parametrize("variant", ["plain", "drained"])
def test_jnprsr_parses_every_junos_lab_config(tmp_path: Path, lab_data, variant: str) -> None:
    devices = lab_devices(tmp_path, lab_data, "junos", variant)
    for device in devices.values():
        text = render_device(device)
        assert syntax_errors(text) == 0, device.name
        ours = display_set(text)
        assert [c for c in ours if c.startswith("set ")] == jnprsr_statements(text), device.name
        deactivated = {c.removeprefix("deactivate protocols bgp group ") for c in ours if c.startswith("deactivate")}
        assert deactivated == {g.name for g in device.bgp.peer_groups if g.shutdown}, device.name


def test_jnprsr_rejects_what_a_junos_router_would(tmp_path: Path, lab_data) -> None:
    text = render_device(lab_devices(tmp_path, lab_data, "junos", "plain")["east-bag-p1-s1"])
    assert syntax_errors(text.replace("    }\n}\n", "    }\n}\n}\n", 1)) > 0  # one brace too many
    with pytest.raises(ValueError, match="unbalanced"):
        display_set(text + "}\n")


def test_display_set_covers_management_and_macsec(tmp_path: Path, lab_data) -> None:
    commands = display_set(render_device(lab_devices(tmp_path, lab_data, "junos", "plain")["east-bag-p1-s1"]))
    assert "set system management-instance" in commands
    assert "set interfaces fxp0 unit 0 family inet address 192.168.100.2/24" in commands
    assert 'set security macsec connectivity-association lab-macsec pre-shared-key cak "${BAG_MACSEC_CAK}"' in commands
    assert "set interfaces et-0/0/0 mtu 9014" in commands


# ------------------------------------------------------------------------------------------------ IOS XR


@pytest.mark.parametrize("variant", ["plain", "drained"])
def test_every_iosxr_lab_statement_has_a_known_valid_form(tmp_path: Path, lab_data, variant: str) -> None:
    for device in lab_devices(tmp_path, lab_data, "iosxr", variant).values():
        raw = {f"(top) > {line}" for line in device.management.raw} if device.management else set()
        assert [s for s in unknown_statements(render_device(device)) if s not in raw] == [], (
            device.name
        )  # raw lines are the operator's


def test_every_iosxr_prometheus_statement_has_a_known_valid_form(tmp_path: Path) -> None:
    for device in prometheus_sample(tmp_path, "iosxr"):
        assert unknown_statements(render_device(device)) == [], device.name


def test_the_form_table_rejects_the_old_unequal_cost_ebgp_line(tmp_path: Path, lab_data) -> None:
    text = render_device(lab_devices(tmp_path, lab_data, "iosxr", "plain")["east-bag-p1-s1"])
    broken = text.replace("  maximum-paths ebgp 64\n", "  maximum-paths ebgp 64 unequal-cost\n", 1)
    assert unknown_statements(broken) == ["address-family ipv4 unicast > maximum-paths ebgp 64 unequal-cost"]

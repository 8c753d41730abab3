"""`lab export --containerlab`: a topology containerlab's own schema accepts, with the kind, the
interface names and the startup config each platform needs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress
import yaml

from generator.deploy.containerlab import rename_interfaces
from generator.pipeline import compile_path

from .conftest import LAB

SCHEMA = json.loads((Path(__file__).parent / "data" / "clab.schema.json").read_text())


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """JSON Schema patterns are ECMA-262 regexes (containerlab's use `\\p{L}`, which Python's re lacks):
    matched with regress, the engine check-jsonschema and editors use."""
    if validator.is_type(instance, "string") and regress.Regex(pattern, "u").find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


ClabValidator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _ecma_pattern})


def export(cli, intent: Path, tmp_path: Path, *extra: str) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "lab.clab.yml"
    code, stdout, stderr = cli("lab", "export", intent, "--containerlab", "-o", tmp_path / "out", "-t", path, *extra)
    assert code == 0, stderr
    assert "16 nodes, 32 links" in stdout
    topology = yaml.safe_load(path.read_text())
    ClabValidator(SCHEMA).validate(topology)
    return path, topology


@pytest.fixture
def mixed(lab_data, write_intent) -> Path:
    """The lab with EOS BAG switches in east, IOS XR in west, Junos spines in east, FRR spines in west."""
    hardware = lab_data["hardware"]
    hardware["bag-eos"] = {**hardware["lab-bag"], "platform": "eos"}
    hardware["bag-xr"] = {**hardware["lab-bag"], "platform": "iosxr", "os_version": "25.1.1"}
    hardware["stsw-junos"] = {**hardware["lab-stsw"], "platform": "junos"}
    lab_data["regions"][0]["bag"]["hardware"] = "bag-eos"
    lab_data["regions"][1]["bag"]["hardware"] = "bag-xr"
    lab_data["regions"][0]["fabrics"][0]["hardware"] = "stsw-junos"
    return write_intent(lab_data)


def endpoints(topology: dict[str, Any]) -> list[tuple[str, str]]:
    return [tuple(e.split(":", 1)) for link in topology["topology"]["links"] for e in link["endpoints"]]  # type: ignore[misc]


def test_the_frr_lab_exports_linux_nodes_with_the_rendered_names_and_configs(cli, tmp_path: Path) -> None:
    path, topology = export(cli, LAB, tmp_path)
    nodes = topology["topology"]["nodes"]
    assert topology["name"] == "lab" and len(nodes) == 16
    assert {n["kind"] for n in nodes.values()} == {"linux"}
    assert all(n["image"].startswith("quay.io/frrouting/frr:") for n in nodes.values())
    network = compile_path(LAB).network
    cabled = {(d.name, i.name) for d in network for i in d.interfaces}
    assert sorted(endpoints(topology)) == sorted(cabled)  # every cable once, by the names in the configs
    spine = nodes["e1-p1-stsw1"]
    assert spine["binds"][0] == "out/e1-p1-stsw1.cfg:/etc/frr/frr.conf:ro"  # read-only: out/ holds hard links
    assert (path.parent / spine["binds"][1].split(":")[0]).read_text().count("bgpd=yes") == 1
    assert spine["exec"] == ["ip address add 10.101.0.1/16 dev lo", "ip address add fd00:101::1/48 dev lo"]
    assert "exec" not in nodes["east-bag-p1-s1"]  # BAG switches originate no fabric prefix
    assert all("mgmt-ipv4" not in n for n in nodes.values())  # FRR: containerlab assigns them
    assert spine["labels"] == {"bag.region": "east", "bag.plane": 1, "bag.role": "spine"}


def test_each_platform_gets_its_kind_and_its_interface_names(cli, mixed: Path, tmp_path: Path) -> None:
    path, topology = export(cli, mixed, tmp_path)
    nodes = topology["topology"]["nodes"]
    kinds = Counter(n["kind"] for n in nodes.values())
    assert kinds == {"arista_ceos": 4, "cisco_xrd": 4, "juniper_crpd": 4, "linux": 4}
    names: dict[str, list[str]] = {}
    for device, name in endpoints(topology):
        names.setdefault(nodes[device]["kind"], []).append(name)
    assert all(n.startswith("eth") for n in names["arista_ceos"] + names["juniper_crpd"])
    assert all(n.startswith("Gi0-0-0-") for n in names["cisco_xrd"])
    assert all(n.startswith("swp") for n in names["linux"])

    # management addresses are the intent's (what the configs and the inventories say), in one network
    devices = compile_path(mixed).network.devices
    for name, node in nodes.items():
        management = devices[name].management
        if node["kind"] == "linux":
            assert "mgmt-ipv4" not in node
        else:
            assert management is not None and node["mgmt-ipv4"] == management.ipv4.split("/")[0]
    assert topology["mgmt"] == {"network": "lab-mgmt", "ipv4-subnet": "192.168.100.0/24"}

    # cEOS: ethN mapped to the rendered EOS names, the rendered config used as it is
    ceos = nodes["east-bag-p1-s1"]
    assert ceos["startup-config"] == "out/east-bag-p1-s1.cfg"
    source, target, mode = ceos["binds"][0].split(":")
    assert (target, mode) == ("/mnt/flash/EosIntfMapping.json", "ro")
    mapping = json.loads((path.parent / source).read_text())["EthernetIntf"]
    device = compile_path(mixed).network.devices["east-bag-p1-s1"]
    assert sorted(mapping.values()) == sorted(i.name for i in device.interfaces)
    assert set(mapping) == {n for d, n in endpoints(topology) if d == "east-bag-p1-s1"}

    # XRd: the startup config is a copy with GigabitEthernet0/0/0/N where the rendered names were
    xr = nodes["west-bag-p1-s1"]
    config = (path.parent / xr["startup-config"]).read_text()
    rendered = (tmp_path / "out" / "west-bag-p1-s1.cfg").read_text()
    assert "interface EightHundredGigE" in rendered and "interface EightHundredGigE" not in config
    used = sorted(n for d, n in endpoints(topology) if d == "west-bag-p1-s1")
    assert [f"interface GigabitEthernet0/0/0/{n.rsplit('-', 1)[1]}" in config for n in used] == [True] * len(used)
    assert config.count("\n") == rendered.count("\n")  # renamed, nothing added or dropped

    # cRPD: ethN in the config, the link addresses set in Linux
    crpd = nodes["e1-p1-stsw1"]
    junos = (path.parent / crpd["startup-config"]).read_text()
    assert "et-0/0/" not in junos and "eth1 {" in junos
    assert "ip address add 10.1.0.1/31 dev eth1" in crpd["exec"]


def test_vjunos_instead_of_crpd_uses_router_and_switch_kinds_with_ge_names(cli, mixed: Path, tmp_path: Path) -> None:
    _, topology = export(cli, mixed, tmp_path, "--junos", "vjunos", "--image", "vjunos-switch=example/vjs:1")
    nodes = topology["topology"]["nodes"]
    spine = nodes["e1-p1-stsw1"]
    assert spine["kind"] == "juniper_vjunosswitch" and spine["image"] == "example/vjs:1"
    assert {n for d, n in endpoints(topology) if d == "e1-p1-stsw1"} == {"ge-0/0/0", "ge-0/0/1", "ge-0/0/2"}


def test_an_unknown_image_platform_is_a_usage_error(cli, tmp_path: Path) -> None:
    code, _, stderr = cli("lab", "export", LAB, "--containerlab", "-o", tmp_path / "out", "--image", "nxos=x")
    assert code == 2 and "PLATFORM=IMAGE" in stderr
    code, _, stderr = cli("lab", "export", LAB, "-o", tmp_path / "out")
    assert code == 2 and "--containerlab" in stderr


def test_renaming_replaces_whole_interface_names_only() -> None:
    text = "interface swp1\ninterface swp10\n neighbor swp1 interface\nset et-0/0/1.0\nset et-0/0/1:0\nset et-0/0/10\n"
    renamed = rename_interfaces(text, {"swp1": "eth1", "et-0/0/1": "ge-0/0/0"})
    assert renamed == (
        "interface eth1\ninterface swp10\n neighbor eth1 interface\nset ge-0/0/0.0\nset et-0/0/1:0\nset et-0/0/10\n"
    )


def test_a_topology_in_a_missing_directory_is_refused(cli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "lab.clab.yml"
    code, _, stderr = cli("lab", "export", LAB, "--containerlab", "-o", tmp_path / "out", "-t", target)
    assert code == 2 and "no such directory" in stderr and not (tmp_path / "nowhere").exists()


def test_the_yaml_writer_round_trips_strings_yaml_would_misread() -> None:
    from generator.deploy.containerlab import to_yaml

    data = {
        "name": "lab",
        "topology": {
            "nodes": {"a-1": {"kind": "linux", "labels": {"bag.plane": 1, "x": "yes"}, "exec": ["ip a # c", "1.0"]}},
            "links": [{"endpoints": ["a-1:ge-0/0/0", "b:Gi0-0-0-1"]}, {"endpoints": ["a-1:eth2", "b: eth3"]}],
        },
    }
    assert yaml.safe_load(to_yaml(data)) == data


def test_the_schema_check_reads_containerlabs_own_patterns() -> None:
    """The validator uses the ECMA-262 engine, so containerlab's `\\p{L}` patterns really check something."""
    topology = {"name": "x", "topology": {"nodes": {"a": {"kind": "linux", "mgmt-ipv4": "10.0.0.999"}}}}
    with pytest.raises(jsonschema.ValidationError, match=r"10\.0\.0\.999"):
        ClabValidator(SCHEMA).validate(topology)

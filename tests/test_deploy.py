"""The deploy engine without a lab: Nornir over NAPALM drivers, inventories in and out, drain scope,
the daemon guard of the FRR driver, and post-checks on a platform whose driver reports no weights."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from napalm.base import NetworkDriver
from napalm.base.exceptions import ConnectionException
from napalm.eos import EOSDriver

from generator.compile.network import expand
from generator.deploy import push as push_module
from generator.deploy.cabling import intended_cables
from generator.deploy.engine import Fleet, to_nornir
from generator.deploy.inventory import Inventory, InventoryDevice, load_inventory
from generator.deploy.inventory_export import export, management_address
from generator.deploy.push import (
    CheckFailedError,
    check_sessions,
    check_weights,
    drain_step,
    resolve_secrets,
)
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked
from generator.render.engine import render_device
from napalm_frr import DaemonsDownError, FRRDriver, silent_daemons
from napalm_frr.transport import Result

from .conftest import LAB

PASSWORD = "s3cr3t-Do-Not-Print"


def lab_plan(data: dict[str, Any] | None = None, tmp: Path | None = None) -> Any:
    if data is None:
        return plan_checked(load_intent(LAB)).plan
    assert tmp is not None
    path = tmp / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return plan_checked(load_intent(path)).plan


# ------------------------------------------------------------------------------ a NAPALM driver double


class FakeDriver(NetworkDriver):  # type: ignore[misc]
    """A NAPALM driver whose devices live in class attributes: what each would change, which fail."""

    diffs: ClassVar[dict[str, str]] = {}
    unreachable: ClassVar[set[str]] = set()
    opened: ClassVar[list[str]] = []
    credentials: ClassVar[dict[str, tuple[str, str]]] = {}
    swapped: ClassVar[dict[tuple[str, str], tuple[str, str]]] = {}  # (device, port) -> what LLDP hears there
    committed: ClassVar[list[str]] = []

    def __init__(
        self, hostname: str, username: str, password: str, timeout: int = 60, optional_args: Any = None
    ) -> None:
        self.hostname, self.name = hostname, (optional_args or {}).get("name", hostname)
        self.credentials[self.name] = (username, password)

    def open(self) -> None:
        if self.name in self.unreachable:
            raise ConnectionException(f"{self.hostname}: no route to host")
        self.opened.append(self.name)

    def close(self) -> None:
        return None

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        self.candidate = config

    def compare_config(self) -> str:
        return self.diffs.get(self.name, "")

    def discard_config(self) -> None:
        self.candidate = None

    def get_lldp_neighbors(self) -> dict[str, list[dict[str, str]]]:
        """What LLDP hears: the lab's intended wiring, but for the cables a test swapped."""
        heard: dict[str, list[dict[str, str]]] = {}
        for (device, port), (peer, peer_port) in intended_cables(lab_plan()).items():
            if device == self.name:
                far = self.swapped.get((device, port), (peer, peer_port))
                heard[port] = [{"hostname": far[0], "port": far[1]}]
        return heard

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        self.committed.append(self.name)


@pytest.fixture
def fake_driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeDriver]]:
    module = types.ModuleType("napalm_bagfake")
    module.FakeDriver = FakeDriver  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "napalm_bagfake", module)
    FakeDriver.diffs, FakeDriver.unreachable, FakeDriver.opened, FakeDriver.credentials = {}, set(), [], {}
    FakeDriver.swapped, FakeDriver.committed = {}, []
    yield FakeDriver


def fake_inventory(names: list[str]) -> Inventory:
    plan = lab_plan()
    return Inventory(
        "fake",
        {
            n: InventoryDevice(
                n,
                "bagfake",
                f"{n}.example.net",
                plan.wiring.nodes[n].region,
                plan.wiring.nodes[n].plane,
                plan.wiring.nodes[n].role,
                {"name": n},
            )
            for n in names
        },
    )


def write_inventory(tmp_path: Path, inventory: Inventory) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(inventory.as_dict(), sort_keys=True))
    return path


# ------------------------------------------------------------------------------ the engine


def test_one_connection_per_device_across_steps_and_failed_hosts_named(
    fake_driver: type[FakeDriver], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAG_DEVICE_USERNAME", "ops")
    monkeypatch.setenv("BAG_DEVICE_PASSWORD", PASSWORD)
    names = ["east-bag-p1-s1", "east-bag-p1-s2", "west-bag-p1-s1"]
    fake_driver.unreachable = {"west-bag-p1-s1"}
    devices = Fleet(fake_inventory(names), workers=2)
    try:
        for step in ("diff", "check", "confirm"):
            done, failed = devices.run(step, names, lambda h: devices.driver(h).compare_config())
            assert sorted(done) == ["east-bag-p1-s1", "east-bag-p1-s2"]
            assert list(failed) == ["west-bag-p1-s1"] and "no route to host" in str(failed["west-bag-p1-s1"])
    finally:
        devices.close()
    assert sorted(fake_driver.opened) == ["east-bag-p1-s1", "east-bag-p1-s2"]  # opened once, reused by 3 steps
    assert fake_driver.credentials["east-bag-p1-s1"] == ("ops", PASSWORD)  # from the environment


def test_dry_run_push_exits_1_on_changes_and_names_every_failed_device(
    fake_driver: type[FakeDriver], cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    plan = lab_plan()
    names = sorted(plan.wiring.nodes)
    inventory = write_inventory(tmp_path, fake_inventory(names))
    out = tmp_path / "out"
    code, stdout, _ = cli("push", LAB, "--inventory", inventory, "-o", out, "--workers", "3")
    assert code == 0 and "plane 1: unchanged" in stdout and "plane 2: unchanged" in stdout

    fake_driver.diffs = {
        "east-bag-p2-s1": f"+router bgp 4200000001\n+ neighbor 10.1.0.9 remote-as 4200001001\n"
        f"+ neighbor 10.1.0.9 password {PASSWORD}"
    }
    code, stdout, _ = cli("push", LAB, "--inventory", inventory, "-o", out)
    assert code == 1, stdout  # a dry run that would change something is a difference, like diff --running
    assert "plane 2: would change (1 of 8 devices change)" in stdout and "+ neighbor 10.1.0.9" in stdout
    assert "+ neighbor 10.1.0.9 password <redacted>" in stdout and PASSWORD not in stdout
    # where the time went, so a slow push can be blamed on the routers or on the tool
    assert re.search(r"  time: diff \d+\.\ds; the tool's own CPU \d+\.\ds of \d+\.\ds", stdout), stdout

    fake_driver.unreachable = {"east-bag-p1-s2", "w1-p1-stsw1"}
    code, stdout, _ = cli("push", LAB, "--inventory", inventory, "-o", out, "--commit")
    assert code == 1 and "plane 1: FAILED" in stdout
    assert "failed check 'connect' on east-bag-p1-s2" in stdout and "failed check 'connect' on w1-p1-stsw1" in stdout


def test_unknown_plane_or_device_is_bad_input(
    fake_driver: type[FakeDriver], cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    inventory = write_inventory(tmp_path, fake_inventory(["east-bag-p1-s1"]))
    code, _, stderr = cli("push", LAB, "--inventory", inventory, "-o", tmp_path / "out", "--planes", "2")
    assert code == 2 and "no device of plane 2 in the inventory" in stderr
    data = yaml.safe_load(inventory.read_text())
    data["devices"]["nowhere-1"] = data["devices"]["east-bag-p1-s1"]
    inventory.write_text(yaml.safe_dump(data))
    code, _, stderr = cli("diff", "--running", LAB, "--inventory", inventory, "-o", tmp_path / "out")
    assert code == 2 and "inventory devices not in the intent: nowhere-1" in stderr


# ------------------------------------------------------------------------------ inventories


def test_nornir_simple_inventory_loads_the_export_and_filters_a_plane(tmp_path: Path) -> None:
    from nornir import InitNornir
    from nornir.core.filter import F

    plan = lab_plan()
    for name, text in export(plan, "nornir").items():
        (tmp_path / name).write_text(text)
    nr = InitNornir(
        runner={"plugin": "serial"},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(tmp_path / "hosts.yaml"),
                "group_file": str(tmp_path / "groups.yaml"),
                "defaults_file": str(tmp_path / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    assert len(nr.inventory.hosts) == 16
    plane1 = nr.filter(F(groups__contains="plane_1"))
    assert sorted(plane1.inventory.hosts) == sorted(n for n, node in plan.wiring.nodes.items() if node.plane == 1)
    bags_east = nr.filter(F(groups__contains="region_east") & F(role="bag"))
    assert sorted(bags_east.inventory.hosts) == [f"east-bag-p{p}-s{s}" for p in (1, 2) for s in (1, 2)]
    host = nr.inventory.hosts["east-bag-p1-s1"]
    assert host.platform == "frr" and host.hostname == management_address(plan, "east-bag-p1-s1") == "10.255.1.1"
    assert host["plane"] == 1 and host["region"] == "east"

    loaded = load_inventory(tmp_path)  # and push/diff --running read it as --inventory
    assert loaded.devices["w1-p2-stsw2"] == InventoryDevice("w1-p2-stsw2", "frr", "10.255.2.8", "west", 2, "spine", {})


def test_the_export_is_deterministic_and_mixed_platforms_get_their_napalm_driver(
    lab_data: dict[str, Any], tmp_path: Path
) -> None:
    lab_data["hardware"]["lab-bag"]["platform"] = "eos"
    plan = lab_plan(lab_data, tmp_path)
    first = export(plan, "nornir")
    assert first == export(lab_plan(lab_data, tmp_path), "nornir")
    hosts = yaml.safe_load(first["hosts.yaml"])
    assert hosts["east-bag-p1-s1"]["platform"] == "eos" and hosts["e1-p1-stsw1"]["platform"] == "frr"
    assert "platform_eos" in hosts["east-bag-p1-s1"]["groups"]


def test_ansible_inventory_lists_the_export(tmp_path: Path) -> None:
    if shutil.which("ansible-inventory") is None:
        pytest.skip("ansible-inventory not installed (pip install ansible-core, in the dev extra)")
    plan = lab_plan()
    (tmp_path / "inventory.yaml").write_text(export(plan, "ansible")["inventory.yaml"])
    listed = json.loads(
        subprocess.run(
            ["ansible-inventory", "-i", str(tmp_path / "inventory.yaml"), "--list"],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin:/usr/local/bin:" + str(Path(sys.executable).parent), "HOME": str(tmp_path)},
        ).stdout
    )
    assert sorted(listed["plane_1"]["hosts"]) == sorted(n for n, nd in plan.wiring.nodes.items() if nd.plane == 1)
    assert sorted(listed["role_bag"]["hosts"]) == sorted(n for n, nd in plan.wiring.nodes.items() if nd.role == "bag")
    assert set(listed["all"]["children"]) >= {"region_east", "region_west", "plane_1", "plane_2", "role_spine"}
    host = listed["_meta"]["hostvars"]["west-bag-p2-s2"]
    assert host["ansible_host"] == management_address(plan, "west-bag-p2-s2")
    assert host["ansible_network_os"] == "frr.frr.frr" and host["napalm_platform"] == "frr"
    assert "BAG_DEVICE_PASSWORD" in host["ansible_password"]  # a lookup, never a value


def test_inventory_command_writes_files_and_rejects_a_password_in_a_nornir_inventory(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    code, stdout, _ = cli("inventory", LAB, "--format", "nornir", "-o", tmp_path / "inv")
    assert code == 0 and sorted(p.name for p in (tmp_path / "inv").iterdir()) == [
        "defaults.yaml",
        "groups.yaml",
        "hosts.yaml",
    ]
    code, stdout, _ = cli("inventory", LAB, "--format", "ansible")
    assert code == 0 and "ansible_network_os: frr.frr.frr" in stdout
    defaults = tmp_path / "inv" / "defaults.yaml"
    defaults.write_text(yaml.safe_dump({"password": PASSWORD}))
    code, stdout, stderr = cli("diff", "--running", LAB, "--inventory", tmp_path / "inv", "-o", tmp_path / "out")
    assert code == 2 and "has a password in the inventory" in stderr and PASSWORD not in stdout + stderr


def test_the_lab_inventory_becomes_nornir_hosts_with_napalm_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAG_DEVICE_PASSWORD", PASSWORD)
    device = InventoryDevice("e1-p1-stsw1", "frr", "e1-p1-stsw1", "east", 1, "spine", {"netns": "e1-p1-stsw1"})
    hosts = to_nornir(Inventory("lab", {device.name: device})).hosts
    params = hosts["e1-p1-stsw1"].get_connection_parameters("napalm")
    assert params.platform == "frr" and params.extras == {"optional_args": {"netns": "e1-p1-stsw1"}, "timeout": 60}
    assert params.password == PASSWORD and PASSWORD not in repr(hosts["e1-p1-stsw1"])


# ------------------------------------------------------------------------------ drain scope (issue 15, 3)


def test_an_east_only_change_drains_east_only(lab_data: dict[str, Any], tmp_path: Path) -> None:
    old = lab_plan(lab_data, tmp_path)
    lab_data["regions"][0]["fabrics"][0]["link_overrides"] = [
        {"plane": 1, "fabric_switch": 1, "bag_switch": 2, "links": 2}
    ]
    new = lab_plan(lab_data, tmp_path)
    plane1 = sorted(n for n, node in new.wiring.nodes.items() if node.plane == 1)

    def render(plan: Any, name: str) -> str:
        return resolve_secrets(render_device(expand(plan, name)))

    changed = [n for n in plane1 if render(old, n) != render(new, n)]
    assert changed and {new.wiring.nodes[n].region for n in changed} == {"east"}
    drained = drain_step(new, 1, plane1, changed, lambda n: render(new, n))
    assert {new.wiring.nodes[n].region for n in drained} == {"east"}
    assert set(changed) <= set(drained) and {"east-bag-p1-s1", "east-bag-p1-s2"} <= set(drained)
    assert "route-map" in drained["east-bag-p1-s1"] and drained["east-bag-p1-s1"] != render(new, "east-bag-p1-s1")


# ------------------------------------------------------------------------------ daemons (issue 15, 2)


class ScriptedTransport:
    """Answers vtysh like a router whose zebra is dead; records every file written."""

    def __init__(self, silent: set[str]) -> None:
        self.silent, self.writes, self.commands = silent, [], []  # type: ignore[var-annotated]

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        self.commands.append(argv)
        if argv[0] == "vtysh" and "-d" in argv and argv[argv.index("-d") + 1] in self.silent:
            return Result(1, "", "")
        if argv[:2] == ["sh", "-c"] and "cat >" in argv[2]:
            self.writes.append(argv[-1])
        return Result(0, "", "")

    def write_file(self, path: str, text: str) -> None:
        self.writes.append(path)

    def close(self) -> None:
        return None


def test_frr_driver_refuses_checkpoint_commit_and_save_while_a_daemon_is_silent() -> None:
    driver = FRRDriver("r1", "", "", optional_args={"transport": "netns", "pathspace": "r1", "state_dir": "/s"})
    transport = ScriptedTransport({"zebra"})
    driver._transport = transport
    driver._candidate = "frr defaults datacenter\n"
    with pytest.raises(DaemonsDownError, match="zebra not answering: refusing to checkpoint"):
        driver.commit_config(revert_in=60)
    assert transport.writes == [] and not any("write" in " ".join(c) for c in transport.commands)
    assert silent_daemons(driver) == ["zebra"]
    transport.silent = set()
    assert silent_daemons(driver) == []


# ------------------------------------------------------------------------------ EOS (issue 15, push on other platforms)


def eos_answers(plan: Any, device: Any, down: str = "") -> dict[str, Any]:
    """What EOS's eAPI returns for the commands NAPALM's EOS driver sends, for this device's sessions
    and one route to the far region (shapes as in NAPALM's EOS test data)."""
    peers4 = [n for n in device.bgp.neighbors if n.family == "ipv4"]
    peer_list = [
        {
            "peerAddress": n.address,
            "localAsn": str(device.bgp.asn),
            "asn": str(n.remote_as),
            "routerId": "10.255.0.1",
            "state": "Idle" if n.address == down else "Established",
            "idleReason": "",
            "description": n.description,
            "establishedTime": 100,
            "prefixesReceived": 3,
            "prefixesSent": 3,
            "v6PrefixesReceived": 0,
            "v6PrefixesSent": 0,
        }
        for n in device.bgp.neighbors
    ]
    summary = {"vrfs": {"default": {"routerId": device.bgp.router_id, "peers": {}}}}
    vias = [{"nexthopAddr": n.address, "interface": n.interface} for n in peers4]
    paths = [
        {
            "asPathEntry": {"asPath": f"{n.remote_as} i", "asPathType": "External"},
            "routeDetail": {"peerEntry": {"peerAddr": n.address}, "communityList": []},
            "nextHop": n.address,
            "routeType": {"active": True},
            "localPreference": 100,
            "weight": 0,
        }
        for n in peers4
    ]
    return {
        "show vrf": {"vrfs": {"default": {"interfaces": [], "routeDistinguisher": ""}}},
        "show ip bgp summary vrf all": summary,
        "show ipv6 bgp summary vrf all": summary,
        "show ip bgp neighbors vrf all": {"vrfs": {"default": {"peerList": peer_list}}},
        "show ipv6 bgp peers vrf all": {"vrfs": {"default": {"peerList": []}}},
        "route": {"vrfs": {"default": {"routes": {"PREFIX": {"routeType": "eBGP", "vias": vias, "metric": 0}}}}},
        "bgp": {
            "vrfs": {"default": {"asn": str(device.bgp.asn), "bgpRouteEntries": {"PREFIX": {"bgpRoutePaths": paths}}}}
        },
    }


def eos_driver(answers: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> EOSDriver:
    driver = EOSDriver("eos1", "", "")

    def run_commands(commands: list[str], **kwargs: Any) -> list[Any]:
        out = []
        for command in commands:
            words = [
                *command.split(),
                "",
                "",
                "",
            ]  # "show ip route vrf default PREFIX detail", "show ip bgp PREFIX vrf"
            if words[2] == "route":
                out.append(json.loads(json.dumps(answers["route"]).replace("PREFIX", words[5])))
            elif words[2] == "bgp" and words[3][:1].isdigit():
                out.append(json.loads(json.dumps(answers["bgp"]).replace("PREFIX", words[3])))
            else:
                out.append(answers[command])
        return out

    monkeypatch.setattr(driver, "_run_commands", run_commands)
    return driver


def test_eos_post_checks_run_sessions_and_say_weights_are_not_verifiable(
    lab_data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for profile in lab_data["hardware"].values():
        profile["platform"] = "eos"
    plan = lab_plan(lab_data, tmp_path)
    device = expand(plan, "east-bag-p1-s1")
    assert device.platform == "eos"
    driver = eos_driver(eos_answers(plan, device), monkeypatch)
    assert check_sessions(plan, device, driver, set()) == set()
    note = check_weights(plan, device, driver, set())
    assert note == "east-bag-p1-s1: weights not verifiable on eos (its NAPALM driver reports no next-hop weight)"
    assert push_module.summarize_notes([note, note.replace("p1-s1", "p1-s2")]) == [
        "weights not verifiable on eos (its NAPALM driver reports no next-hop weight): "
        "2 devices (east-bag-p1-s1, east-bag-p1-s2)"
    ]

    down = device.bgp.neighbors[0]
    driver = eos_driver(eos_answers(plan, device, down=down.address), monkeypatch)
    with pytest.raises(CheckFailedError, match=f"neighbor {down.address} .* is not Established"):
        check_sessions(plan, device, driver, set())


def test_frr_weights_are_still_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = lab_plan()
    device = expand(plan, "e1-p1-stsw1")

    class Routes:
        platform = "frr"

        def get_route_to(self, destination: str = "", protocol: str = "", longer: bool = False) -> dict[str, Any]:
            hops = [("swp1", 50), ("swp2", 25), ("swp3", 25)]
            return {
                destination: [
                    {
                        "protocol": "bgp",
                        "selected_next_hop": True,
                        "outgoing_interface": i,
                        "protocol_attributes": {"weight": w},
                    }
                    for i, w in hops
                ]
            }

    with pytest.raises(CheckFailedError, match="weight share"):
        check_weights(plan, device, Routes(), set())
    assert push_module.installed_weights(Routes(), "10.102.0.0/16") == {"swp1": 50, "swp2": 25, "swp3": 25}


def test_a_nornir_config_file_and_napalm_connection_options_are_read(tmp_path: Path) -> None:
    hosts = {
        "east-bag-p1-s1": {
            "hostname": "192.0.2.1",
            "platform": "frr",
            "port": 2222,
            "groups": ["bags"],
            "connection_options": {"napalm": {"extras": {"optional_args": {"transport": "ssh", "sudo": False}}}},
        }
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "groups.yaml").write_text(yaml.safe_dump({"bags": {"data": {"region": "east", "plane": 1}}}))
    (tmp_path / "defaults.yaml").write_text(yaml.safe_dump({"data": {"role": "bag"}}))
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {k: str(tmp_path / f"{k.split('_')[0]}s.yaml") for k in ("host_file", "group_file")}
            | {"defaults_file": str(tmp_path / "defaults.yaml")},
        }
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    for source in (tmp_path / "config.yaml", tmp_path / "hosts.yaml"):
        device = load_inventory(source).devices["east-bag-p1-s1"]
        assert device == InventoryDevice(
            "east-bag-p1-s1", "frr", "192.0.2.1", "east", 1, "bag", {"transport": "ssh", "sudo": False, "port": 2222}
        )


def test_vendor_devices_are_reached_on_their_management_address(tmp_path: Path) -> None:
    """A replace-safe EOS fleet has management addresses from the intent's pool: the inventory uses them."""
    data = yaml.safe_load(LAB.read_text())
    for profile in data["hardware"].values():
        profile["platform"] = "eos"
    plan = lab_plan(data, tmp_path)
    address = management_address(plan, "east-bag-p1-s1")
    assert address.startswith("192.168.100.") and address != plan.loopbacks("east-bag-p1-s1")["ipv4"]
    hosts = yaml.safe_load(export(plan, "nornir")["hosts.yaml"])
    assert hosts["east-bag-p1-s1"]["hostname"] == address and hosts["east-bag-p1-s1"]["platform"] == "eos"
    assert len({h["hostname"] for h in hosts.values()}) == len(hosts)  # every device its own address


@pytest.mark.parametrize(
    "argv",
    [["lab", "status"], ["push"], ["diff", "--running"]],
    ids=["lab", "push", "diff-running"],
)
def test_commands_that_reach_devices_say_how_to_install_the_frr_driver(
    argv: list[str], cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """napalm-frr is installed beside the generator, not required by it (it is not on PyPI)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "napalm_frr" else real(name, *a))
    code, _, err = cli(*argv)
    assert code == 2 and "pip install ./napalm_frr" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "value",
    ["two words", 'quote"d', "back\\slash", "semi;colon", "new\nline", "brace{", "hash#", "bang!", "tab\t", "é", ""],
    ids=repr,
)
def test_a_secret_value_that_could_break_its_config_line_is_refused_unechoed(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${ENV}` values are checked like intent strings: they land in `key 0 X` and Junos `"X"`."""
    monkeypatch.setenv("BAG_TEST_SECRET", value)
    with pytest.raises(CheckFailedError) as failed:
        resolve_secrets("tacacs-server host 10.0.0.1 vrf MGMT key 0 ${BAG_TEST_SECRET}\n")
    assert "BAG_TEST_SECRET" in str(failed.value)
    assert not value or value not in str(failed.value)


def test_a_crypt_hash_and_a_generated_key_pass_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    hashed = "$6$prometheus$doOt3cBl9NXzenLNmipV5LCH2AJeZ.SaOvKJsFtklWCXcBkWWbLnmnyCKTaxcwz2C3jZPlXW3wUTgklRvgqgD0"
    monkeypatch.setenv("BAG_HASH", hashed)
    monkeypatch.setenv("BAG_CAK", "0123456789abcdef" * 4)
    assert (
        resolve_secrets("secret sha512 ${BAG_HASH}\nkey ${BAG_CAK}\n")
        == f"secret sha512 {hashed}\nkey {'0123456789abcdef' * 4}\n"
    )


def test_what_push_and_drift_print_of_a_device_hides_every_platforms_secrets() -> None:
    """A dry run prints each device's own diff, secrets resolved: every platform's secret lines are redacted."""
    from generator.deploy.push import safe

    diff = "\n".join(
        [
            "+snmp-server community s3cr3t-comm ro",
            "+tacacs-server host 10.0.0.1 vrf MGMT key 0 t4cacs-key",
            "+username admin privilege 15 role network-admin secret sha512 $6$salt$hash",
            "+      key 00aa 0 c4k-material",
            "+   key-string xr-c4k cryptographic-algorithm aes-256-cmac",
            '+            encrypted-password "$6$junos$hash";',
            '+            cak "junos-cak";',
            '+    community "junos-comm" {',
            "+ neighbor 10.0.0.1 password bgp-pass",
        ]
    )
    printed = safe(diff)
    for secret in (
        "s3cr3t-comm",
        "t4cacs-key",
        "$6$salt$hash",
        "c4k-material",
        "xr-c4k",
        "junos-cak",
        "junos-comm",
        "bgp-pass",
        "$6$junos$hash",
    ):
        assert secret not in printed, secret
    assert printed.count("<redacted>") == 9


def test_a_push_stops_at_a_miswired_cable_before_anything_changes(
    tmp_path: Path, fake_driver: type[FakeDriver], cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LLDP is read before a plane is drained: two swapped cables fail the plane, both ends named."""
    monkeypatch.setenv("BAG_DEVICE_USERNAME", "u")
    monkeypatch.setenv("BAG_DEVICE_PASSWORD", "p")
    names = sorted(lab_plan().wiring.nodes)
    inventory = write_inventory(tmp_path, fake_inventory(names))
    cables = intended_cables(lab_plan())
    a, b = ("e1-p1-stsw1", "swp1"), ("e1-p1-stsw2", "swp1")
    fake_driver.swapped = {a: cables[b], b: cables[a], cables[a]: b, cables[b]: a}
    fake_driver.diffs = {"e1-p1-stsw1": "+ neighbor x remote-as 1"}
    code, stdout, _ = cli(
        "push", LAB, "--inventory", inventory, "-o", tmp_path / "out", "--commit", "--converge-timeout", "0.5"
    )
    assert code == 1 and "plane 1: FAILED" in stdout
    assert "cabling BAG304" in stdout and "e1-p1-stsw1 swp1" in stdout and "e1-p1-stsw2 swp1" in stdout
    assert fake_driver.committed == []  # nothing drained, nothing applied
    code, stdout, _ = cli(
        "push", LAB, "--inventory", inventory, "-o", tmp_path / "out", "--commit", "--skip-cabling", "--planes", "1"
    )
    assert "cabling" not in stdout and fake_driver.committed  # without the check the push goes on

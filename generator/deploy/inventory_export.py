"""`inventory --format nornir|ansible`: the intent's devices as an inventory other tools read.

Every device with its NAPALM platform, its management address and groups per region, plane, role
(and platform): Nornir's SimpleInventory (hosts.yaml, groups.yaml, defaults.yaml) or an Ansible
YAML inventory. Credentials are never written: Ansible reads them from the environment through
`lookup('env', ...)`, Nornir users (and `push --inventory`) take them from BAG_DEVICE_USERNAME and
BAG_DEVICE_PASSWORD. Output is deterministic: the same intent gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.compile.network import Plan
from generator.deploy.inventory import PASSWORD_ENV, USERNAME_ENV
from generator.platforms import PLATFORMS
from generator.safeio import first_line_is


def management_address(plan: Plan, name: str) -> str:
    """Where tools reach a device: its management address from the intent's management pool, else
    its IPv4 loopback (FRR devices and intents without a management block are reached in band)."""
    address = plan.management_ipv4(name)
    return address.split("/", 1)[0] if address else plan.loopbacks(name)["ipv4"]


def group_name(kind: str, value: str | int) -> str:
    """`region_east`, `plane_1`, `role_bag`: letters, digits and underscores (Ansible's rule for groups)."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', str(value))}"


def device_facts(plan: Plan, name: str) -> dict[str, Any]:
    node = plan.wiring.nodes[name]
    platform = plan.intent.hardware[node.hardware].platform
    return {
        "platform": platform,
        "region": node.region,
        "plane": node.plane,
        "role": node.role,
        "switch": node.index,
        "fabric": node.fabric,
        "hardware": node.hardware,
        "data_hall": node.data_hall,
        "power_domain": node.power_domain,
        "drained": node.drained,
    }


def groups_of(facts: dict[str, Any]) -> list[str]:
    return [
        group_name("region", facts["region"]),
        group_name("plane", facts["plane"]),
        group_name("role", facts["role"]),
        group_name("platform", facts["platform"]),
    ]


def nornir_inventory(plan: Plan) -> dict[str, dict[str, Any]]:
    """SimpleInventory's three files: hosts (platform = NAPALM driver), groups, defaults."""
    hosts: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    for name in plan.wiring.nodes:
        facts = device_facts(plan, name)
        data = {k: v for k, v in facts.items() if k != "platform"} | {"os": facts["platform"]}
        hosts[name] = {
            "hostname": management_address(plan, name),
            "platform": PLATFORMS[facts["platform"]].NAPALM_DRIVER,
            "groups": groups_of(facts),
            "data": data,
        }
        for group, (key, value) in zip(
            groups_of(facts),
            [
                ("region", facts["region"]),
                ("plane", facts["plane"]),
                ("role", facts["role"]),
                ("os", facts["platform"]),
            ],
            strict=True,
        ):
            groups.setdefault(group, {"data": {key: value}})
    defaults = {"data": {"intent": plan.intent.name}}
    return {"hosts.yaml": hosts, "groups.yaml": dict(sorted(groups.items())), "defaults.yaml": defaults}


def ansible_inventory(plan: Plan) -> dict[str, dict[str, Any]]:
    """One YAML inventory: host variables once under `all.hosts`, groups list their members."""
    hosts: dict[str, Any] = {}
    children: dict[str, Any] = {}
    for name in plan.wiring.nodes:
        facts = device_facts(plan, name)
        network_os, connection = PLATFORMS[facts["platform"]].ANSIBLE
        hosts[name] = {
            "ansible_host": management_address(plan, name),
            "ansible_network_os": network_os,
            "ansible_connection": connection,
            "napalm_platform": PLATFORMS[facts["platform"]].NAPALM_DRIVER,
            **{k: v for k, v in facts.items() if k != "platform"},
        }
        for group in groups_of(facts):
            children.setdefault(group, {"hosts": {}})["hosts"][name] = None
    credentials = {
        "ansible_user": f"{{{{ lookup('ansible.builtin.env', '{USERNAME_ENV}') }}}}",
        "ansible_password": f"{{{{ lookup('ansible.builtin.env', '{PASSWORD_ENV}') }}}}",
    }
    inventory = {"all": {"vars": credentials, "hosts": hosts, "children": dict(sorted(children.items()))}}
    return {"inventory.yaml": inventory}


HEADER = "# {fmt} inventory of intent {name}, written by `python -m generator inventory`\n"
_HEADER_LINE = re.compile(
    rb"# (nornir|ansible) inventory of intent [a-z0-9-]+, written by `python -m generator inventory`"
)


def written_here(path: Path) -> bool:
    """Whether a file is an inventory this tool wrote (its first line is the header `export` writes):
    only those are replaced by the next export."""
    return first_line_is(path, _HEADER_LINE)


def export(plan: Plan, fmt: str) -> dict[str, str]:
    """File name -> YAML text."""
    files = nornir_inventory(plan) if fmt == "nornir" else ansible_inventory(plan)
    header = HEADER.format(fmt=fmt, name=plan.intent.name)
    return {
        name: header + yaml.safe_dump(data, sort_keys=False, default_flow_style=False) for name, data in files.items()
    }

"""Hostile intents found by the third adversarial round: values the schema's types let through (IPv6 zone
IDs, a trailing line break, booleans for counts, other scripts' digits, blank text), secrets echoed in
messages, and intents that validated but gave wrong configs (overlapping management pools, a data port as
management interface, duplicate users, a Junos config that cannot commit, hashes a platform does not
take, reserved ranges, duplicate overrides, raw lines that end the config session).

Every refusal is checked the same way: its code, the exact file:line:column of the field (found the
way the loader finds it, from the YAML node), the exit code, and that nothing was written.
"""

from __future__ import annotations

import ipaddress
import json
import re
import tempfile
import time
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from generator.findings import Severity
from generator.intent import schema
from generator.intent.loader import LoadedIntent, SourceMap, load_intent
from generator.intent.schema import Intent
from generator.validators.intent import PrefixIndex, _pools, address_pools, check_intent

from .hostile import dump, findings_in, lab

Run = Callable[..., tuple[int, str, str]]
Path_ = tuple[Any, ...]


# ------------------------------------------------------------------------------ helpers


def set_path(data: dict[str, Any], path: Path_, value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def on(platform: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The lab intent with every hardware profile on `platform` (IOS XR at a release with transitive LBW)."""
    data = data if data is not None else lab()
    for hw in data["hardware"].values():
        hw["platform"] = platform
        if platform == "iosxr":
            hw["os_version"] = "25.1.1"
    return data


def position(path: Path, path_in_yaml: Path_) -> str:
    """file:line:column of the value at `path_in_yaml`, as the loader locates it (the YAML node's start)."""
    node = yaml.compose(path.read_text())
    for part in path_in_yaml:
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == part)
        else:
            node = node.value[part]
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def write(tmp_path: Path, data: dict[str, Any], name: str = "intent.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dump(data))
    return path


def refused(
    cli: Run, tmp_path: Path, data: dict[str, Any], field: Path_, code: str, exit_code: int, *words: str
) -> str:
    """Build `data`: exit `exit_code`, `code` at the field's line and column, nothing written; the output."""
    path = write(tmp_path, data)
    out = tmp_path / "out"
    rc, stdout, err = cli("build", path, "-o", out)
    text = stdout + err
    assert rc == exit_code, text
    assert "Traceback" not in text and "internal error" not in text, text
    where = position(path, field)
    assert (where, "error", code) in findings_in(text), f"no {code} at {where}:\n{text}"
    assert not out.exists()
    for word in words:
        assert word in text, text
    return text


def warned(cli: Run, tmp_path: Path, data: dict[str, Any], field: Path_, code: str, *words: str) -> str:
    """Validate `data`: exit 0, the warning `code` at the field, nothing written (validate writes nothing)."""
    path = write(tmp_path, data)
    rc, stdout, err = cli("validate", path, "--format", "lines")
    text = stdout + err
    assert rc == 0, text
    assert (position(path, field), "warning", code) in findings_in(text), text
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    for word in words:
        assert word in text, text
    return text


def accepted(cli: Run, tmp_path: Path, data: dict[str, Any]) -> str:
    path = write(tmp_path, data)
    rc, stdout, err = cli("validate", path, "--format", "lines")
    assert rc == 0, stdout + err
    return stdout + err


# ------------------------------------------------------------------------------ 1. IPv6 zone IDs

ZONE_INJECTION = "%x\nusername evil privilege 15 nopassword\n!"


def _ip_fields() -> set[tuple[str, str]]:
    """(model, field) of every address or prefix field of the schema."""

    def is_ip(annotation: Any) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, ipaddress._BaseAddress | ipaddress._BaseNetwork):
            return True
        return any(is_ip(arg) for arg in typing.get_args(annotation))

    found = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__:
            for name, info in obj.model_fields.items():
                if is_ip(info.annotation):
                    found.add((obj.__name__, name))
    return found


# Every address and prefix field, where intent/lab.yaml has it, with a value carrying a zone ID.
IP_FIELDS: dict[tuple[str, str], tuple[Path_, str]] = {
    ("Fabric", "prefixes"): (("regions", 0, "fabrics", 0, "prefixes", 1), f"fd00:101::{ZONE_INJECTION}/48"),
    ("Pools", "p2p_ipv6"): (("inter_region", 0, "addressing", "p2p_ipv6"), f"fd00:1:3::{ZONE_INJECTION}/64"),
    ("RegionPools", "p2p_ipv6"): (("regions", 0, "addressing", "p2p_ipv6"), "fd00:1:1::%eth0/64"),
    ("RegionPools", "loopback_ipv6"): (("regions", 0, "addressing", "loopback_ipv6"), "fd00:ff:1::%0/64"),
    ("Pools", "p2p_ipv4"): (("inter_region", 0, "addressing", "p2p_ipv4"), "10.3.0.0%x/24"),
    ("RegionPools", "p2p_ipv4"): (("regions", 0, "addressing", "p2p_ipv4"), "10.1.0.0%x/24"),
    ("RegionPools", "loopback_ipv4"): (("regions", 0, "addressing", "loopback_ipv4"), "10.255.1.0%x/24"),
    ("RegionPools", "management_ipv4"): (("regions", 0, "addressing", "management_ipv4"), "192.168.0.0%x/24"),
    ("Management", "ipv4_pool"): (("management", "ipv4_pool"), "192.168.100.0%x/24"),
    ("Management", "gateway"): (("management", "gateway"), "192.168.100.1%eth0"),
    ("ManagementSettings", "ntp"): (("management", "ntp", 0), "192.168.100.253%x"),
    ("ManagementSettings", "syslog"): (("management", "syslog", 0), "192.168.100.254%x"),
    ("AaaServer", "address"): (("management", "tacacs", 0, "address"), "192.168.100.250%x"),
}


def test_the_zone_matrix_covers_every_address_and_prefix_field_of_the_schema() -> None:
    assert _ip_fields() - {("Management", "ntp"), ("Management", "syslog")} <= set(IP_FIELDS)


@pytest.mark.parametrize("field", IP_FIELDS, ids=".".join)
def test_an_ipv6_zone_id_is_refused_in_every_address_and_prefix_field(
    field: tuple[str, str], tmp_path: Path, cli: Run
) -> None:
    where, value = IP_FIELDS[field]
    data = on("eos")
    set_path(data, where, value)
    text = refused(cli, tmp_path, data, where, "BAG002", 2)
    assert not any(line.lstrip().startswith("username evil") for line in text.splitlines())  # escaped, if shown


@pytest.mark.parametrize("platform", ["eos", "frr", "iosxr", "junos"])
def test_a_zone_id_cannot_inject_a_config_line(platform: str, tmp_path: Path, cli: Run) -> None:
    where = ("regions", 0, "fabrics", 0, "prefixes", 1)
    data = on(platform)
    set_path(data, where, f"fd00:101::{ZONE_INJECTION}/48")
    text = refused(cli, tmp_path, data, where, "BAG002", 2, "zone ID")
    assert "hint: remove the '%'" in text


# ------------------------------------------------------------------------------ 2. a final line break


# One field of each class whose rule is a pattern (checked with fullmatch: `$` also matches before "\n").
NEWLINE_FIELDS: dict[str, Path_] = {
    "env var (key_env)": ("management", "tacacs", 0, "key_env"),
    "env var (password_env)": ("bgp", "password_env"),
    "env var (secret_env)": ("management", "users", 0, "secret_env"),
    "env var (ckn_env)": ("macsec_profiles", "lab-macsec", "ckn_env"),
    "vrf": ("management", "vrf"),
    "hashed secret": ("management", "users", 0, "hashed_secret"),
    "name": ("regions", 0, "name"),
    "text": ("management", "snmp", "location"),
    "raw line": ("management", "raw", "eos", 0),
}
NEWLINE_VALUES = {
    "hashed secret": "$6$saltsalt$" + "a" * 86 + "\n",
    "raw line": "ip routing\n",
    "name": "east\n",
    "text": "lab\n",
    "vrf": "MGMT\n",
}


@pytest.mark.parametrize("kind", NEWLINE_FIELDS)
@pytest.mark.parametrize("platform", ["eos", "junos"])
def test_a_value_ending_in_a_line_break_is_refused(kind: str, platform: str, tmp_path: Path, cli: Run) -> None:
    """`key_env: |` gives "TK\\n": with re.match(...$) it passed and rendered `key 0 ${TK` and `}`."""
    where = NEWLINE_FIELDS[kind]
    data = on(platform)
    if kind == "hashed secret":
        data["management"]["users"][0].pop("secret_env")
    if kind == "raw line":
        data["management"]["raw"] = {"eos": ["ip routing"]}
    value = NEWLINE_VALUES.get(kind, "TK\n")
    set_path(data, where, value)
    path = write(tmp_path, data)
    assert yaml.safe_load(path.read_text()) == data  # the line break is in the value
    out = tmp_path / "out"
    rc, stdout, err = cli("build", path, "-o", out)
    assert rc == 2, stdout + err
    codes = {c for w, _s, c in findings_in(err) if w == position(path, where)}
    assert codes & {"BAG002", "BAG060"}, err
    assert not out.exists()


def test_a_block_scalar_key_env_never_reaches_a_config(tmp_path: Path, cli: Run) -> None:
    text = dump(on("eos")).replace("key_env: BAG_TACACS_KEY", "key_env: |\n      TK")
    path = tmp_path / "intent.yaml"
    path.write_text(text)
    assert yaml.safe_load(text)["management"]["tacacs"][0]["key_env"] == "TK\n"
    rc, _, err = cli("build", path, "-o", tmp_path / "out", "--no-audit")
    assert rc == 2 and (position(path, ("management", "tacacs", 0, "key_env")), "error", "BAG002") in findings_in(err)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------ 3, 4. secrets


SECRET_PLACES: dict[str, Path_] = {
    "hashed_secret": ("management", "users", 0, "hashed_secret"),
    "secret_env": ("management", "users", 0, "secret_env"),
    "password_env": ("bgp", "password_env"),
    "key_env": ("management", "tacacs", 0, "key_env"),
    "community_env": ("management", "snmp", "community_env"),
    "ckn_env": ("macsec_profiles", "lab-macsec", "ckn_env"),
    "cak_env": ("macsec_profiles", "lab-macsec", "cak_env"),
}


def test_every_secret_field_of_the_schema_is_in_the_matrix() -> None:
    assert schema.secret_fields() == set(SECRET_PLACES)


@pytest.mark.parametrize("secret", ["Hunter2-SuperSecret", 86753091234, 3.14159, "hunter2 pw!", True])
@pytest.mark.parametrize("field", SECRET_PLACES)
def test_a_secret_written_in_a_secret_field_is_never_echoed(field: str, secret: Any, tmp_path: Path, cli: Run) -> None:
    where = SECRET_PLACES[field]
    data = on("eos")
    if field == "hashed_secret":
        data["management"]["users"][0].pop("secret_env")
    set_path(data, where, secret)
    text = refused(cli, tmp_path, data, where, "BAG002", 2)
    rc, stdout, err = cli("validate", tmp_path / "intent.yaml", "--format", "json")
    assert rc == 2
    for shown in (str(secret), repr(secret)):
        assert shown not in text and shown not in stdout + err
    if isinstance(secret, str):
        assert secret.lower() not in (text + stdout + err).lower()


@pytest.mark.parametrize("name", ["BAG_DEVICE_PASSWORD", "BAG_DEVICE_USERNAME"])
@pytest.mark.parametrize("field", ["password_env", "key_env", "secret_env", "community_env", "cak_env"])
def test_the_tools_own_credentials_cannot_be_a_secret_reference(
    field: str, name: str, tmp_path: Path, cli: Run
) -> None:
    data = on("eos")
    set_path(data, SECRET_PLACES[field], name)
    refused(cli, tmp_path, data, SECRET_PLACES[field], "BAG002", 2, "own device credential", "hint: use a variable")


def test_push_refuses_to_resolve_the_tools_own_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.deploy.push import CheckFailedError, resolve_secrets

    monkeypatch.setenv("BAG_DEVICE_PASSWORD", "s3cret")
    with pytest.raises(CheckFailedError) as exc:
        resolve_secrets("key 0 ${BAG_DEVICE_PASSWORD}\n")
    assert "BAG_DEVICE_PASSWORD" in str(exc.value) and "s3cret" not in str(exc.value)


# ------------------------------------------------------------------------------ 5. pools in linear time


def _loaded(data: dict[str, Any]) -> LoadedIntent:
    return LoadedIntent(Intent.model_validate(data), SourceMap(), (), "")


def mesh(regions: int) -> dict[str, Any]:
    """An inter-region mesh: every pair of `regions` regions with its own /30 (7,140 pair pools at 120)."""
    data: dict[str, Any] = {
        "name": "mesh",
        "hardware": {
            "b": {"platform": "frr", "ports_per_line_card": 4000, "port_speed": "800G"},
            "s": {"platform": "frr", "ports_per_line_card": 16, "port_speed": "800G"},
        },
        "regions": [],
        "inter_region": [],
    }
    for r in range(regions):
        data["regions"].append(
            {
                "name": f"r{r}",
                "addressing": {"loopback_ipv4": f"10.{r}.0.0/29", "p2p_ipv4": f"11.{r}.0.0/30"},
                "bag": {"planes": 1, "switches_per_plane": 1, "hardware": "b"},
                "fabrics": [
                    {
                        "name": f"f{r}",
                        "kind": "nsf",
                        "switches_per_plane": 1,
                        "uplinks_per_switch": 1,
                        "downlinks": {"count": 1, "speed": "800G"},
                        "hardware": "s",
                        "prefixes": [f"12.{r}.0.0/24"],
                    }
                ],
            }
        )
    k = 0
    for a in range(regions):
        for b in range(a + 1, regions):
            pool = f"13.{k // 16384}.{(k // 64) % 256}.{(k % 64) * 4}/30"
            data["inter_region"].append(
                {
                    "between": [f"r{a}", f"r{b}"],
                    "topology": "planar",
                    "links_per_switch": 1,
                    "addressing": {"p2p_ipv4": pool},
                }
            )
            k += 1
    return data


def test_the_pools_of_a_120_region_mesh_are_checked_in_well_under_a_second() -> None:
    """Every pair compared with every other took 40 s; the index answers each pool in constant time."""
    loaded = _loaded(mesh(120))
    assert len(address_pools(loaded.intent)) > 7000
    started = time.perf_counter()
    found = list(_pools(loaded))
    assert time.perf_counter() - started < 3
    assert found == []


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2**12 - 1), st.integers(8, 32), st.booleans()), min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 2**12 - 1), st.integers(8, 32), st.booleans()), min_size=1, max_size=6),
)
def test_the_pool_overlap_check_finds_exactly_what_a_pairwise_check_finds(
    pools: list[tuple[int, int, bool]], prefixes: list[tuple[int, int, bool]]
) -> None:
    """The specification is pairwise: a pool is reported when it overlaps any pool listed before it (in
    address_pools order, management pools included), a fabric prefix when it overlaps any pool."""

    def net(value: int, length: int, six: bool) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        if six:
            return ipaddress.ip_network(f"fd00:{value:x}::/{length + 16}", strict=False)
        return ipaddress.ip_network(f"10.{value >> 4}.{(value & 15) << 4}.0/{length}", strict=False)

    generated = [net(*p) for p in pools]
    data = lab()
    data["management"]["ipv4_pool"] = "10.0.0.0/8" if len(generated) % 3 == 0 else "192.168.100.0/24"
    data["regions"][1]["addressing"]["management_ipv4"] = "192.168.200.0/24"
    data["inter_region"] = [
        {
            "between": ["east", "west"],
            "topology": "spread",
            "links_per_switch": 1,
            "addressing": {f"p2p_ipv{n.version}": str(n)},
        }
        for n in generated
    ]
    data["regions"][0]["fabrics"][0]["prefixes"] = [str(net(*p)) for p in prefixes]
    loaded = _loaded(data)
    found = [f for f in _pools(loaded) if f.code == "BAG021" and "reserved" not in f.message]
    listed = address_pools(loaded.intent)
    pairwise = [
        path
        for k, (path, n) in enumerate(listed)
        if any(n.version == m.version and n.overlaps(m) for _, m in listed[:k])
    ]
    pairwise += [
        ("regions", i, "fabrics", j, "prefixes", k)
        for i, region in enumerate(loaded.intent.regions)
        for j, fabric in enumerate(region.fabrics)
        for k, p in enumerate(fabric.prefixes)
        if any(p.version == n.version and p.overlaps(n) for _, n in listed)
    ]
    assert [f.path for f in found] == pairwise


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.integers(0, 16)), min_size=1, max_size=40))
def test_the_prefix_index_answers_like_a_scan(raw: list[tuple[int, int]]) -> None:
    prefixes = [ipaddress.ip_network(f"{v}.0.0.0/{length}", strict=False) for v, length in raw]
    index: PrefixIndex[int] = PrefixIndex(prefixes)
    for k, p in enumerate(prefixes):
        hit = index.find(p)
        overlapping = [j for j, q in enumerate(prefixes[:k]) if p.overlaps(q)]
        assert (hit is None) == (not overlapping)
        assert hit is None or hit in overlapping
        index.add(p, k)


# ------------------------------------------------------------------------------ 6a. management pools overlap


def test_a_region_management_pool_inside_the_shared_pool_is_refused(tmp_path: Path, cli: Run) -> None:
    """east draws from 192.168.100.0/24 from host 2 on; west's own /25 gave duplicate management IPs."""
    data = on("eos")
    data["regions"][1]["addressing"]["management_ipv4"] = "192.168.100.0/25"
    where = ("regions", 1, "addressing", "management_ipv4")
    refused(cli, tmp_path, data, where, "BAG021", 1, "overlaps 192.168.100.0/24 (management.ipv4_pool)")


@pytest.mark.parametrize(
    ("pool", "where"),
    [
        ("10.255.1.0/24", ("regions", 0, "addressing", "management_ipv4")),
        ("10.1.0.0/24", ("regions", 0, "addressing", "management_ipv4")),
        ("10.0.0.0/8", ("regions", 0, "addressing", "management_ipv4")),
        ("10.3.0.0/25", ("inter_region", 0, "addressing", "p2p_ipv4")),  # reported at the pool written later
    ],
)
def test_a_management_pool_over_a_link_or_loopback_pool_is_refused(
    pool: str, where: Path_, tmp_path: Path, cli: Run
) -> None:
    data = on("eos")
    data["regions"][0]["addressing"]["management_ipv4"] = pool
    data["management"].pop("ipv4_pool")
    refused(cli, tmp_path, data, where, "BAG021", 1, "overlaps", pool)


def test_a_fabric_prefix_equal_to_the_management_pool_is_refused(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    data["regions"][0]["fabrics"][0]["prefixes"] = ["192.168.100.0/24"]
    where = ("regions", 0, "fabrics", 0, "prefixes", 0)
    refused(cli, tmp_path, data, where, "BAG021", 1, "overlaps the pool 192.168.100.0/24 (management.ipv4_pool)")


def test_an_unused_shared_pool_may_hold_the_region_pools(tmp_path: Path, cli: Run) -> None:
    """A management supernet no region draws from (each has its own) gives no address: no overlap."""
    data = on("eos")
    data["management"]["ipv4_pool"] = "192.168.0.0/16"
    data["regions"][0]["addressing"]["management_ipv4"] = "192.168.1.0/24"
    data["regions"][1]["addressing"]["management_ipv4"] = "192.168.2.0/24"
    accepted(cli, tmp_path, data)


@pytest.mark.parametrize(
    ("gateway", "words"),
    [
        ("192.168.100.255", "broadcast address"),
        ("192.168.100.0", "network address"),
        ("192.168.100.2", "management address of a device"),
        ("192.168.100.17", "management address of a device"),
        ("8.8.8.8", "outside the management pool"),
    ],
)
def test_a_gateway_that_is_no_free_host_of_the_pool_is_refused(
    gateway: str, words: str, tmp_path: Path, cli: Run
) -> None:
    data = on("eos")
    data["management"]["gateway"] = gateway
    refused(cli, tmp_path, data, ("management", "gateway"), "BAG261", 1, words)


def test_a_free_gateway_above_the_devices_is_accepted(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    data["management"]["gateway"] = "192.168.100.18"  # 16 devices take hosts 2-17
    accepted(cli, tmp_path, data)


# ------------------------------------------------------------------------------ 6b. management interfaces


@pytest.mark.parametrize(
    ("platform", "interface"),
    [
        ("eos", "Ethernet1/1/1"),
        ("eos", "Loopback0"),
        ("eos", "Management"),
        ("eos", "management1"),
        ("iosxr", "EightHundredGigE0/0/0/0"),
        ("iosxr", "Loopback0"),
        ("iosxr", "MgmtEth0/RP0/CPU0"),
        ("junos", "et-0/0/0"),
        ("junos", "fxp0.0"),
    ],
)
def test_a_management_interface_must_be_a_management_port_of_the_platform(
    platform: str, interface: str, tmp_path: Path, cli: Run
) -> None:
    data = on(platform)
    data["management"]["interface"] = interface
    refused(cli, tmp_path, data, ("management", "interface"), "BAG255", 1, f"'{interface}'", "hint: use ")


@pytest.mark.parametrize("layer", ["by_hardware", "by_role"])
def test_a_management_interface_override_is_checked_where_it_is_written(layer: str, tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    key = "lab-stsw" if layer == "by_hardware" else "spine"
    data["management"][layer] = {key: {"interface": "Ethernet1"}}
    refused(cli, tmp_path, data, ("management", layer, key, "interface"), "BAG255", 1, "eos spine switches")


@pytest.mark.parametrize(
    ("platform", "interface"),
    [
        ("eos", "Management0"),
        ("eos", "Management1/1"),
        ("iosxr", "MgmtEth0/RP1/CPU0/0"),
        ("iosxr", "MgmtEth0/RSP0/CPU0/0"),
        ("junos", "em0"),
        ("junos", "re1:mgmt-0"),
    ],
)
def test_management_ports_of_each_platform_are_accepted(
    platform: str, interface: str, tmp_path: Path, cli: Run
) -> None:
    data = on(platform)
    data["management"]["interface"] = interface
    accepted(cli, tmp_path, data)


# ------------------------------------------------------------------------------ 6c. no management address


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos"])
def test_devices_without_a_management_pool_are_warned_about(platform: str, tmp_path: Path, cli: Run) -> None:
    data = on(platform)
    data["management"].pop("ipv4_pool")
    data["regions"][1]["addressing"]["management_ipv4"] = "192.168.200.0/24"
    text = warned(cli, tmp_path, data, ("regions", 0, "addressing"), "BAG256", "no management address")
    assert "region west" not in text  # west has its own pool


def test_frr_devices_need_no_management_pool(tmp_path: Path, cli: Run) -> None:
    data = lab()
    data["management"].pop("ipv4_pool")
    assert "BAG256" not in accepted(cli, tmp_path, data)


# ------------------------------------------------------------------------------ 6d, 6e, 6f. users


@pytest.mark.parametrize(
    ("field", "entry", "where"),
    [
        ("users", {"name": "admin", "role": "read-only", "secret_env": "X"}, ("name",)),
        ("tacacs", {"address": "192.168.100.250", "key_env": "OTHER"}, ("address",)),
        ("radius", {"address": "192.168.100.251", "key_env": "OTHER"}, ("address",)),
        ("ntp", "192.168.100.253", ()),
        ("syslog", "192.168.100.254", ()),
    ],
)
def test_a_user_or_server_listed_twice_is_refused(
    field: str, entry: Any, where: Path_, tmp_path: Path, cli: Run
) -> None:
    data = on("eos")
    data["management"][field].append(entry)
    refused(cli, tmp_path, data, ("management", field, 1, *where), "BAG257", 1, "listed twice")


def test_duplicate_users_in_an_override_are_refused_there(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    user = {"name": "ops", "role": "admin", "secret_env": "OPS_HASH"}
    data["management"]["by_role"] = {"bag": {"users": [user, {**user, "role": "read-only"}]}}
    refused(cli, tmp_path, data, ("management", "by_role", "bag", "users", 1, "name"), "BAG257", 1)


def test_junos_with_only_read_only_users_is_refused(tmp_path: Path, cli: Run) -> None:
    data = on("junos")
    data["management"]["users"] = [{"name": "noc", "role": "read-only", "secret_env": "NOC_HASH"}]
    refused(cli, tmp_path, data, ("management", "users"), "BAG259", 1, "root-authentication", "role: admin")


def test_junos_without_users_is_refused_where_the_override_empties_them(tmp_path: Path, cli: Run) -> None:
    data = on("junos")
    data["management"]["by_role"] = {"spine": {"users": []}}
    refused(cli, tmp_path, data, ("management", "by_role", "spine", "users"), "BAG259", 1, "spine switches")


def test_a_read_only_user_is_fine_where_no_platform_needs_an_admin(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    data["management"]["users"] = [{"name": "noc", "role": "read-only", "secret_env": "NOC_HASH"}]
    accepted(cli, tmp_path, data)


def test_a_junos_user_named_root_is_refused(tmp_path: Path, cli: Run) -> None:
    data = on("junos")
    data["management"]["users"].append({"name": "root", "secret_env": "ROOT_HASH"})
    refused(cli, tmp_path, data, ("management", "users", 1, "name"), "BAG258", 1, "'root'", "root-authentication")


SHA256 = "$5$rounds=5000$saltsalt$" + "b" * 43
YESCRYPT = "$y$j9T$saltsaltsalt$" + "c" * 43
SHA512 = "$6$saltsalt$" + "a" * 86


@pytest.mark.parametrize(
    ("platform", "secret", "ok"),
    [
        ("eos", SHA256, False),
        ("eos", YESCRYPT, False),
        ("iosxr", SHA256, False),
        ("iosxr", YESCRYPT, False),
        ("junos", YESCRYPT, False),
        ("eos", SHA512, True),
        ("iosxr", SHA512, True),
        ("junos", SHA512, True),
        ("junos", SHA256, True),
        ("frr", YESCRYPT, True),
    ],
)
def test_a_hash_is_one_the_platform_takes(platform: str, secret: str, ok: bool, tmp_path: Path, cli: Run) -> None:
    data = on(platform)
    data["management"]["users"][0] = {"name": "admin", "role": "admin", "hashed_secret": secret}
    if ok:
        accepted(cli, tmp_path, data)
        return
    text = refused(cli, tmp_path, data, ("management", "users", 0, "hashed_secret"), "BAG260", 1, "openssl passwd -6")
    assert secret not in text and secret[4:] not in text


# ------------------------------------------------------------------------------ 6g. reserved ranges

RESERVED = [
    (("regions", 0, "addressing", "p2p_ipv4"), "0.0.0.0/24"),
    (("regions", 0, "addressing", "loopback_ipv4"), "127.0.0.0/24"),
    (("regions", 0, "addressing", "loopback_ipv4"), "224.0.0.0/24"),
    (("regions", 0, "addressing", "p2p_ipv4"), "240.0.0.0/24"),
    (("regions", 0, "addressing", "loopback_ipv4"), "255.255.255.255/32"),
    (("regions", 0, "addressing", "p2p_ipv6"), "fe80::/64"),
    (("regions", 0, "addressing", "loopback_ipv6"), "ff02::/64"),
    (("regions", 0, "addressing", "loopback_ipv6"), "::1/128"),
    (("regions", 0, "addressing", "p2p_ipv6"), "::ffff:10.0.0.0/120"),
    (("regions", 0, "addressing", "management_ipv4"), "127.1.0.0/24"),
    (("management", "ipv4_pool"), "224.1.0.0/24"),
    (("inter_region", 0, "addressing", "p2p_ipv4"), "240.1.0.0/24"),
    (("regions", 0, "fabrics", 0, "prefixes", 0), "224.0.0.0/4"),
    (("regions", 0, "fabrics", 0, "prefixes", 1), "ff00::/8"),
    (("regions", 0, "fabrics", 0, "prefixes", 1), "fe80::/10"),
    (("regions", 0, "fabrics", 0, "prefixes", 0), "0.0.0.0/0"),
]


@pytest.mark.parametrize(("where", "prefix"), RESERVED, ids=str)
def test_a_pool_or_fabric_prefix_in_a_reserved_range_is_refused(
    where: Path_, prefix: str, tmp_path: Path, cli: Run
) -> None:
    data = on("eos")
    set_path(data, where, prefix)
    refused(cli, tmp_path, data, where, "BAG021", 1, "reserved")


@pytest.mark.parametrize("address", ["0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1"])
@pytest.mark.parametrize("field", [("management", "ntp", 0), ("management", "tacacs", 0, "address")])
def test_a_server_address_in_a_reserved_range_is_refused(field: Path_, address: str, tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    set_path(data, field, address)
    refused(cli, tmp_path, data, field, "BAG002", 2, "reserved range", "hint: use the server's")


# ------------------------------------------------------------------------------ 6h. blank text

TEXT_FIELDS: list[Path_] = [
    ("management", "snmp", "location"),
    ("management", "snmp", "contact"),
    ("description",),
    ("hardware", "lab-bag", "model"),
    ("hardware", "lab-bag", "os_version"),
    ("management", "interface"),
]


@pytest.mark.parametrize("value", [" ", "   ", " DC1 hall A", "DC1 hall A "])
@pytest.mark.parametrize("field", TEXT_FIELDS, ids=".".join)
def test_blank_text_or_text_with_spaces_at_its_ends_is_refused(
    field: Path_, value: str, tmp_path: Path, cli: Run
) -> None:
    """`location: " "` rendered the incomplete `snmp-server location `."""
    data = on("eos")
    set_path(data, field, value)
    refused(cli, tmp_path, data, field, "BAG002", 2, "blank" if not value.strip() else "starts or ends with a space")


def test_the_json_schema_refuses_what_the_text_rule_refuses() -> None:
    pattern = re.compile(schema._TEXT_PATTERN)  # ECMA-262 `$` is the end of the text: fullmatch in Python
    for value in (" ", " a", "a ", "a\n", "a  "):
        assert not pattern.fullmatch(value)
    for value in ("", "a", "DC1 hall A"):
        assert pattern.fullmatch(value)


# ------------------------------------------------------------------------------ 6i. duplicate overrides


def test_a_fabric_link_override_given_twice_is_refused(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    over = {"plane": 1, "fabric_switch": 1, "bag_switch": 1, "links": 1}
    data["regions"][0]["fabrics"][0]["link_overrides"] = [over, {**over, "links": 2}]
    where = ("regions", 0, "fabrics", 0, "link_overrides", 1)
    refused(cli, tmp_path, data, where, "BAG224", 1, "overridden twice", "link_overrides[0]")


def test_an_inter_region_override_given_twice_is_refused(tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    over = {"region": "east", "plane": 1, "switch": 1, "links": 1}
    data["inter_region"][0]["link_overrides"] = [over, {**over, "links": 3}]
    refused(cli, tmp_path, data, ("inter_region", 0, "link_overrides", 1), "BAG224", 1, "region east plane 1")


# ------------------------------------------------------------------------------ 6j, 6k. numbers

NOT_INTEGERS = [
    (("regions", 0, "bag", "planes"), True),
    (("bgp", "keepalive"), True),
    (("bgp", "hold"), False),
    (("mtu",), "9000"),
    (("mtu",), 9000.0),
    (("asn", "bag_base"), 4200000001.0),
    (("asn", "bag_base"), "4200000001"),
    (("hardware", "lab-bag", "line_cards"), True),
    (("regions", 0, "bag", "drained_planes"), [True]),
    (("macsec_profiles", "lab-macsec", "key_server_priority"), False),
]


@pytest.mark.parametrize(("field", "value"), NOT_INTEGERS, ids=str)
def test_a_count_or_timer_must_be_a_whole_number(field: Path_, value: Any, tmp_path: Path, cli: Run) -> None:
    """`planes: yes` and `keepalive: true` became 1."""
    data = on("eos")
    set_path(data, field, value)
    where = (*field, 0) if isinstance(value, list) else field
    refused(cli, tmp_path, data, where, "BAG002", 2, "valid integer", "hint: write a whole number")


@pytest.mark.parametrize("value", [1, "true", "yes"])
def test_a_switch_must_be_a_boolean(value: Any, tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    data["management"]["lldp"] = value
    refused(cli, tmp_path, data, ("management", "lldp"), "BAG002", 2, "valid boolean", "hint: write true or false")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (("hardware", "lab-bag", "port_speed"), "\u0668\u0660\u0660G"),  # Arabic-Indic 800
        (("hardware", "lab-bag", "port_speed"), "\uff18\uff10\uff10G"),  # full-width 800
        (("hardware", "lab-bag", "breakouts", 0), "\uff12x400G"),
        (("hardware", "lab-bag", "breakouts", 0), "2x\u0664\u0660\u0660G"),
        (("budgets", "l2_to_bag_oversubscription"), "\uff14.5:1"),
        (("regions", 0, "fabrics", 0, "downlinks", "speed"), "8\u06f0\u06f0G"),  # mixed scripts
    ],
    ids=ascii,
)
def test_speeds_and_ratios_take_ascii_digits_only(field: Path_, value: str, tmp_path: Path, cli: Run) -> None:
    data = on("eos")
    set_path(data, field, value)
    refused(cli, tmp_path, data, field, "BAG002", 2, "hint: ")


@pytest.mark.parametrize(
    "text", ["800G\u00a0", "\u2003800G", "800\u00a0G", "\u0668\u0660\u0660G", "\uff18\uff10\uff10G"]
)
def test_an_editor_refuses_other_scripts_digits_and_spaces_like_the_loader(text: str) -> None:
    """ECMA-262's `\\s` takes U+00A0 and Python's `\\d` other scripts' digits: neither side does now."""
    import regress

    from generator.units import parse_bps, speed_pattern

    assert regress.Regex(speed_pattern()).find(text) is None
    with pytest.raises(ValueError, match="not a bandwidth"):
        parse_bps(text)


# ------------------------------------------------------------------------------ 6l. raw lines

RAW_REFUSED = [
    ("eos", "END"),
    ("eos", "End"),
    ("eos", "en"),
    ("eos", "exit"),
    ("eos", "  Exit"),
    ("eos", "abort"),
    ("eos", "commit"),
    ("eos", "comm"),
    ("iosxr", "abort"),
    ("iosxr", "commit"),
    ("iosxr", "commit replace"),
    ("iosxr", "exit"),
    ("iosxr", "end"),
    ("iosxr", "EN"),
    ("frr", "END"),
    ("frr", "exit"),
    ("frr", "exit-vrf"),
    ("frr", "exit-address-family"),
    ("junos", 'system { host-name "evil; }'),
    ("junos", '"'),
    ("junos", "} system { host-name evil; } interfaces {"),
    ("junos", "system { host-name x; } }{"),
    ("junos", "x { # }"),
    ("junos", "protocols { lldp {"),
]


@pytest.mark.parametrize(("platform", "line"), RAW_REFUSED, ids=str)
def test_a_raw_line_cannot_end_config_mode_or_the_session(platform: str, line: str, tmp_path: Path, cli: Run) -> None:
    data = on(platform)
    data["management"]["raw"] = {platform: ["lldp run" if platform != "junos" else "protocols { lldp; }", line]}
    refused(
        cli, tmp_path, data, ("management", "raw", platform, 1), "BAG060", 2, "hint: write one complete config line"
    )


RAW_ACCEPTED = [
    ("eos", "enable password sha512 $6$x"),
    ("eos", "comment"),
    ("eos", "aaa root secret sha512 $6$x"),
    ("iosxr", "end-policy"),
    ("iosxr", "end-set"),
    ("iosxr", "exception pakmem on"),
    ("frr", "log syslog informational"),
    ("junos", 'system { login { message "a } b # c"; } }'),
    ("junos", "protocols { lldp { interface all; } }"),
]


@pytest.mark.parametrize(("platform", "line"), RAW_ACCEPTED, ids=str)
def test_ordinary_raw_lines_stay_accepted(platform: str, line: str, tmp_path: Path, cli: Run) -> None:
    data = on(platform)
    data["management"]["raw"] = {platform: [line]}
    accepted(cli, tmp_path, data)


# ------------------------------------------------------------------------------ 6m. FRR unit


@pytest.mark.parametrize(("unit", "shown"), [(1, "1 bps"), (1500, "1.5 Kbps"), ("2M", "2 Mbps")])
def test_the_frr_unit_is_printed_in_its_own_unit(unit: Any, shown: str, tmp_path: Path, cli: Run) -> None:
    """frr_unit: 1 printed "1 encoded Mbps = 0 Mbps"."""
    data = lab()
    data["link_bandwidth"]["frr_unit"] = unit
    text = refused(cli, tmp_path, data, ("link_bandwidth", "frr_unit"), "BAG051", 1, f"1 encoded Mbps = {shown} ")
    assert "= 0 Mbps" not in text


# ------------------------------------------------------------------------------ 6n. every finding has a hint

BAD_INTENTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "bandwidth": lambda d: d["hardware"]["lab-bag"].__setitem__("port_speed", "800X"),
    "string for a number": lambda d: d["bgp"].__setitem__("password_env", 12345),
    "float for an integer": lambda d: d["regions"][0]["bag"].__setitem__("planes", 2.5),
    "plane out of range": lambda d: d["regions"][0]["bag"].__setitem__("drained_planes", [9]),
    "placement out of range": lambda d: d["regions"][0]["bag"]["placement"][0].__setitem__("switches", [9]),
    "override out of range": lambda d: d["regions"][0]["fabrics"][0].__setitem__(
        "link_overrides", [{"plane": 9, "fabric_switch": 9, "bag_switch": 9, "links": 1}]
    ),
    "planar shape": lambda d: (
        d["inter_region"][0].__setitem__("topology", "planar"),
        d["regions"][1]["bag"].__setitem__("switches_per_plane", 1),
    ),
    "spread width": lambda d: d["inter_region"][0].__setitem__("spread_width", 99),
    "pair with itself": lambda d: d["inter_region"][0].__setitem__("between", ["east", "east"]),
    "pair twice": lambda d: d["inter_region"].append(d["inter_region"][0]),
    "a /128 pool": lambda d: d["regions"][0]["addressing"].__setitem__("p2p_ipv6", "fd00:1:1::/128"),
    "override of another region": lambda d: d["inter_region"][0].__setitem__(
        "link_overrides", [{"region": "north", "plane": 1, "switch": 1, "links": 1}]
    ),
    "no p2p pool": lambda d: [d["regions"][0]["addressing"].pop(k) for k in ("p2p_ipv4", "p2p_ipv6")],
    "unknown field": lambda d: d.__setitem__("nmae", "x"),
    "missing field": lambda d: d.pop("regions"),
    "timers": lambda d: d["bgp"].__setitem__("hold", 3) or d["bgp"].__setitem__("keepalive", 2),
    "frr unit": lambda d: d["link_bandwidth"].__setitem__("frr_unit", "300M"),
    "user secret": lambda d: d["management"]["users"][0].pop("secret_env"),
}


@pytest.mark.parametrize("name", BAD_INTENTS)
def test_every_finding_of_a_bad_intent_has_a_hint(name: str, tmp_path: Path, cli: Run) -> None:
    data = lab()
    BAD_INTENTS[name](data)
    path = write(tmp_path, data)
    rc, stdout, err = cli("validate", path, "--format", "lines")
    lines = (stdout + err).splitlines()
    found = [i for i, line in enumerate(lines) if re.search(r" (error|warning) BAG\d{3} ", line)]
    assert rc in (0, 1, 2) and found, "\n".join(lines)
    for i in found:
        assert i + 1 < len(lines) and lines[i + 1].startswith("    hint: ") and len(lines[i + 1]) > 12, lines[i]
    rc, stdout, _ = cli("validate", path, "--format", "json")
    if rc == 1:  # semantic findings: JSON carries the hint too
        assert all(f["hint"] for f in json.loads(stdout)["findings"])


def test_a_top_level_list_and_an_empty_directory_have_hints(tmp_path: Path, cli: Run) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    rc, _, err = cli("validate", tmp_path / "list.yaml")
    assert rc == 2 and (f"{tmp_path / 'list.yaml'}:1:1", "error", "BAG001") in findings_in(err)
    assert "hint: an intent is a mapping" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    rc, _, err = cli("validate", empty)
    assert rc == 2 and (str(empty), "error", "BAG001") in findings_in(err) and "hint: put the intent's" in err


def test_warnings_carry_a_severity_and_a_hint(tmp_path: Path) -> None:
    data = on("eos")
    data["management"].pop("ipv4_pool")
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), data)
        loaded = load_intent(path)
        assert check_intent(loaded) == []
        from generator.pipeline import validate_loaded

        warnings = [f for f in validate_loaded(loaded) if f.code == "BAG256"]
    assert warnings and all(f.severity is Severity.WARNING and f.hint for f in warnings)

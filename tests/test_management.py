"""Replace-safe configs: management, users, AAA and MACsec in the intent, the models and the diffs.

A full replace (EOS `configure replace`, IOS XR `commit replace`, Junos `load override`) keeps only what
the file says, so the file must carry everything that keeps a device reachable. Secrets are `${ENV}`
references or crypt hashes: never clear text in the intent, the configs or a review.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.pipeline import compile_path
from generator.render.engine import render_device
from generator.textsafety import redact
from tests.test_audit import on_platform

HASH = "$6$salt1234$doOt3cBl9NXzenLNmipV5LCH2AJeZ.SaOvKJsFtklWCXcBkWWbLnmnyCKTaxcwz2C3jZPlXW3wUTgklRvgqgD0"


def compiled(tmp_path: Path, data: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return compile_path(path).network.devices


# ------------------------------------------------------------------------------------------ addresses


def test_management_addresses_come_from_the_shared_pool_region_after_region(tmp_path: Path, lab_data) -> None:
    devices = compiled(tmp_path, on_platform(lab_data, "eos"))
    addresses = [d.management.ipv4 for d in devices.values()]
    assert len(set(addresses)) == 16
    assert devices["east-bag-p1-s1"].management.ipv4 == "192.168.100.2/24"  # the first host is the gateway
    assert devices["east-bag-p1-s1"].management.gateway == "192.168.100.1"
    west_first = min(
        int(a.split(".")[3].split("/")[0])
        for n, d in devices.items()
        for a in [d.management.ipv4]
        if d.region == "west"
    )
    assert west_first == 2 + 8  # east's 8 devices come first


def test_a_region_pool_takes_precedence_and_names_its_own_gateway(tmp_path: Path, lab_data) -> None:
    lab_data["regions"][1]["addressing"]["management_ipv4"] = "172.16.5.0/26"
    devices = compiled(tmp_path, on_platform(lab_data, "iosxr"))
    west = [d.management for d in devices.values() if d.region == "west"]
    assert {m.gateway for m in west} == {"172.16.5.1"}
    assert sorted(m.ipv4 for m in west)[0] == "172.16.5.2/26"
    assert "ipv4 address 172.16.5.2 255.255.255.192" in render_device(devices["west-bag-p1-s1"])


def test_frr_keeps_hostname_and_logging_only(tmp_path: Path, lab_data) -> None:
    device = compiled(tmp_path, lab_data)["east-bag-p1-s1"]
    text = render_device(device)
    assert "hostname east-bag-p1-s1" in text and "log syslog informational" in text
    assert not re.search(r"vrf|tacacs|ntp|username|snmp|macsec", text)


def test_the_management_addresses_are_in_the_model_for_inventories(tmp_path: Path, lab_data) -> None:
    device = compiled(tmp_path, on_platform(lab_data, "junos"))["w1-p2-stsw1"]
    assert device.management.interface == "fxp0" and device.management.vrf == "mgmt_junos"
    assert device.management.ipv4.startswith("192.168.100.") and device.management.ipv4.endswith("/24")


# ------------------------------------------------------------------------------------------ layering


def test_hardware_and_role_settings_override_only_what_they_set(tmp_path: Path, lab_data) -> None:
    lab_data["management"]["by_hardware"] = {"lab-bag": {"interface": "Management0", "ntp": ["192.0.2.1"]}}
    lab_data["management"]["by_role"] = {"bag": {"ntp": ["192.0.2.2"]}, "spine": {"lldp": False}}
    devices = compiled(tmp_path, on_platform(lab_data, "eos"))
    bag, spine = devices["east-bag-p1-s1"].management, devices["e1-p1-stsw1"].management
    assert (bag.interface, bag.ntp, bag.lldp) == ("Management0", ("192.0.2.2",), True)  # role beats hardware
    assert (spine.interface, spine.ntp, spine.lldp) == ("Management1", ("192.168.100.253",), False)
    assert spine.tacacs == bag.tacacs and spine.users == bag.users  # inherited from the defaults
    assert "no lldp run" in render_device(devices["e1-p1-stsw1"])


# ------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        (lambda d: d["management"].update(ipv4_pool="192.168.100.0/29"), "BAG251", "holds 5 devices"),
        (lambda d: d["inter_region"][0].update(macsec_profile="nope"), "BAG253", "'nope' is not defined"),
        (
            lambda d: d["management"].update(interface="Management1"),
            "BAG255",
            "is not a management interface of the junos",
        ),
        (lambda d: d["management"].update(by_hardware={"nope": {"lldp": False}}), "BAG254", "'nope' does not exist"),
    ],
)
def test_management_mistakes_are_located_findings(lab_data, write_intent, cli, change, code: str, text: str) -> None:
    data = on_platform(lab_data, "junos")
    change(data)
    status, out, err = cli("validate", write_intent(data), "--format", "json")
    assert status == 1 and code in out and text in out, out + err


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"name": "admin", "hashed_secret": "hunter2"}, "is not a crypt hash"),
        ({"name": "admin"}, "exactly one of hashed_secret or secret_env"),
        ({"name": "admin", "hashed_secret": HASH, "secret_env": "X"}, "exactly one"),
        ({"name": "admin", "secret_env": "lower"}, "not an environment variable name"),
    ],
)
def test_user_secrets_are_hashes_or_references(lab_data, write_intent, cli, user: dict[str, Any], message: str) -> None:
    lab_data["management"]["users"] = [user]
    code, _, err = cli("validate", write_intent(lab_data))
    assert code == 2 and message in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hostname evil\nusername x", "control character"),
        ("banner motd */ x", "comment delimiter"),
        ("end", "would leave config mode or end the config session"),
    ],
)
def test_raw_lines_cannot_inject_lines(lab_data, write_intent, cli, line: str, message: str) -> None:
    lab_data["management"]["raw"] = {"eos": [line]}
    code, _, err = cli("validate", write_intent(lab_data))
    assert code == 2 and message in err


def test_junos_raw_lines_need_balanced_braces(lab_data, write_intent, cli) -> None:
    lab_data["management"]["raw"] = {"junos": ["system { services { ssh; }"]}
    code, _, err = cli("validate", write_intent(lab_data))
    assert code == 2 and "unbalanced braces" in err


def test_raw_lines_are_appended_for_their_platform_only(tmp_path: Path, lab_data) -> None:
    lab_data["management"]["raw"] = {
        "eos": ["banner login x"],
        "junos": ["chassis { fpc 0 { pic 0 { number-of-ports 36; } } }"],
    }
    eos = render_device(compiled(tmp_path, on_platform(lab_data, "eos"))["east-bag-p1-s1"])
    assert eos.endswith("banner login x\nend\n") and "chassis" not in eos


def test_a_raw_line_that_overrides_the_model_is_caught_and_named(tmp_path: Path, lab_data, write_intent, cli) -> None:
    """Raw lines are checked for safety, not meaning: the audit catches one that changes what the
    intent says, and the hint points at the raw lines before the templates."""
    lab_data["management"]["raw"] = {"eos": ["router bgp 1"]}
    code, _, err = cli("build", write_intent(on_platform(lab_data, "eos")), "-o", tmp_path / "out")
    assert code == 1 and "error BAG080" in err and "bgp asn: model 4200001001, config 1" in err
    assert "a `management.raw` line for eos may override what the intent says" in err
    assert not (tmp_path / "out").exists()


def test_an_intent_without_management_warns_that_replace_would_cut_devices_off(lab_data, write_intent, cli) -> None:
    del lab_data["management"]
    code, out, _ = cli("validate", write_intent(on_platform(lab_data, "eos")), "--format", "json")
    assert code == 0 and "BAG252" in out


# ------------------------------------------------------------------------------------------ secrets


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos"])
def test_every_secret_line_is_redacted_in_diffs(tmp_path: Path, lab_data, platform: str) -> None:
    lab_data["bgp"]["password_env"] = "BAG_BGP_PASSWORD"
    lab_data["management"]["users"].append({"name": "noc", "role": "read-only", "hashed_secret": HASH})
    text = render_device(compiled(tmp_path, on_platform(lab_data, platform))["east-bag-p1-s1"])
    secret_lines = [line for line in text.splitlines() if "${" in line or HASH in line]
    assert len(secret_lines) >= 8  # users, AAA keys, SNMP community, MACsec CKN and CAK, BGP passwords
    for line in secret_lines:
        shown = redact(line)
        assert "${" not in shown and HASH not in shown and "<redacted>" in shown, line


def test_macsec_key_material_is_only_ever_a_reference(tmp_path: Path, lab_data) -> None:
    devices = compiled(tmp_path, on_platform(lab_data, "iosxr"))
    profile = devices["east-bag-p1-s1"].macsec[0]
    assert (profile.ckn, profile.cak, profile.cipher) == ("${BAG_MACSEC_CKN}", "${BAG_MACSEC_CAK}", "GCM-AES-XPN-256")
    assert devices["e1-p1-stsw1"].macsec == ()  # fabric links are not MACsec-protected

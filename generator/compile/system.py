"""Management and MACsec: what every device needs beside routing so that a full replace keeps it reachable.

Settings resolve in three layers, each overriding only what it sets: the intent's `management` block,
then `management.by_hardware[profile]`, then `management.by_role[role]`. Addresses come from the
region's management pool (`regions[].addressing.management_ipv4`) or the network-wide
`management.ipv4_pool`: device n of the pool gets host n+2 (the first host is the gateway unless
`management.gateway` says otherwise), n being the device's loopback index within its region, offset by
the sizes of the earlier regions when the pool is shared.

Platform spellings (the templates print these values as they are):
- management interface: EOS `Management1` (fixed systems; modular chassis with two supervisors use
  `Management0`, set it per hardware profile), IOS XR `MgmtEth0/RP0/CPU0/0`, Junos `fxp0` (PTX/MX
  routing engines; QFX uses `em0`), FRR none (the lab reaches devices through `nsenter`).
- management VRF: Junos's is always `mgmt_junos` (Junos "Management Interface in a Non-Default
  Instance": `system management-instance`).
- roles: EOS `role network-admin`/`network-operator` (EOS User Manual, "User Accounts"), IOS XR
  `group root-lr`/`group operator` (IOS XR System Security Configuration Guide, "Predefined user
  groups"), Junos `class super-user`/`read-only` (Junos "Predefined System Login Classes").
- MACsec ciphers: EOS `aes256-gcm-xpn` (EOS User Manual, "MACsec" > "cipher"), IOS XR
  `GCM-AES-XPN-256` (IOS XR "Configuring MACsec" > "MACsec policy"), Junos `gcm-aes-xpn-256`
  (Junos "security macsec connectivity-association cipher-suite").
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from generator.compile.addressing import ipv4_text
from generator.findings import FieldPath
from generator.intent.schema import Intent, ManagementSettings
from generator.intent.schema import Management as IntentManagement
from generator.model import AaaServer, Macsec, Management, User
from generator.platforms import PLATFORMS

DEFAULT_VRF = "MGMT"


def ref(env: str) -> str:
    """A secret reference, resolved only at push time (generator.deploy.push.resolve_secrets)."""
    return f"${{{env}}}"


@dataclass(frozen=True, slots=True)
class MgmtPool:
    network: ipaddress.IPv4Network
    gateway: str
    offset: int  # devices of earlier regions sharing the pool

    def address(self, index: int) -> str:
        value = int(self.network.network_address) + 2 + self.offset + index
        return f"{ipv4_text(value)}/{self.network.prefixlen}"

    @property
    def capacity(self) -> int:
        return self.network.num_addresses - 3  # network, gateway, broadcast


def management_pools(intent: Intent, devices_per_region: dict[str, int]) -> dict[str, MgmtPool]:
    """The management pool of every region that has one (its own, or its share of the global pool)."""
    m = intent.management
    pools: dict[str, MgmtPool] = {}
    shared_offset = 0
    for region in intent.regions:
        own = region.addressing.management_ipv4
        if own is not None:
            pools[region.name] = MgmtPool(own, ipv4_text(int(own.network_address) + 1), 0)
        elif m is not None and m.ipv4_pool is not None:
            gateway = str(m.gateway) if m.gateway else ipv4_text(int(m.ipv4_pool.network_address) + 1)
            pools[region.name] = MgmtPool(m.ipv4_pool, gateway, shared_offset)
            shared_offset += devices_per_region.get(region.name, 0)
    return pools


_FIELDS = tuple(ManagementSettings.model_fields)


def setting(m: IntentManagement, hardware: str, role: str, field: str) -> tuple[Any, FieldPath]:
    """One management setting as a device of (hardware profile, role) gets it (the defaults, then
    `by_hardware`, then `by_role`: each overrides only what it sets), and the field it was written in."""
    value: Any = getattr(m, field)
    path: FieldPath = ("management", field)
    layers = (
        (m.by_hardware.get(hardware), ("management", "by_hardware", hardware)),
        (m.by_role.get(role), ("management", "by_role", role)),  # type: ignore[call-overload]
    )
    for layer, where in layers:
        if layer is not None and field in layer.model_fields_set:
            value, path = getattr(layer, field), (*where, field)
    return value, path


def settings(intent: Intent, hardware: str, role: str) -> dict[str, Any]:
    """The management settings of a (hardware profile, role)."""
    m = intent.management
    if m is None:
        return {}
    return {f: setting(m, hardware, role, f)[0] for f in _FIELDS}


def management(intent: Intent, platform: str, hardware: str, role: str, address: str, gateway: str) -> Management:
    s = settings(intent, hardware, role)
    users = tuple(
        User(u.name, PLATFORMS[platform].ROLES[u.role], u.hashed_secret or ref(u.secret_env or ""))
        for u in s.get("users") or ()
    )
    snmp = s.get("snmp")
    raw = s.get("raw")
    return Management(
        interface=s.get("interface") or PLATFORMS[platform].MGMT_INTERFACE,
        vrf=PLATFORMS[platform].MGMT_VRF or s.get("vrf") or DEFAULT_VRF,
        ipv4=address,
        gateway=gateway if address else "",
        users=users,
        tacacs=tuple(AaaServer(str(a.address), ref(a.key_env)) for a in s.get("tacacs") or ()),
        radius=tuple(AaaServer(str(a.address), ref(a.key_env)) for a in s.get("radius") or ()),
        ntp=tuple(str(a) for a in s.get("ntp") or ()),
        syslog=tuple(str(a) for a in s.get("syslog") or ()),
        snmp_community=ref(snmp.community_env) if snmp and snmp.community_env else "",
        snmp_location=snmp.location if snmp else "",
        snmp_contact=snmp.contact if snmp else "",
        lldp=bool(s["lldp"]) if s.get("lldp") is not None else True,
        raw=tuple(getattr(raw, platform)) if raw else (),
        services=PLATFORMS[platform].MGMT_SERVICES,
    )


def macsec_profile(intent: Intent, platform: str, name: str) -> Macsec:
    p = intent.macsec_profiles[name]
    return Macsec(
        name, PLATFORMS[platform].CIPHERS.get(p.cipher, p.cipher), ref(p.ckn_env), ref(p.cak_env), p.key_server_priority
    )

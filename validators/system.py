"""Checks of the management, MACsec and MTU parts of the intent (codes BAG250-BAG261, see generator.catalogue)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.compile.mtu import interface_mtu, max_ip_mtu
from generator.compile.system import setting
from generator.compile.wiring import fabric_role
from generator.findings import FieldPath, Finding, Severity, format_path
from generator.intent.loader import LoadedIntent
from generator.intent.schema import Intent, Management, ManagementSettings
from generator.platforms import PLATFORMS
from generator.validators.intent import finding, repeated

Role = str


def check_system(loaded: LoadedIntent, devices_per_region: Mapping[str, int]) -> Iterator[Finding]:
    """MTU limits per platform, management pools and coverage, MACsec profile references."""
    intent = loaded.intent
    platforms = sorted({h.platform for h in intent.hardware.values()})
    for platform in platforms:
        if intent.mtu > max_ip_mtu(platform):
            yield finding(
                loaded,
                "BAG250",
                ("mtu",),
                f"IP MTU {intent.mtu} needs interface mtu {interface_mtu(platform, intent.mtu)} on {platform}, "
                f"above its maximum",
                f"use an IP MTU of at most {max_ip_mtu(platform)}",
            )
    m = intent.management
    if m is None:
        if set(platforms) - {"frr"}:
            yield finding(
                loaded,
                "BAG252",
                (),
                "no `management` block: EOS, IOS XR and Junos configs carry no management interface, "
                "users or AAA, so a full replace (configure replace, commit replace, load override) "
                "would cut the devices off",
                "add `management:` with an ipv4_pool, users and AAA servers",
                Severity.WARNING,
            )
    else:
        yield from _management(loaded, m)
        for name in m.by_hardware:
            if name not in intent.hardware:
                yield finding(
                    loaded,
                    "BAG254",
                    ("management", "by_hardware", name),
                    f"hardware profile '{name}' does not exist",
                    f"use one of: {', '.join(sorted(intent.hardware))}",
                )
    shared = m.ipv4_pool if m is not None else None
    shared_need = 0
    for i, region in enumerate(intent.regions):
        count = devices_per_region.get(region.name, 0)
        own = region.addressing.management_ipv4
        if own is not None and own.num_addresses - 3 < count:
            yield finding(
                loaded,
                "BAG251",
                ("regions", i, "addressing", "management_ipv4"),
                f"management pool {own} holds {max(0, own.num_addresses - 3)} devices, region has {count}",
                "use a larger prefix",
            )
        elif own is None and shared is not None:
            shared_need += count
    if shared is not None and shared.num_addresses - 3 < shared_need:
        yield finding(
            loaded,
            "BAG251",
            ("management", "ipv4_pool"),
            f"management pool {shared} holds {max(0, shared.num_addresses - 3)} devices, {shared_need} need it",
            "use a larger prefix, or per-region `management_ipv4` pools",
        )
    elif m is not None and m.gateway is not None:
        yield from _gateway(loaded, m, shared_need)
    for i, pair in enumerate(intent.inter_region):
        if pair.macsec_profile and pair.macsec_profile not in intent.macsec_profiles:
            known = ", ".join(sorted(intent.macsec_profiles)) or "none defined"
            yield finding(
                loaded,
                "BAG253",
                ("inter_region", i, "macsec_profile"),
                f"MACsec profile '{pair.macsec_profile}' is not defined under macsec_profiles ({known})",
                "define it with ckn_env and cak_env, or fix the name",
            )


def device_kinds(intent: Intent) -> list[tuple[int, str, Role]]:
    """(region index, hardware profile, role) of every kind of device the intent has, in intent order."""
    kinds: dict[tuple[int, str, Role], None] = {}
    for i, region in enumerate(intent.regions):
        kinds[(i, region.bag.hardware, "bag")] = None
        for fabric in region.fabrics:
            kinds[(i, fabric.hardware, fabric_role(fabric))] = None
    return list(kinds)


def _layers(m: Management) -> Iterator[tuple[ManagementSettings, FieldPath]]:
    yield m, ("management",)
    for name, layer in m.by_hardware.items():
        yield layer, ("management", "by_hardware", name)
    for role, layer in m.by_role.items():
        yield layer, ("management", "by_role", role)


_SCHEMES = {"$6$": "SHA-512", "$5$": "SHA-256", "$y$": "yescrypt"}


def _management(loaded: LoadedIntent, m: Management) -> Iterator[Finding]:
    """Per device kind: the management interface is one of the platform's, the users are ones the platform
    accepts (hash scheme, reserved names, an admin where the config needs one) and a management address
    exists; per list written: no user or server twice."""
    intent = loaded.intent
    seen: set[tuple[Any, ...]] = set()

    def once(*key: Any) -> bool:
        new = key not in seen
        seen.add(key)
        return new

    for layer, base in _layers(m):
        yield from _duplicates(loaded, layer, base)
    own_pool = {i for i, r in enumerate(intent.regions) if r.addressing.management_ipv4 is not None}
    for i, hardware, role in device_kinds(intent):
        platform = PLATFORMS[intent.hardware[hardware].platform]
        kind = f"the {platform.NAME} {role} switches of hardware profile '{hardware}'"
        interface, ipath = setting(m, hardware, role, "interface")
        pattern = platform.MGMT_INTERFACE_RE
        if pattern and interface and not re.fullmatch(pattern, interface) and once("if", ipath, platform.NAME):
            yield finding(
                loaded,
                "BAG255",
                ipath,
                f"'{interface}' is not a management interface of {kind}: a data port or loopback there would be "
                "moved into the management VRF",
                f"use {platform.MGMT_INTERFACE_FORMS}",
            )
        users, upath = setting(m, hardware, role, "users")
        users = users or []
        for k, user in enumerate(users):
            if user.name in platform.RESERVED_USERS and once("reserved", upath, k):
                yield finding(
                    loaded,
                    "BAG258",
                    (*upath, k, "name"),
                    f"'{user.name}' is a user name {platform.NAME} keeps for itself ({kind} get this user list)",
                    "give the account another name; on Junos the root password is the first admin user's secret "
                    "(root-authentication)",
                )
            secret = user.hashed_secret
            if secret is not None and not secret.startswith(platform.CRYPT_SCHEMES):
                scheme = secret[:3]
                if once("hash", upath, k, platform.NAME):
                    accepted = " or ".join(f"{s} ({_SCHEMES[s]})" for s in platform.CRYPT_SCHEMES)
                    yield finding(
                        loaded,
                        "BAG260",
                        (*upath, k, "hashed_secret"),
                        f"a {scheme} ({_SCHEMES.get(scheme, 'unknown')}) hash, but {kind} take only {accepted}",
                        "make a SHA-512 hash: openssl passwd -6",
                    )
        if platform.NEEDS_ADMIN_USER and not any(u.role == "admin" for u in users) and once("admin", upath):
            yield finding(
                loaded,
                "BAG259",
                upath,
                f"no admin user for {kind}: the config gets no root-authentication, and Junos refuses to "
                "commit a config without it",
                "add a user with role: admin (its secret is also the root password)",
            )
        shared = m.ipv4_pool is not None and i not in own_pool
        if platform.MGMT_INTERFACE and i not in own_pool and not shared and once("pool", i):
            region = intent.regions[i]
            yield finding(
                loaded,
                "BAG256",
                ("regions", i, "addressing"),
                f"region {region.name} has no management pool: {kind} get no management address and no "
                "default route in the management VRF",
                "set management.ipv4_pool, or addressing.management_ipv4 for this region",
                Severity.WARNING,
            )


def _duplicates(loaded: LoadedIntent, layer: ManagementSettings, base: FieldPath) -> Iterator[Finding]:
    """A user or server listed twice: one entry silently overrides the other on the device."""
    lists: tuple[tuple[str, list[str], str, tuple[str, ...]], ...] = (
        ("users", [u.name for u in layer.users or ()], "user", ("name",)),
        ("tacacs", [str(s.address) for s in layer.tacacs or ()], "TACACS+ server", ("address",)),
        ("radius", [str(s.address) for s in layer.radius or ()], "RADIUS server", ("address",)),
        ("ntp", [str(a) for a in layer.ntp or ()], "NTP server", ()),
        ("syslog", [str(a) for a in layer.syslog or ()], "syslog server", ()),
    )
    for field, keys, what, leaf in lists:
        for k, earlier in repeated(keys):
            yield finding(
                loaded,
                "BAG257",
                (*base, field, k, *leaf),
                f"{what} '{keys[k]}' is listed twice (also {format_path((*base, field, earlier))}); "
                "the device keeps only one",
                f"list each {what} once",
            )


def _gateway(loaded: LoadedIntent, m: Management, devices: int) -> Iterator[Finding]:
    """`management.gateway` is a host of the shared pool that no device gets (devices take host 2 onward)."""
    pool, gateway = m.ipv4_pool, m.gateway
    assert gateway is not None
    path = ("management", "gateway")
    if pool is None or devices == 0:
        return  # nothing draws from the shared pool: the gateway is not used
    first_device = int(pool.network_address) + 2
    if gateway not in pool:
        problem = f"is outside the management pool {pool}"
    elif gateway in (pool.network_address, pool.broadcast_address):
        problem = f"is the {'network' if gateway == pool.network_address else 'broadcast'} address of {pool}"
    elif first_device <= int(gateway) < first_device + devices:
        problem = f"is the management address of a device (devices take {pool} hosts 2 to {devices + 1})"
    else:
        return
    yield finding(
        loaded,
        "BAG261",
        path,
        f"gateway {gateway} {problem}",
        f"use the first host of the pool ({pool.network_address + 1}, the default: leave gateway out) or a "
        "free host above the devices",
    )

"""Checks of the management, MACsec and MTU parts of the intent (codes BAG250-BAG255, see generator.catalogue)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.compile.mtu import interface_mtu, max_ip_mtu
from generator.findings import Finding, Severity
from generator.intent.loader import LoadedIntent
from generator.platforms import junos
from generator.validators.intent import finding


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
        for name, hw in intent.hardware.items():
            override = m.by_hardware.get(name)
            interface = override.interface if override and override.interface else m.interface
            if hw.platform == "junos" and interface and interface not in junos.MGMT_INTERFACES:
                path = (
                    ("management", "by_hardware", name, "interface")
                    if override and override.interface
                    else ("management", "interface")
                )
                yield finding(
                    loaded,
                    "BAG255",
                    path,
                    f"'{interface}' is not a Junos management interface (hardware profile '{name}')",
                    f"use one of {', '.join(junos.MGMT_INTERFACES)}",
                )
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

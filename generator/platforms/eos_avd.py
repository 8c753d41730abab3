"""Arista AVD structured config (the `eos_cli_config_gen` schema) of an EOS device model.

An optional build output (`build --avd` writes out/avd/<device>.yml): AVD and CloudVision users deploy it
with their existing pipeline, and the test suite renders it with pyavd (`pyavd.get_device_config`) as an
independent oracle of the project's own EOS template: both must give the same configuration lines.

Where the schema has no key for a statement the template prints, AVD's own escape hatches carry it
verbatim (`bgp_defaults`, `router_bgp.eos_cli`, `eos_cli`): `ucmp mode 1` and `bgp bestpath as-path
multipath-relax` (no router_bgp keys in AVD 6), `neighbor G password 0 ${ENV}` and the MACsec `key CKN 0
${ENV}` (AVD only takes type-7 encrypted keys there, while the push environment holds clear ones). Secrets
stay `${ENV}` references here too.
"""

from __future__ import annotations

from typing import Any

from generator.model import Device


def _prefix_lists(device: Device, family: str) -> list[dict[str, Any]]:
    out = []
    for pl in device.prefix_lists:
        if pl.family != family:
            continue
        entries = []
        for e in pl.entries:
            action = f"{e.action} {e.prefix}" + (f" ge {e.ge}" if e.ge else "") + (f" le {e.le}" if e.le else "")
            entries.append({"sequence": e.seq, "action": action})
        out.append({"name": pl.name, "sequence_numbers": entries})
    return out


def _route_maps(device: Device) -> list[dict[str, Any]]:
    maps = []
    for p in device.policies:
        seqs = []
        for t in p.terms:
            seq: dict[str, Any] = {"sequence": t.seq, "type": t.action}
            if t.match_prefix_list:
                ip = "ip" if p.family == "ipv4" else "ipv6"
                seq["match"] = [f"{ip} address prefix-list {t.match_prefix_list}"]
            if t.link_bandwidth and t.link_bandwidth.mode == "value":
                seq["set"] = [f"extcommunity lbw {t.link_bandwidth.encoded}"]
            seqs.append(seq)
        maps.append({"name": p.name, "sequence_numbers": seqs})
    return maps


def _router_bgp(device: Device) -> dict[str, Any]:
    bgp = device.bgp
    defaults = ["bgp bestpath as-path multipath-relax"] if bgp.multipath_relax else []
    extra = ["ucmp mode 1"] if bgp.ucmp else []
    groups = []
    for g in bgp.peer_groups:
        group: dict[str, Any] = {
            "name": g.name,
            "description": g.description,
            "send_community": "extended link-bandwidth aggregate" if g.aggregate_bandwidth else "extended",
            "route_map_in": g.import_policy,
            "route_map_out": g.export_policy,
        }
        if g.shutdown:
            group["shutdown"] = True
        if bgp.bfd.enabled:
            group["bfd"] = True
        if g.allowas_in:
            group["allowas_in"] = {"enabled": True, "times": g.allowas_in}
        if g.password:
            extra.append(f"neighbor {g.name} password 0 {g.password}")
        groups.append(group)
    config: dict[str, Any] = {
        "as": str(bgp.asn),
        "router_id": bgp.router_id,
        "bgp": {"default": {"ipv4_unicast": False}},
        "timers": {"keepalive_time": bgp.keepalive, "hold_time": bgp.hold},
        "maximum_paths": {"paths": bgp.maximum_paths, "ecmp": bgp.maximum_paths},
        "bgp_defaults": defaults,
        "peer_groups": groups,
        "neighbors": [
            {
                "ip_address": n.address,
                "peer_group": n.peer_group,
                "remote_as": str(n.remote_as),
                "description": n.description,
            }
            for n in bgp.neighbors
        ],
    }
    for af in bgp.address_families:
        config[f"address_family_{af.family}"] = {
            "peer_groups": [{"name": g.name, "activate": True} for g in bgp.peer_groups if g.family == af.family],
            "networks": [{"prefix": prefix} for prefix in af.networks],
        }
    if extra:
        config["eos_cli"] = "\n".join(extra)
    return config


def _ethernet_interfaces(device: Device) -> list[dict[str, Any]]:
    out = []
    bfd = device.bgp.bfd
    for i in device.interfaces:
        interface: dict[str, Any] = {
            "name": i.name,
            "description": i.description,
            "mtu": device.interface_mtu,
            "switchport": {"enabled": False},
        }
        if i.port_mode:
            interface["speed"] = i.port_mode
        if i.ipv4:
            interface["ip_address"] = i.ipv4
        if i.ipv6:
            interface["ipv6_enable"] = True
            interface["ipv6_addresses"] = [i.ipv6]
        if bfd.enabled:
            interface["bfd"] = {"interval": bfd.interval_ms, "min_rx": bfd.interval_ms, "multiplier": bfd.multiplier}
        if i.macsec_profile:
            interface["mac_security"] = {"profile": i.macsec_profile}
        out.append(interface)
    return out


def _management(device: Device, config: dict[str, Any], cli: list[str]) -> None:
    m = device.management
    if m is None:
        return
    vrf = m.vrf
    config["vrfs"] = [{"name": vrf, "ip_routing": False}]
    interface: dict[str, Any] = {"name": m.interface, "description": "management", "vrf": vrf, "type": "oob"}
    if m.ipv4:
        interface["ip_address"] = m.ipv4
        interface["gateway"] = m.gateway
    config["management_interfaces"] = [interface]
    if m.gateway:
        config["static_routes"] = [{"vrf": vrf, "prefix": "0.0.0.0/0", "next_hop": m.gateway}]
    config["local_users"] = [
        {
            "name": u.name,
            "privilege": 15 if u.role == "network-admin" else 1,
            "role": u.role,
            "sha512_password": u.secret,
        }
        for u in m.users
    ]
    if "ssh" in m.services:
        config["management_ssh"] = {"vrfs": [{"name": vrf, "enable": True}]}
    if "eapi" in m.services:
        config["management_api_http"] = {"enable_https": True, "enable_vrfs": [{"name": vrf}]}
    if not m.lldp:
        config["lldp"] = {"run": False}
    if m.syslog:
        config["logging"] = {
            "vrfs": [{"name": vrf, "hosts": [{"name": h} for h in m.syslog], "source_interface": m.interface}]
        }
    snmp: dict[str, Any] = {}
    if m.snmp_contact:
        snmp["contact"] = m.snmp_contact
    if m.snmp_location:
        snmp["location"] = m.snmp_location
    if m.snmp_community:
        snmp["communities"] = [{"name": m.snmp_community, "access": "ro"}]
        snmp["vrfs"] = [{"name": vrf, "enable": True}]
    if snmp:
        config["snmp_server"] = snmp
    if m.tacacs:
        config["tacacs_servers"] = {
            "hosts": [{"host": s.address, "vrf": vrf, "key": s.key, "key_type": "0"} for s in m.tacacs]
        }
        config["ip_tacacs"] = {"vrfs": [{"name": vrf, "source_interface": m.interface}]}
    if m.radius:
        config["radius_server"] = {
            "vrfs": [{"name": vrf, "servers": [{"host": s.address, "key": s.key, "key_type": "0"} for s in m.radius]}]
        }
        config["ip_radius"] = {"vrfs": [{"name": vrf, "source_interface": m.interface}]}
    groups = []
    methods = []
    if m.tacacs:
        groups.append(
            {"name": "TACACS", "type": "tacacs+", "servers": [{"server": s.address, "vrf": vrf} for s in m.tacacs]}
        )
        methods.append("group TACACS")
    if m.radius:
        groups.append(
            {"name": "RADIUS", "type": "radius", "servers": [{"server": s.address, "vrf": vrf} for s in m.radius]}
        )
        methods.append("group RADIUS")
    if groups:
        config["aaa_server_groups"] = groups
        method = " ".join([*methods, "local"])
        config["aaa_authentication"] = {"login": {"default": method}}
        config["aaa_authorization"] = {"exec": {"default": method}}
    if m.ntp:
        config["ntp"] = {
            "vrf": vrf,
            "local_interface": {"name": m.interface, "vrf": vrf},
            "servers": [{"name": h, "iburst": True} for h in m.ntp],
        }
    cli.extend(m.raw)


def structured_config(device: Device) -> dict[str, Any]:
    """The eos_cli_config_gen structured config of one EOS device."""
    if device.platform != "eos":
        raise ValueError(f"{device.name} runs {device.platform}: AVD structured configs describe EOS devices only")
    cli: list[str] = []
    config: dict[str, Any] = {
        "hostname": device.name,
        "service_routing_protocols_model": "multi-agent",
        "ip_routing": True,
        "ipv6_unicast_routing": True,
        "prefix_lists": _prefix_lists(device, "ipv4"),
        "ipv6_prefix_lists": _prefix_lists(device, "ipv6"),
        "route_maps": _route_maps(device),
        "loopback_interfaces": [
            {
                "name": "Loopback0",
                "description": "router-id and management",
                "ip_address": f"{device.loopback_ipv4}/32",
                **({"ipv6_addresses": [f"{device.loopback_ipv6}/128"]} if device.loopback_ipv6 else {}),
            }
        ],
        "ethernet_interfaces": _ethernet_interfaces(device),
        "router_bgp": _router_bgp(device),
    }
    if device.macsec:
        config["mac_security"] = {
            "profiles": [
                {"name": p.name, "cipher": p.cipher, "mka": {"key_server_priority": p.key_server_priority}}
                for p in device.macsec
            ]
        }
        for p in device.macsec:
            cli += ["mac security", f"   profile {p.name}", f"      key {p.ckn} 0 {p.cak}"]
    _management(device, config, cli)
    if cli:
        config["eos_cli"] = "\n".join(cli)
    return {k: v for k, v in config.items() if v not in ([], {}, None)}

"""Known-valid IOS XR statement forms, each with the source it is taken from.

IOS XR has no offline parser, so tests/test_oracles.py checks every statement the templates render
against this table: a statement must match a form whose parent (the enclosing statement, or None at
the top level) matches too. A new statement in a template needs a row here, with its source.
"""

from __future__ import annotations

import re
from typing import NamedTuple

BGP = (
    "IOS XR BGP Configuration Guide for Cisco 8000, 'Implementing BGP' (router bgp, neighbor-group, use neighbor-group)"
)
UCMP = (
    "IOS XR BGP Configuration Guide, 'Enabling BGP Unequal Cost Recursive Load Balancing': "
    "maximum-paths { ebgp | ibgp | eibgp } maximum [ unequal-cost ] (unequal-cost with ibgp only)"
)
DMZ = (
    "IOS XR BGP Configuration Guide for Cisco 8000, 'BGP DMZ Bandwidth Management': ebgp-send-extcommunity-dmz "
    "[cumulative], ebgp-recv-extcommunity-dmz; 'BGP DMZ transitive-bandwidth extended community support' (25.1.1)"
)
RPL = (
    "IOS XR Routing Configuration Guide, 'Implementing Routing Policy': prefix-set, extcommunity-set, route-policy, "
    "if/elseif/else/endif, pass, drop, set extcommunity, end-set, end-policy"
)
LBW_UNIT = (
    "openconfig/featureprofiles feature/bgp/policybase/otg_tests/link_bandwidth_test/link_bandwidth_test.go: "
    "extcommunity-set bandwidth member 23456:2000000000 for 2G (bits per second)"
)
BFD = "IOS XR Routing Configuration Guide, 'Implementing BFD': bfd fast-detect, bfd minimum-interval, bfd multiplier"
IFACE = (
    "IOS XR Interface and Hardware Component Configuration Guide, 'Configuring Ethernet Interfaces' "
    "(description, mtu incl. 14-byte header, ipv4 address A MASK, ipv6 address P/L)"
)
MGMT_VRF = (
    "IOS XR System Management Configuration Guide, 'Management Plane Protection' / 'Configuring a Management VRF'"
)
STATIC = "IOS XR Routing Configuration Guide, 'Implementing Static Routes' (router static / vrf / address-family)"
AAA = (
    "IOS XR System Security Configuration Guide, 'Configuring AAA Services': username/group/secret 10 (SHA-512), "
    "tacacs-server host A port 49 / key 0, radius-server host A auth-port acct-port / key 0, aaa group server "
    "tacacs+|radius / server / vrf, aaa authentication login, aaa authorization exec, tacacs|radius source-interface"
)
NTP = "IOS XR System Management Configuration Guide, 'Implementing NTP': ntp / server vrf V A iburst / source vrf V IF"
SYSLOG = "IOS XR System Monitoring Configuration Guide, 'Implementing System Logging': logging A vrf V severity S"
SNMP = "IOS XR System Management Configuration Guide, 'Implementing SNMP': snmp-server vrf, community RO, location"
LLDP = "IOS XR Interface and Hardware Component Configuration Guide, 'Configuring LLDP' (global `lldp`)"
BREAKOUT = (
    "xrdocs.io, 'Introducing NC57-48Q2D' (controller Optics0/5/0/48 / breakout 4x100 -> HundredGigE0/5/0/48/0-3); "
    "Cisco 8000 Interface and Hardware Component Configuration Guide, 'Configuring Breakout'"
)
SSH = (
    "IOS XR System Security Configuration Guide, 'Implementing Secure Shell' (ssh server v2, ssh server vrf V, "
    "ssh server netconf vrf V); netlab netsim/install/libvirt/iosxr.txt (the same lines with netconf-yang agent / ssh)"
)
NETCONF = (
    "IOS XR Programmability Configuration Guide, 'Use NETCONF Protocol to Define Network Operations' "
    "(netconf-yang agent / ssh); NAPALM iosxr_netconf driver (ncclient, port 830)"
)
MACSEC = (
    "xrdocs.io 'MACsec on NCS-5500 - Technology and Platform Overview', 'MACsec Basic Configuration' (key chain / "
    "macsec / key CKN / key-string CAK cryptographic-algorithm aes-256-cmac / lifetime ... infinite, macsec "
    "psk-keychain K policy P); IOS XR System Security Configuration Guide, 'Configuring MACsec' (macsec-policy: "
    "cipher-suite, key-server-priority, security-policy must-secure)"
)
BASE = "IOS XR System Management Configuration Guide: hostname; configuration file `!` comments and `end`"

NAME = r"[A-Za-z0-9._-]+"
REF = r"\$\{[A-Z_][A-Z0-9_]*\}"
IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
IPV6 = r"[0-9a-f:]+"
IFNAME = r"[A-Za-z]+[0-9]+(?:/[A-Za-z0-9]+)*"
SECRET = rf"(?:{REF}|\$6\$[A-Za-z0-9./$]+)"


class Form(NamedTuple):
    parent: str | None  # regex of the enclosing statement; None: top level
    statement: str  # regex of the statement
    source: str


FORMS: tuple[Form, ...] = (
    Form(None, rf"hostname {NAME}", BASE),
    Form(None, r"end", BASE),
    # management
    Form(None, rf"username {NAME}", AAA),
    Form(r"username .*", r"group (root-lr|operator)", AAA),
    Form(r"username .*", rf"secret 10 {SECRET}", AAA),
    Form(None, rf"vrf {NAME}", MGMT_VRF),
    Form(r"vrf .*", r"address-family ipv4 unicast", MGMT_VRF),
    Form(None, rf"tacacs-server host {IPV4} port 49", AAA),
    Form(None, rf"radius-server host {IPV4} auth-port 1812 acct-port 1813", AAA),
    Form(r"(tacacs|radius)-server host .*", rf"key 0 {REF}", AAA),
    Form(None, rf"aaa group server (tacacs\+|radius) {NAME}", AAA),
    Form(r"aaa group server .*", rf"server {IPV4}( auth-port 1812 acct-port 1813)?", AAA),
    Form(r"aaa group server .*", rf"vrf {NAME}", AAA),
    Form(None, rf"(tacacs|radius) source-interface {IFNAME} vrf {NAME}", AAA),
    Form(None, r"aaa (authentication login|authorization exec) default( group (TACACS|RADIUS))+ local", AAA),
    Form(None, r"ntp", NTP),
    Form(r"ntp", rf"server vrf {NAME} {IPV4} iburst", NTP),
    Form(r"ntp", rf"source vrf {NAME} {IFNAME}", NTP),
    Form(None, rf"logging {IPV4} vrf {NAME} severity info", SYSLOG),
    Form(None, rf"logging source-interface {IFNAME} vrf {NAME}", SYSLOG),
    Form(None, rf"snmp-server vrf {NAME}", SNMP),
    Form(None, rf"snmp-server community {REF} RO", SNMP),
    Form(None, r"snmp-server (location|contact) [^\s].*", SNMP),
    Form(None, r"lldp", LLDP),
    Form(None, r"controller Optics0/\d+/0/\d+", BREAKOUT),
    Form(r"controller Optics0/\d+/0/\d+", r"breakout \d+x\d+", BREAKOUT),
    Form(None, r"ssh server v2", SSH),
    Form(None, rf"ssh server vrf {NAME}", SSH),
    Form(None, rf"ssh server netconf vrf {NAME}", SSH),
    Form(None, r"netconf-yang agent", NETCONF),
    Form(r"netconf-yang agent", r"ssh", NETCONF),
    Form(None, r"router static", STATIC),
    Form(r"router static", rf"vrf {NAME}", STATIC),
    Form(r"vrf .*", r"address-family ipv4 unicast", STATIC),
    Form(r"address-family ipv4 unicast", rf"0\.0\.0\.0/0 {IPV4}", STATIC),
    # MACsec
    Form(None, rf"key chain {NAME}", MACSEC),
    Form(r"key chain .*", r"macsec", MACSEC),
    Form(r"macsec", rf"key {REF}", MACSEC),
    Form(r"key .*", rf"key-string {REF} cryptographic-algorithm aes-256-cmac", MACSEC),
    Form(r"key .*", r"lifetime 00:00:00 january 01 2024 infinite", MACSEC),
    Form(None, rf"macsec-policy {NAME}", MACSEC),
    Form(r"macsec-policy .*", r"cipher-suite GCM-AES-(XPN-)?(128|256)", MACSEC),
    Form(r"macsec-policy .*", r"key-server-priority \d+", MACSEC),
    Form(r"macsec-policy .*", r"security-policy must-secure", MACSEC),
    # routing policy
    Form(None, rf"prefix-set {NAME}", RPL),
    Form(r"prefix-set .*", rf"(?:{IPV4}|{IPV6})/\d+( ge \d+)?( le \d+)?,?", RPL),
    Form(None, rf"extcommunity-set (bandwidth|transitive-bandwidth) {NAME}", RPL),
    Form(r"extcommunity-set .*", r"\d{1,5}:\d+", LBW_UNIT),
    Form(None, rf"route-policy {NAME}", RPL),
    Form(r"route-policy .*", rf"(if|elseif) destination in {NAME} then", RPL),
    Form(r"route-policy .*", r"(else|endif|pass|drop)", RPL),
    Form(r"(route-policy|if|elseif|else)( .*)?", r"(pass|drop)", RPL),
    Form(r"(route-policy|if|elseif|else)( .*)?", rf"set extcommunity (bandwidth|transitive-bandwidth) {NAME}", RPL),
    Form(None, r"(end-set|end-policy)", RPL),
    # interfaces
    Form(None, rf"interface {IFNAME}", IFACE),
    Form(r"interface .*", r"description [^\s].*", IFACE),
    Form(r"interface .*", r"mtu \d+", IFACE),
    Form(r"interface .*", rf"ipv4 address {IPV4} {IPV4}", IFACE),
    Form(r"interface .*", rf"ipv6 address {IPV6}/\d+", IFACE),
    Form(r"interface .*", rf"vrf {NAME}", MGMT_VRF),
    Form(r"interface .*", rf"macsec psk-keychain {NAME} policy {NAME}", MACSEC),
    # BGP
    Form(None, r"router bgp \d+", BGP),
    Form(r"router bgp .*", rf"bgp router-id {IPV4}", BGP),
    Form(r"router bgp .*", r"bgp bestpath as-path multipath-relax", BGP),
    Form(r"router bgp .*", r"timers bgp \d+ \d+", BGP),
    Form(r"router bgp .*", r"address-family ipv(4|6) unicast", BGP),
    Form(r"address-family ipv(4|6) unicast", r"maximum-paths ebgp \d+", UCMP),
    Form(r"address-family ipv(4|6) unicast", rf"network (?:{IPV4}|{IPV6})/\d+", BGP),
    Form(r"router bgp .*", rf"neighbor-group {NAME}", BGP),
    Form(r"neighbor-group .*", r"description [^\s].*", BGP),
    Form(r"neighbor-group .*", r"shutdown", BGP),
    Form(r"neighbor-group .*", r"bfd (fast-detect|minimum-interval \d+|multiplier \d+)", BFD),
    Form(r"neighbor-group .*", rf"password clear {REF}", BGP),
    Form(r"neighbor-group .*", r"ebgp-send-extcommunity-dmz( cumulative)?", DMZ),
    Form(r"neighbor-group .*", r"ebgp-recv-extcommunity-dmz", DMZ),
    Form(r"neighbor-group .*", r"address-family ipv(4|6) unicast", BGP),
    Form(r"address-family ipv(4|6) unicast", rf"route-policy {NAME} (in|out)", BGP),
    Form(r"address-family ipv(4|6) unicast", r"allowas-in \d+", BGP),
    Form(r"router bgp .*", rf"neighbor (?:{IPV4}|{IPV6})", BGP),
    Form(r"neighbor .*", rf"use neighbor-group {NAME}", BGP),
    Form(r"neighbor .*", r"remote-as \d+", BGP),
    Form(r"neighbor .*", r"description [^\s].*", BGP),
)

_COMPILED = [(re.compile(f.parent) if f.parent else None, re.compile(f.statement), f) for f in FORMS]


def statements(text: str) -> list[tuple[str | None, str]]:
    """(parent statement or None, statement) for every line that is not a comment or a `!` separator."""
    out: list[tuple[str | None, str]] = []
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        out.append((stack[-1][1] if stack else None, stripped))
        stack.append((indent, stripped))
    return out


def unknown_statements(text: str) -> list[str]:
    """Every statement that matches no known form in its context."""
    unknown = []
    for parent, statement in statements(text):
        for parent_re, statement_re, _ in _COMPILED:
            if not statement_re.fullmatch(statement):
                continue
            if (parent_re is None and parent is None) or (
                parent_re is not None and parent is not None and parent_re.fullmatch(parent)
            ):
                break
        else:
            unknown.append(f"{parent or '(top)'} > {statement}")
    return unknown

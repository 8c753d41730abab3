"""Read a rendered config back into the facts that decide forwarding, with ciscoconfparse2.

`syntax="ios"` for EOS, IOS XR and FRR and `syntax="junos"` for Junos. The facts: interfaces and
addresses, loopbacks, neighbours (remote AS, family, import and export policy, shutdown, aggregate
bandwidth), policy terms with link-bandwidth values converted from each platform's unit back to
real bits per second, prefix filters as length ranges, and multipath settings.

Facts state *effective behaviour*, so platform defaults are part of them: a route-map or RPL policy
that no term matches denies, while a Junos BGP policy that no term matches falls through to the BGP
default and accepts.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from generator.model import PrefixEntry, length_range, max_length
from generator.platforms import PLATFORMS, iosxr, junos
from generator.platforms.common import OSFP_LANES
from generator.units import parse_bps
from generator.validators.confparse import ReadOnlyParse, release, top_level

if TYPE_CHECKING:  # imported at run time through confparse, which imports it without typeguard's instrumentation
    from ciscoconfparse2 import CiscoConfParse

Facts = dict[str, Any]
Term = tuple[str, str, Any]  # (action, matched prefix list or "", link bandwidth: None | "cumulative" | bps)
SYNTAX = {name: p.READBACK_SYNTAX for name, p in PLATFORMS.items()}
CUMULATIVE = "cumulative"
PERMIT_ALL: Term = ("permit", "", None)
DENY_ALL: Term = ("deny", "", None)


def with_default(terms: list[Term], default: Term) -> list[Term]:
    """What happens to a route no term matches, made explicit as a final match-all term."""
    return terms if terms and not terms[-1][1] else [*terms, default]


@lru_cache(maxsize=1 << 16)  # the model side and the config side normalise the same strings
def canonical(text: str) -> str:
    """One spelling per IPv6 address or prefix (a config may print fd00:0::1 for fd00::1): the C
    library's RFC 5952 text, as the compiler prints them (4x faster than `ipaddress`, whose
    spelling of IPv4-mapped addresses differs; either is one spelling per address)."""
    if ":" not in text:
        return text
    address, _, length = text.partition("/")
    try:
        compressed = socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, address))
    except OSError:
        raise ValueError(f"{address!r} is not an IPv6 address") from None
    return f"{compressed}/{length}" if length else compressed


class _Facts:
    """Facts gathered while walking one parsed config; `finish` resolves peer groups and policies."""

    def __init__(self, unit_bps: int) -> None:
        self.unit_bps = unit_bps
        self.hostname = ""
        self.loopback = {"ipv4": "", "ipv6": ""}
        self.interfaces: dict[str, dict[str, Any]] = {}
        self.bgp: dict[str, Any] = {"asn": 0, "router_id": "", "maximum_paths": set(), "multipath_relax": False}
        self.ucmp = False
        self.groups: dict[str, dict[str, Any]] = {}
        self.neighbors: dict[str, dict[str, Any]] = {}
        self.prefix_lists: dict[str, list[tuple[str, int, int]]] = {}
        self.policies: dict[str, list[Term]] = {}
        self.communities: dict[str, int] = {}  # name -> bits per second on the wire
        self.mgmt: dict[str, Any] = {
            "interface": "",
            "vrf": "",
            "ipv4": "",
            "gateway": "",
            "users": {},
            "tacacs": [],
            "radius": [],
            "ntp": [],
            "syslog": [],
            "services": [],  # remote access in a VRF: ssh, eapi, netconf
        }
        self.macsec: dict[str, dict[str, str]] = {}  # profile -> cipher, ckn, cak
        self.breakouts: set[tuple[str, int, str]] = set()  # (port, sub-interfaces, the platform's mode)
        self.netconf_vrfs: list[str] = []  # IOS XR `ssh server netconf vrf X`
        self.netconf_agent = False  # IOS XR `netconf-yang agent / ssh`

    def iface(self, name: str) -> dict[str, Any]:
        return self.interfaces.setdefault(name, {"ipv4": "", "ipv6": "", "mtu": 0, "macsec": ""})

    def service(self, kind: str, address: str, vrf: str) -> None:
        """A management service (AAA, NTP, syslog server) and the VRF it is reached through."""
        self.mgmt[kind].append((address, vrf))

    def profile(self, name: str) -> dict[str, str]:
        return self.macsec.setdefault(name, {"cipher": "", "ckn": "", "cak": ""})

    def group(self, name: str) -> dict[str, Any]:
        return self.groups.setdefault(
            name, {"family": "", "import": "", "export": "", "shutdown": False, "aggregate_bandwidth": False}
        )

    def physical(self, wire_bps: int) -> int:
        return wire_bps * self.unit_bps // 10**6

    def finish(self, default: Term, aggregate_in_policy: bool) -> Facts:
        policies = {name: with_default(terms, default) for name, terms in self.policies.items()}
        neighbors = {}
        for address, n in self.neighbors.items():
            group = self.group(n.pop("group", ""))
            facts = {**group, **{k: v for k, v in n.items() if v not in ("", None)}}
            if aggregate_in_policy:
                facts["aggregate_bandwidth"] = any(t[2] == CUMULATIVE for t in policies.get(facts["export"], []))
            neighbors[address] = {k: facts.get(k) for k in _NEIGHBOR_KEYS}
        mgmt = self.mgmt
        for kind in ("tacacs", "radius", "ntp", "syslog", "services"):
            mgmt[kind] = sorted(
                address if vrf == mgmt["vrf"] else f"{address} (vrf {vrf or 'default'})" for address, vrf in mgmt[kind]
            )
        return {
            "hostname": self.hostname,
            "management": mgmt if mgmt["interface"] or mgmt["users"] else None,
            "macsec": self.macsec,
            "breakouts": sorted(self.breakouts),
            "loopback": self.loopback,
            "interfaces": self.interfaces,
            "bgp": {**self.bgp, "ucmp": self.ucmp},
            "neighbors": neighbors,
            "prefix_lists": self.prefix_lists,
            "policies": policies,
        }


_NEIGHBOR_KEYS = ("family", "remote_as", "import", "export", "shutdown", "aggregate_bandwidth")
_FAMILY = {"ipv4": "ipv4", "ipv6": "ipv6", "inet": "ipv4", "inet6": "ipv6"}


# A line's `_text` and `_children` are what its `text` and `children` properties return; read directly
# (a million property calls per gigawatt build's audit, a twentieth of its time).


def _top(parse: CiscoConfParse) -> list[tuple[list[str], Any]]:
    return [(obj._text.split(), obj) for obj in top_level(parse)]


def _words(obj: Any) -> list[tuple[list[str], Any]]:
    """Each child statement's words, with the child (a statement has at least one word)."""
    return [(child._text.split(), child) for child in obj._children]


_LOOPBACKS = ("loopback0", "lo", "lo0")  # EOS and IOS XR, FRR, Junos: facts keep them apart from links


def _entry(words: list[str]) -> tuple[str, int, int]:
    """'P [ge N] [le M]' (IOS-style prefix-list or prefix-set entry) as (prefix, low, high), by the
    same length rule the templates render with (model.length_range)."""
    prefix = words[0].rstrip(",")
    options = dict(zip(words[1::2], (int(w.rstrip(",")) for w in words[2::2]), strict=False))
    entry = PrefixEntry(0, "permit", prefix, options.get("ge", 0), options.get("le", 0))
    return (canonical(prefix), *length_range(entry))


def _facts_of(f: _Facts, name: str) -> dict[str, Any]:
    """Where an interface block's facts go: the loopback's, or the interface's own."""
    return f.loopback if name.lower() in _LOOPBACKS else f.iface(name)


def _address(f: _Facts, name: str, family: str, value: str) -> None:
    _facts_of(f, name)[family] = canonical(value)  # IPv4 passes through unchanged


def _with_mask(address: str, mask: str) -> str:
    """'10.0.0.0', '255.255.255.254' -> '10.0.0.0/31', as `str(IPv4Interface("10.0.0.0/255.255.255.254"))`
    spells it (ValueError where that raises), without making an interface per address: its /31
    network refers to itself (ipaddress sets `hosts = self.__iter__`), garbage only the collector frees."""
    return f"{ipaddress.IPv4Address(address)}/{_prefix_length(mask)}"


@lru_cache(maxsize=64)
def _prefix_length(mask: str) -> int:
    return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen


def _interface(f: _Facts, name: str, obj: Any, l2_overhead: int = 0) -> None:
    """An interface block (EOS, IOS XR, FRR); one with a `vrf` is the management interface."""
    children = [child._text.split() for child in obj._children]
    vrf = next((w[1] for w in children if w[0] == "vrf" and len(w) == 2), "")
    if vrf:
        f.mgmt["interface"], f.mgmt["vrf"] = name, vrf
        for w in children:
            if w[:2] in (["ip", "address"], ["ipv4", "address"]):
                f.mgmt["ipv4"] = w[2] if len(w) == 3 else _with_mask(w[2], w[3])
        return
    facts = _facts_of(f, name)
    loopback = facts is f.loopback
    for w in children:
        head = w[0]
        if head in ("ip", "ipv4", "ipv6") and w[1:2] == ["address"]:
            if head == "ipv6":
                facts["ipv6"] = canonical(w[2])
            else:
                facts["ipv4"] = canonical(w[2] if len(w) == 3 else _with_mask(w[2], w[3]))
        elif head == "mtu" and not loopback:
            facts["mtu"] = int(w[1]) - l2_overhead
        elif w[:3] == ["mac", "security", "profile"]:
            f.iface(name)["macsec"] = w[3]
        elif w[:1] == ["speed"] and len(w) == 2 and w[1].rpartition("-")[2].isdigit():  # EOS 400g-4: its port's mode
            f.breakouts.add((name.rpartition("/")[0], OSFP_LANES // int(w[1].rpartition("-")[2]), w[1]))
        elif w[:2] == ["macsec", "psk-keychain"]:  # IOS XR: keychain and policy carry the profile's name
            policy = w[w.index("policy") + 1] if "policy" in w else ""
            f.iface(name)["macsec"] = w[2] if policy == w[2] else f"keychain {w[2]} policy {policy or 'default'}"


def _ios_style(
    parse: CiscoConfParse,
    f: _Facts,
    prefix_list: Callable[[list[str], Any], None],
    lbw_keyword: str,
    lbw_value: Callable[[str], Any],
    bgp: Callable[[Any, _Facts], None],
) -> None:
    """EOS and FRR share the layout (route-maps, `router bgp`); they differ in prefix lists and values."""
    for words, obj in _top(parse):
        head = words[0] if words else ""
        if head == "hostname":
            f.hostname = words[1]
        elif head == "interface":
            _interface(f, words[1], obj)
        elif head in _EOS_MGMT_HEADS or words[:3] == ["ip", "route", "vrf"]:
            _eos_management(f, words, obj)
        elif words[1:2] == ["prefix-list"]:
            prefix_list(words, obj)
        elif head == "route-map":
            match, lbw = "", None
            for w, _ in _words(obj):
                if w[:1] == ["match"] and "prefix-list" in w:
                    match = w[-1]
                elif w[:3] == ["set", "extcommunity", lbw_keyword]:
                    lbw = lbw_value(w[3])
            f.policies.setdefault(words[1], []).append((words[2], match, lbw))
        elif head == "router":
            f.bgp["asn"] = int(words[2])
            bgp(obj, f)


_EOS_MGMT_HEADS = ("username", "tacacs-server", "radius-server", "ntp", "logging", "mac", "management")


def _enabled_vrfs(obj: Any) -> list[str]:
    """The `vrf X` blocks of an EOS `management ...` section that say `no shutdown`."""
    return [
        vw[1] for vw, vrf in _words(obj) if vw[:1] == ["vrf"] and any(x == ["no", "shutdown"] for x, _ in _words(vrf))
    ]


def _eos_management(f: _Facts, w: list[str], obj: Any) -> None:
    """EOS management statements (AVD eos_cli_config_gen forms, see templates/eos/device.j2)."""
    if w[0] == "username" and "secret" in w:
        f.mgmt["users"][w[1]] = w[-1]
    elif w[:3] == ["ip", "route", "vrf"] and w[4] == "0.0.0.0/0":
        f.mgmt["gateway"] = w[5]
    elif w[0] in ("tacacs-server", "radius-server") and w[1] == "host":
        vrf = w[w.index("vrf") + 1] if "vrf" in w else ""
        f.service("tacacs" if w[0] == "tacacs-server" else "radius", w[2], vrf)
    elif w[:2] == ["ntp", "server"]:
        vrf = w[3] if w[2] == "vrf" else ""
        f.service("ntp", w[4] if vrf else w[2], vrf)
    elif w[0] == "logging" and "host" in w:
        vrf = w[2] if w[1] == "vrf" else ""
        f.service("syslog", w[w.index("host") + 1], vrf)
    elif w == ["management", "ssh"]:
        for vrf in _enabled_vrfs(obj):
            f.service("services", "ssh", vrf)
    elif w == ["management", "api", "http-commands"] and any(x == ["no", "shutdown"] for x, _ in _words(obj)):
        for vrf in _enabled_vrfs(obj):
            f.service("services", "eapi", vrf)
    elif w == ["mac", "security"]:
        for pw, profile in _words(obj):
            if pw[:1] == ["profile"]:
                facts = f.profile(pw[1])
                for kw, _ in _words(profile):
                    if kw[:1] == ["cipher"]:
                        facts["cipher"] = kw[1]
                    elif kw[:1] == ["key"] and len(kw) >= 4:
                        facts["ckn"], facts["cak"] = kw[1], kw[3]


def _eos(parse: CiscoConfParse, f: _Facts) -> Facts:
    def prefix_list(words: list[str], obj: Any) -> None:  # entries are children: "seq 10 permit P"
        f.prefix_lists[words[2]] = [_entry(w[3:]) for w, _ in _words(obj) if w[:1] == ["seq"]]

    _ios_style(parse, f, prefix_list, "lbw", lambda value: f.physical(parse_bps(value)), _eos_bgp)
    return f.finish(DENY_ALL, aggregate_in_policy=False)


def _eos_bgp(obj: Any, f: _Facts) -> None:
    for w, child in _words(obj):
        head = w[0]
        if head == "neighbor" and len(w) >= 3:
            _eos_neighbor(f, w[1], w[2:])
        elif head == "router-id":
            f.bgp["router_id"] = w[1]
        elif head == "maximum-paths":
            f.bgp["maximum_paths"].add(int(w[1]))
        elif w == ["bgp", "bestpath", "as-path", "multipath-relax"]:
            f.bgp["multipath_relax"] = True
        elif w == ["ucmp", "mode", "1"]:
            f.ucmp = True
        elif head == "address-family":
            for aw, _ in _words(child):
                if aw[0] == "neighbor" and aw[-1] == "activate":
                    f.group(aw[1])["family"] = _FAMILY[w[1]]


def _eos_neighbor(f: _Facts, name: str, rest: list[str]) -> None:
    if rest == ["peer", "group"]:
        f.group(name)
    elif rest[:2] == ["peer", "group"]:
        f.neighbors.setdefault(canonical(name), {})["group"] = rest[2]
    elif rest[0] == "remote-as":
        f.neighbors.setdefault(canonical(name), {})["remote_as"] = int(rest[1])
    elif rest == ["shutdown"]:
        f.group(name)["shutdown"] = True
    elif rest[:2] == ["send-community", "extended"]:
        f.group(name)["aggregate_bandwidth"] = rest[2:] == ["link-bandwidth", "aggregate"]
    elif rest[0] == "route-map":
        f.group(name)["import" if rest[2] == "in" else "export"] = rest[1]


def _frr(parse: CiscoConfParse, f: _Facts) -> Facts:
    f.ucmp = True  # FRR honours received link bandwidth unless told to ignore it

    def prefix_list(words: list[str], _: Any) -> None:  # one line per entry: "ip prefix-list N seq 10 permit P"
        f.prefix_lists.setdefault(words[2], []).append(_entry(words[6:]))

    def mbps(value: str) -> Any:
        return CUMULATIVE if value == CUMULATIVE else f.physical(int(value) * 10**6)

    _ios_style(parse, f, prefix_list, "bandwidth", mbps, _frr_bgp)
    return f.finish(DENY_ALL, aggregate_in_policy=True)


def _frr_bgp(obj: Any, f: _Facts) -> None:
    for w, child in _words(obj):
        head = w[0]
        if head == "neighbor" and len(w) >= 3:
            if w[2] == "peer-group" and len(w) == 3:
                f.group(w[1])
            elif w[2] == "peer-group":
                f.neighbors.setdefault(canonical(w[1]), {})["group"] = w[3]
            elif w[2] == "remote-as":
                f.neighbors.setdefault(canonical(w[1]), {})["remote_as"] = int(w[3])
            elif w[2] == "shutdown":
                f.group(w[1])["shutdown"] = True
        elif w[:2] == ["bgp", "router-id"]:
            f.bgp["router_id"] = w[2]
        elif w == ["bgp", "bestpath", "as-path", "multipath-relax"]:
            f.bgp["multipath_relax"] = True
        elif w == ["bgp", "bestpath", "bandwidth", "ignore"]:
            f.ucmp = False
        elif head == "address-family":
            for aw, _ in _words(child):
                if aw[0] == "maximum-paths":
                    f.bgp["maximum_paths"].add(int(aw[1]))
                elif aw[0] == "neighbor" and aw[2] == "activate":
                    f.group(aw[1])["family"] = _FAMILY[w[1]]
                elif aw[0] == "neighbor" and aw[2] == "route-map":
                    f.group(aw[1])["import" if aw[4] == "in" else "export"] = aw[3]


def _iosxr(parse: CiscoConfParse, f: _Facts) -> Facts:
    policies: list[tuple[str, Any]] = []
    for words, obj in _top(parse):
        head = words[0] if words else ""
        if head == "hostname":
            f.hostname = words[1]
        elif head == "interface":
            _interface(f, words[1], obj, iosxr.L2_OVERHEAD)
        elif head in _XR_MGMT_HEADS or words == ["router", "static"]:
            _iosxr_management(f, words, obj)
        elif head == "controller" and len(words) == 2:
            for w, _ in _words(obj):
                if w[:1] == ["breakout"] and len(w) == 2 and w[1].partition("x")[0].isdigit():
                    f.breakouts.add((words[1], int(w[1].partition("x")[0]), w[1]))
        elif head == "prefix-set":
            f.prefix_lists[words[1]] = [_entry(w) for w, _ in _words(obj) if w]
        elif head == "extcommunity-set":
            for w, _ in _words(obj):
                f.communities[words[2]] = int(w[0].split(":")[1])  # bits per second
        elif head == "route-policy":
            policies.append((words[1], obj))
        elif head == "router":
            f.bgp["asn"] = int(words[2])
            _iosxr_bgp(obj, f)
    for name, obj in policies:  # after every extcommunity-set is known
        f.policies[name] = _rpl_terms(obj, f)
    for vrf in f.netconf_vrfs if f.netconf_agent else ():
        f.service("services", "netconf", vrf)
    return f.finish(DENY_ALL, aggregate_in_policy=False)


_XR_MGMT_HEADS = (
    "username",
    "aaa",
    "ntp",
    "logging",
    "key",
    "macsec-policy",
    "ssh",
    "netconf-yang",
)


def _iosxr_management(f: _Facts, w: list[str], obj: Any) -> None:
    """IOS XR management and MACsec statements (see templates/iosxr/device.j2 and tests/iosxr_forms.py)."""
    children = list(_words(obj))
    if w[0] == "username":
        f.mgmt["users"][w[1]] = next((cw[2] for cw, _ in children if cw[:2] == ["secret", "10"]), "")
    elif w == ["router", "static"]:
        for vw, vrf in children:
            for _, af in _words(vrf) if vw[:1] == ["vrf"] else ():
                for rw, _ in _words(af):
                    if rw[:1] == ["0.0.0.0/0"]:
                        f.mgmt["gateway"] = rw[1]
    elif w[:3] == ["aaa", "group", "server"]:
        vrf = next((cw[1] for cw, _ in children if cw[:1] == ["vrf"]), "")
        for cw, _ in children:
            if cw[:1] == ["server"]:
                f.service("tacacs" if w[3] == "tacacs+" else "radius", cw[1], vrf)
    elif w == ["ntp"]:
        for cw, _ in children:
            if cw[:2] == ["server", "vrf"]:
                f.service("ntp", cw[3], cw[2])
            elif cw[:1] == ["server"]:
                f.service("ntp", cw[1], "")
    elif w[0] == "logging" and len(w) > 1 and w[1][:1].isdigit():
        f.service("syslog", w[1], w[w.index("vrf") + 1] if "vrf" in w else "")
    elif w[:3] == ["ssh", "server", "vrf"]:
        f.service("services", "ssh", w[3])
    elif w[:4] == ["ssh", "server", "netconf", "vrf"]:
        f.netconf_vrfs.append(w[4])  # serves NETCONF only with the agent (see _iosxr)
    elif w == ["netconf-yang", "agent"]:
        f.netconf_agent = any(cw == ["ssh"] for cw, _ in children)
    elif w[:2] == ["key", "chain"]:
        facts = f.profile(w[2])
        for cw, macsec in children:
            for kw, key in _words(macsec) if cw == ["macsec"] else ():
                if kw[:1] == ["key"]:
                    facts["ckn"] = kw[1]
                    for sw, _ in _words(key):
                        if sw[:1] == ["key-string"]:
                            facts["cak"] = sw[1]
    elif w[0] == "macsec-policy":
        facts = f.profile(w[1])
        facts["cipher"] = next((cw[1] for cw, _ in children if cw[:1] == ["cipher-suite"]), "")


def _rpl_terms(obj: Any, f: _Facts) -> list[Term]:
    """An if/elseif/else chain of one condition each, or a policy of bare actions (one match-all term)."""
    terms: list[Term] = []
    bare = [w for w, _ in _words(obj) if w and w[0] in ("pass", "drop", "set")]
    if bare:
        terms.append(_rpl_actions(bare, "", f))
    for w, child in _words(obj):
        if w[:1] in (["if"], ["elseif"]) and w[1:3] == ["destination", "in"]:
            terms.append(_rpl_actions([cw for cw, _ in _words(child)], w[3], f))
        elif w == ["else"]:
            terms.append(_rpl_actions([cw for cw, _ in _words(child)], "", f))
    return terms


def _rpl_actions(actions: list[list[str]], match: str, f: _Facts) -> Term:
    lbw = None
    for w in actions:
        if w[:2] == ["set", "extcommunity"] and w[2] in ("bandwidth", "transitive-bandwidth"):
            lbw = f.physical(f.communities[w[3]]) if w[3] in f.communities else f"undefined {w[3]}"
    return ("permit" if ["pass"] in actions else "deny", match, lbw)


def _iosxr_bgp(obj: Any, f: _Facts) -> None:
    """UCMP on IOS XR: eBGP multipaths are weighted by the link bandwidth they carry, which an eBGP
    neighbour only accepts with `ebgp-recv-extcommunity-dmz`; so UCMP is on when every group accepts it."""
    recv: list[str] = []
    groups: list[str] = []
    for w, child in _words(obj):
        if w[:2] == ["bgp", "router-id"]:
            f.bgp["router_id"] = w[2]
        elif w == ["bgp", "bestpath", "as-path", "multipath-relax"]:
            f.bgp["multipath_relax"] = True
        elif w[:1] == ["address-family"]:
            for aw, _ in _words(child):
                if aw[:2] == ["maximum-paths", "ebgp"]:
                    f.bgp["maximum_paths"].add(int(aw[2]))
                    if aw[3:]:  # `unequal-cost` exists only for ibgp; selective/route-policy are not ours
                        f.bgp["maximum_paths"].add(" ".join(aw))
        elif w[:1] == ["neighbor-group"]:
            group = f.group(w[1])
            groups.append(w[1])
            for gw, gchild in _words(child):
                if gw == ["shutdown"]:
                    group["shutdown"] = True
                elif gw[:1] == ["ebgp-send-extcommunity-dmz"]:
                    group["aggregate_bandwidth"] = gw[1:] == ["cumulative"]
                elif gw == ["ebgp-recv-extcommunity-dmz"]:
                    recv.append(w[1])
                elif gw[:1] == ["address-family"]:
                    group["family"] = _FAMILY[gw[1]]
                    for aw, _ in _words(gchild):
                        if aw[:1] == ["route-policy"]:
                            group["import" if aw[2] == "in" else "export"] = aw[1]
        elif w[:1] == ["neighbor"]:
            neighbor = f.neighbors.setdefault(canonical(w[1]), {})
            for nw, _ in _words(child):
                if nw[:2] == ["use", "neighbor-group"]:
                    neighbor["group"] = nw[2]
                elif nw[:1] == ["remote-as"]:
                    neighbor["remote_as"] = int(nw[1])
    f.ucmp = bool(groups) and set(recv) == set(groups)


def _junos(parse: CiscoConfParse, f: _Facts) -> Facts:
    forwarding_export: list[str] = []
    per_packet: set[str] = set()
    relax: list[bool] = []
    for words, obj in _top(parse):
        head = words[0] if words else ""
        if head == "system":
            _junos_system(obj, f)
        elif head == "interfaces":
            for w, ifd in _words(obj):
                if w[0] in junos.MGMT_INTERFACES:
                    f.mgmt["interface"] = w[0]
                    for unit in ifd._children:
                        for family_w, family in _words(unit):
                            for aw, _ in _words(family):
                                if family_w == ["family", "inet"] and aw[:1] == ["address"]:
                                    f.mgmt["ipv4"] = aw[1]
                    continue
                split = {sw[0]: sw[1] for sw, _ in _words(ifd) if sw[:1] in (["number-of-sub-ports"], ["speed"])}
                if len(split) == 2 and split["number-of-sub-ports"].isdigit():
                    f.breakouts.add((w[0], int(split["number-of-sub-ports"]), split["speed"]))
                for unit_w, unit in _words(ifd):
                    if unit_w[:1] == ["mtu"]:
                        f.iface(w[0])["mtu"] = int(unit_w[1]) - junos.L2_OVERHEAD
                    for family_w, family in _words(unit):
                        for aw, _ in _words(family):
                            if family_w[:1] == ["family"] and aw[:1] == ["address"]:
                                _address(f, w[0], _FAMILY[family_w[1]], aw[1])
        elif head == "routing-instances":
            for _, instance in _words(obj):
                for rw, _ in _walk(instance):
                    if rw[:2] == ["route", "0.0.0.0/0"] and "next-hop" in rw:
                        f.mgmt["gateway"] = rw[-1]
        elif head == "security":
            _junos_macsec(obj, f)
        elif head == "policy-options":
            _junos_policy_options(obj, f, per_packet)
        elif head == "routing-options":
            for w, child in _words(obj):
                if w[:1] == ["router-id"]:
                    f.bgp["router_id"] = w[1]
                elif w[:1] == ["autonomous-system"]:
                    f.bgp["asn"] = int(w[1])
                elif w[:1] == ["maximum-ecmp"]:
                    f.bgp["maximum_paths"].add(int(w[1]))
                elif w == ["forwarding-table"]:
                    forwarding_export += [fw[1] for fw, _ in _words(child) if fw[:1] == ["export"]]
        elif head == "protocols":
            for w, bgp in _words(obj):
                if w == ["bgp"]:
                    relax += _junos_bgp(bgp, f)
    f.ucmp = any(name in per_packet for name in forwarding_export)
    f.bgp["multipath_relax"] = bool(relax) and all(relax)
    for name in per_packet:
        f.policies.pop(name, None)  # forwarding-table policies are not BGP policies
    for terms in f.policies.values():
        for i, (action, match, lbw) in enumerate(terms):
            if isinstance(lbw, str) and lbw != CUMULATIVE:
                value = f.physical(f.communities[lbw]) if lbw in f.communities else f"undefined {lbw}"
                terms[i] = (action, match, value)
    return f.finish(PERMIT_ALL, aggregate_in_policy=True)


def _walk(obj: Any) -> Iterator[tuple[list[str], Any]]:
    for w, child in _words(obj):
        yield w, child
        yield from _walk(child)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _junos_system(obj: Any, f: _Facts) -> None:
    """host-name, management-instance (the management VRF), login users, AAA, syslog and NTP servers."""
    for w, child in _words(obj):
        if w[:1] == ["host-name"]:
            f.hostname = w[1]
        elif w == ["management-instance"]:
            f.mgmt["vrf"] = "mgmt_junos"
        elif w == ["services"]:  # Junos serves them in every instance, mgmt_junos included
            for sw, service in _words(child):
                if sw == ["ssh"]:
                    f.service("services", "ssh", "mgmt_junos")
                elif sw == ["netconf"] and any(x == ["ssh"] for x, _ in _words(service)):
                    f.service("services", "netconf", "mgmt_junos")
        elif w == ["login"]:
            for uw, user in _words(child):
                if uw[:1] == ["user"]:
                    f.mgmt["users"][uw[1]] = next(
                        (_unquote(aw[1]) for aw, _ in _walk(user) if aw[:1] == ["encrypted-password"]), ""
                    )
        elif w[:1] in (["tacplus-server"], ["radius-server"]):
            kind = "tacacs" if w[0] == "tacplus-server" else "radius"
            for sw, server in _words(child):
                vrf = next((x[1] for x, _ in _words(server) if x[:1] == ["routing-instance"]), "")
                f.service(kind, sw[0], vrf)
        elif w == ["syslog"]:
            for sw, host in _words(child):
                if sw[:1] == ["host"]:
                    vrf = next((x[1] for x, _ in _words(host) if x[:1] == ["routing-instance"]), "")
                    f.service("syslog", sw[1], vrf)
        elif w == ["ntp"]:
            for sw, _ in _words(child):
                if sw[:1] == ["server"]:
                    f.service("ntp", sw[1], sw[sw.index("routing-instance") + 1] if "routing-instance" in sw else "")


def _junos_macsec(obj: Any, f: _Facts) -> None:
    for w, macsec in _words(obj):
        if w != ["macsec"]:
            continue
        for mw, child in _words(macsec):
            if mw[:1] == ["connectivity-association"]:
                facts = f.profile(mw[1])
                for cw, _ in _walk(child):
                    if cw[:1] == ["cipher-suite"]:
                        facts["cipher"] = cw[1]
                    elif cw[:1] in (["ckn"], ["cak"]):
                        facts[cw[0]] = _unquote(cw[1])
            elif mw == ["interfaces"]:
                for iw, iface in _words(child):
                    ca = next((x[1] for x, _ in _words(iface) if x[:1] == ["connectivity-association"]), "")
                    f.iface(iw[0])["macsec"] = ca


def _junos_policy_options(obj: Any, f: _Facts, per_packet: set[str]) -> None:
    for w, child in _words(obj):
        if w[:1] == ["route-filter-list"]:
            f.prefix_lists[w[1]] = [_junos_route_filter(rw) for rw, _ in _words(child)]
        elif w[:1] == ["community"] and w[2:3] == ["members"]:
            f.communities[w[1]] = int(w[3].rsplit(":", 1)[1]) * 8  # bandwidth:AS:bytes-per-second
        elif w[:1] == ["policy-statement"]:
            terms: list[Term] = []
            for tw, term in _words(child):
                if tw[:1] == ["then"] and ["load-balance", "per-packet"] in _inline_or_block(tw, term):
                    per_packet.add(w[1])
                elif tw[:1] == ["term"]:
                    terms.append(_junos_term(term))
            f.policies[w[1]] = terms


def _inline_or_block(words: list[str], obj: Any) -> list[list[str]]:
    """Junos writes `then reject;` and `then { reject; }` alike: the statements under a keyword."""
    return [words[1:]] if len(words) > 1 else [w for w, _ in _words(obj)]


ALL_ROUTES = "every active route"  # a Junos term without `from`: connected and static routes too


def _junos_term(term: Any) -> Term:
    """A term's match: its route-filter-list; `from protocol bgp` is the catch-all that the route-maps
    and RPL policies of the other platforms mean (they only ever see BGP routes). A term with no `from`
    that accepts matches every active route, link subnets included, and reads back as such."""
    match, actions, conditions = "", [], []
    for w, child in _words(term):
        if w[:1] == ["from"]:
            conditions = _inline_or_block(w, child)
            match = next((x[1] for x in conditions if x[:1] == ["route-filter-list"]), match)
        elif w[:1] == ["then"]:
            actions += _inline_or_block(w, child)
    if not conditions and ["accept"] in actions:
        match = ALL_ROUTES
    lbw: Any = None
    for a in actions:
        if a[:2] == ["community", "add"]:
            lbw = a[2]  # resolved to a value once every community is known
        elif a == ["aggregate-bandwidth"]:
            lbw = CUMULATIVE
    action = "permit" if ["accept"] in actions else "deny" if ["reject"] in actions else "next"
    return (action, match, lbw)


def _junos_route_filter(w: list[str]) -> tuple[str, int, int]:
    prefix, length = canonical(w[0]), int(w[0].rsplit("/", 1)[1])
    host = max_length(prefix)
    if w[1:] == ["exact"]:
        return prefix, length, length
    if w[1:2] == ["prefix-length-range"]:
        low, high = (int(x.lstrip("/")) for x in w[2].split("-"))
        return prefix, low, high
    if w[1:2] == ["upto"]:
        return prefix, length, int(w[2].lstrip("/"))
    return prefix, length + (w[1:] == ["longer"]), host  # orlonger / longer


def _junos_bgp(bgp: Any, f: _Facts) -> list[bool]:
    relax = []
    for words, child in _words(bgp):
        inactive = words[:1] == ["inactive:"]
        w = words[1:] if inactive else words
        if w[:1] != ["group"]:
            continue
        group = f.group(w[1])
        group["shutdown"] = inactive
        group_relax = False
        for gw, gchild in _words(child):
            if gw[:1] == ["family"]:
                group["family"] = _FAMILY[gw[1]]
            elif gw[:1] in (["import"], ["export"]):
                group[gw[0]] = gw[1]
            elif gw[:1] == ["multipath"]:
                group_relax = ["multiple-as"] in _inline_or_block(gw, gchild)
            elif gw[:1] == ["neighbor"]:
                neighbor = f.neighbors.setdefault(canonical(gw[1]), {"group": w[1]})
                for nw, _ in _words(gchild):
                    if nw[:1] == ["peer-as"]:
                        neighbor["remote_as"] = int(nw[1])
        relax.append(group_relax)
    return relax


_PARSERS: dict[str, Callable[[CiscoConfParse, _Facts], Facts]] = {
    "eos": _eos,
    "frr": _frr,
    "iosxr": _iosxr,
    "junos": _junos,
}


def rendered_facts(platform: str, text: str, unit_bps: int) -> Facts:
    """The facts a device would run with, read back from its config text."""
    parse = ReadOnlyParse(text.splitlines(), syntax=SYNTAX[platform], ignore_blank_lines=True)
    try:
        return _PARSERS[platform](parse, _Facts(unit_bps))
    finally:
        release(parse)

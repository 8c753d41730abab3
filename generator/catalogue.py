"""Every finding code the tool can report, defined once: code, severity, meaning, how to fix.

The README's table of codes is generated from this (`python -m generator codes --format markdown`),
tests check that every code raised anywhere is listed here and that every listed code is produced by
at least one test. Ranges: 0xx intent and model, 2xx hostile input and output safety, 25x-29x vendor
configs, 3xx lab and kernel, 35x-39x deploy and ecosystem.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    code: str
    severity: str  # "error" stops the stage; "warning" is reported and the stage continues
    meaning: str
    fix: str


CODES: tuple[Code, ...] = (
    Code(
        "BAG001",
        "error",
        "the intent cannot be read: missing file, not UTF-8, YAML syntax, not a mapping",
        "fix the YAML at the reported line; an intent is a mapping with name, hardware and regions",
    ),
    Code(
        "BAG002",
        "error",
        "a field has the wrong type or value, or is unknown (schema)",
        "follow the hint; `python -m generator schema` lists every field with its type",
    ),
    Code(
        "BAG003",
        "error",
        "a key is defined twice (in one file, or across the files of an intent directory)",
        "define each key in exactly one place",
    ),
    Code(
        "BAG010",
        "error",
        "a region or fabric name is used twice",
        "give every region and fabric a unique name (they prefix device names)",
    ),
    Code(
        "BAG011",
        "error",
        "a reference names a hardware profile or region that does not exist",
        "define the profile under hardware, or fix the name",
    ),
    Code(
        "BAG012",
        "error",
        "a plane, switch or fabric switch number is outside what the region has",
        "use numbers within the region's planes and switches_per_plane",
    ),
    Code(
        "BAG013",
        "error",
        "an inter-region topology cannot be wired (planar needs the same BAG shape)",
        "use topology: spread, or give both regions the same planes and switches",
    ),
    Code(
        "BAG014",
        "error",
        "a region pair is listed twice, or a region pairs with itself",
        "list each pair of distinct regions once",
    ),
    Code(
        "BAG020",
        "error",
        "an address pool is too small for the links or loopbacks that draw from it",
        "use a larger prefix (the message names the size needed)",
    ),
    Code(
        "BAG021",
        "error",
        "address pools (link, loopback, management) or fabric prefixes overlap, or one lies in a reserved range "
        "(0/8, 127/8, multicast, 240/4, IPv6 loopback, IPv4-mapped, link-local, multicast)",
        "give every pool its own, non-overlapping prefix in private space (10/8, 172.16/12, 192.168/16, fd00::/8)",
    ),
    Code(
        "BAG022",
        "error",
        "ASNs leave the private ranges (RFC 6996) or the BAG and fabric ranges overlap",
        "use a private base such as 4200000000, or a narrower ASN scope",
    ),
    Code(
        "BAG023",
        "error",
        "an address, router ID or address slot is assigned twice in the compiled network",
        "a generator bug when the intent validated: report it with the intent",
    ),
    Code(
        "BAG030",
        "error",
        "a switch needs more ports than its hardware profile has",
        "lower the link counts, or use hardware with more line cards or ports",
    ),
    Code(
        "BAG031",
        "error",
        "a link speed is not a port speed or breakout of the hardware on both ends",
        "set a supported speed, or add the breakout to the hardware profile",
    ),
    Code(
        "BAG040",
        "error",
        "a BGP session is not mirrored by its peer (address, family, remote AS)",
        "a generator bug when the intent validated: report it with the intent",
    ),
    Code(
        "BAG041",
        "error",
        "maximum_paths is below the number of equal-cost sessions a device has",
        "raise bgp.maximum_paths to at least the number in the message",
    ),
    Code(
        "BAG042",
        "error",
        "multipath sets span different neighbour ASNs without multipath relax",
        "set bgp.multipath_relax: true",
    ),
    Code(
        "BAG050",
        "error",
        "link bandwidth is non-transitive on eBGP sessions (FRR 8.4 and Junos drop it)",
        "set link_bandwidth.transitive: true",
    ),
    Code(
        "BAG051",
        "warning",
        "the FRR link-bandwidth unit cannot represent every value exactly, or overflows",
        "set link_bandwidth.frr_unit to the unit the message suggests",
    ),
    Code(
        "BAG052",
        "error",
        "IOS XR before 25.1.1 handles only non-transitive link bandwidth",
        "upgrade to IOS XR 25.1.1 or later and set os_version",
    ),
    Code(
        "BAG060",
        "error",
        "a string could alter a device config (line break, control or comment character)",
        "remove the character; names and descriptions are single plain lines",
    ),
    Code(
        "BAG070",
        "error",
        "a fabric plane is more oversubscribed toward the BAG than its budget",
        "add uplinks_per_switch, or lower downlinks.count",
    ),
    Code(
        "BAG071",
        "error",
        "a region's BAG-to-BAG oversubscription exceeds the budget",
        "add inter-region links_per_switch",
    ),
    Code(
        "BAG080",
        "error",
        "a rendered config does not say what its model says (parse-back audit)",
        "rebuild out/, or fix the template the message points at",
    ),
    Code(
        "BAG081",
        "error",
        "a template is missing or has a syntax error",
        "fix the template at the reported file and line, or build with the shipped templates",
    ),
    Code(
        "BAG200",
        "error",
        "an output is not one this tool wrote: a directory holding anything a build did not write, at any "
        "level (someone's files, a named pipe or a link where a config goes, the current directory), or a "
        "file to replace that is not its own (the intent, a hand-written inventory or topology)",
        "pass -o a new or empty directory, or one an earlier build wrote; nothing was changed",
    ),
    Code(
        "BAG201",
        "error",
        "an output cannot be written (no space left, read-only file system, permissions, a name over 255 bytes)",
        "free space or pick a writable directory; the previous output was left as it was",
    ),
    Code(
        "BAG202",
        "warning",
        "a config in the output directory differs from the sha256 its manifest records (edited by hand)",
        "the build renders it again; never edit generated configs, change the intent or the templates",
    ),
    Code(
        "BAG210",
        "error",
        "the file is over a loader bound: size (4 MiB), nesting (64 levels), values after expanding aliases "
        "(200,000), or an alias that contains itself",
        "write the values out; an intent describes a network in kilobytes",
    ),
    Code(
        "BAG211",
        "error",
        "a YAML tag other than the plain types (str, int, float, bool, null, map, seq)",
        "remove the tag",
    ),
    Code(
        "BAG212",
        "error",
        "an intent path that is not a readable regular file (a device, a pipe, a dangling link, no permission)",
        "pass a readable YAML file, or a directory of them",
    ),
    Code(
        "BAG220",
        "error",
        "the intent describes more devices or links than the generator builds (counted before expanding)",
        "check the counts (planes, switches_per_plane, uplinks_per_switch, links_per_switch) for a typo",
    ),
    Code(
        "BAG221",
        "error",
        "a fabric prefix equals or overlaps a prefix of another fabric (in any region)",
        "every prefix a fabric announces must be unique network-wide; give each fabric its own",
    ),
    Code(
        "BAG222",
        "error",
        "a breakout splits a port into more bandwidth than the port has",
        "lanes x speed must not exceed port_speed (2x400G or 8x100G on an 800G port)",
    ),
    Code(
        "BAG224",
        "error",
        "two link_overrides name the same switch pair (fabric) or the same BAG switch (inter-region)",
        "keep one entry per switch pair: only one of them could apply",
    ),
    Code(
        "BAG250",
        "error",
        "the IP MTU needs an interface MTU a platform does not accept",
        "lower `mtu` (IOS XR and Junos add the 14-byte Ethernet header to the interface MTU)",
    ),
    Code(
        "BAG251",
        "error",
        "a management pool has fewer addresses than the devices it serves",
        "widen the pool, or give each region its own `addressing.management_ipv4`",
    ),
    Code(
        "BAG252",
        "warning",
        "EOS, IOS XR or Junos devices without management config",
        "add a `management` block; a full replace would otherwise cut the devices off",
    ),
    Code(
        "BAG253",
        "error",
        "an inter-region `macsec_profile` names no `macsec_profiles` entry",
        "define the profile (ckn_env, cak_env) or fix the name",
    ),
    Code(
        "BAG254",
        "error",
        "`management.by_hardware` names a hardware profile the intent lacks",
        "use a name under `hardware`",
    ),
    Code(
        "BAG255",
        "error",
        "a management interface that is not a management port of the platform (EOS Management<N>[/<N>], "
        "IOS XR MgmtEth<R>/RP<N>/CPU<N>/<P>, Junos fxp0, em0, em1 or reN:mgmt-0)",
        "use the platform's management port (per hardware profile in management.by_hardware); a data port or "
        "loopback would be moved into the management VRF",
    ),
    Code(
        "BAG256",
        "warning",
        "EOS, IOS XR or Junos devices in a region without a management pool get no management address",
        "set management.ipv4_pool, or the region's addressing.management_ipv4",
    ),
    Code(
        "BAG257",
        "error",
        "a management list names the same user or server twice",
        "list each user and server once; the device would keep only one of them",
    ),
    Code(
        "BAG258",
        "error",
        "a local user name the platform keeps for itself (Junos root)",
        "rename the user; the Junos root password is the first admin user's secret (root-authentication)",
    ),
    Code(
        "BAG259",
        "error",
        "Junos devices without an admin user: the config has no root-authentication and cannot be committed",
        "add a user with role: admin",
    ),
    Code(
        "BAG260",
        "error",
        "a user's hashed_secret is a crypt scheme the platform does not take (EOS and IOS XR: $6$ only; "
        "Junos: $6$ or $5$)",
        "make a SHA-512 crypt hash: openssl passwd -6",
    ),
    Code(
        "BAG261",
        "error",
        "management.gateway is outside the shared management pool, its network or broadcast address, or a device's",
        "leave gateway out (the pool's first host) or give a free host of the pool",
    ),
    Code(
        "BAG300",
        "error",
        "the kernel forwards a route over other next hops or weights than FRR's RIB says it installed",
        "FRR lost sync with the kernel (FRR 8.4 after a link flap): render `no zebra nexthop kernel enable`, "
        "or restart zebra on the device; then re-run `lab status`",
    ),
    Code(
        "BAG301",
        "error",
        "the next hops or weights the kernel installed differ from the ones the compiled model predicts",
        "find why the device forwards differently (a link or session down, a policy that does not match the "
        "model, a failure in progress); `lab status` shows sessions and FRR/kernel differences",
    ),
    Code(
        "BAG302",
        "error",
        "capacity measured in the lab after a failure differs from analyze's prediction for it",
        "compare the links the kernels forward over with the scenario's dead links; a session that did not "
        "come back or a policy that does not match the model shows as BAG301 on the devices involved",
    ),
    Code(
        "BAG303",
        "error",
        "a device's kernel weights after a failure differ from the weights analyze predicts for it",
        "the device forwards differently from the model under this failure: see the named prefix and "
        "interfaces; `lab status` shows sessions and FRR/kernel differences",
    ),
    Code(
        "BAG304",
        "error",
        "miswired: LLDP sees a cable between two ports that the intent does not connect to each other",
        "re-cable both named ends to the peers the intent gives them (or change the intent's wiring)",
    ),
    Code(
        "BAG305",
        "error",
        "missing: neither end of an intended link hears an LLDP neighbour",
        "check the cable, optics and that both ports are up and run LLDP",
    ),
    Code(
        "BAG306",
        "warning",
        "unexpected: LLDP sees a cable between ports that the intent does not use",
        "remove the cable, or add the link to the intent",
    ),
    Code(
        "BAG307",
        "error",
        "a device's LLDP neighbours cannot be read, so its cabling is unchecked",
        "start lldpd on the device (the lab starts it with the FRR daemons: `lab up`)",
    ),
)

CATALOGUE: dict[str, Code] = {c.code: c for c in CODES}


def markdown_table() -> str:
    lines = ["| code | severity | meaning | how to fix |", "| --- | --- | --- | --- |"]
    lines += [f"| {c.code} | {c.severity} | {c.meaning} | {c.fix} |" for c in CODES]
    return "\n".join(lines) + "\n"

"""`lab export --containerlab`: the intent as a containerlab topology (`<name>.clab.yml`).

One node per device with the kind of its platform, one link per cable, the rendered configs of
`out/` as startup configs. Interface names follow each kind's rules (containerlab documentation,
srl-labs/containerlab@39ff2b7c, docs/manual/):

- Arista cEOS (`arista_ceos`, kinds/ceos.md "Interfaces mapping", "User-defined interface
  mapping"): data interfaces are `eth1`, `eth2`...; a JSON file bound to
  `/mnt/flash/EosIntfMapping.json` (cEOS >= 4.28.0F) maps each `ethN` to an EOS name, so the
  device boots with the interface names of its rendered config (`Ethernet3/1/1`) unchanged.
- Cisco XRd (`cisco_xrd`, kinds/xrd.md "Interfaces mapping"): `Gi0-0-0-N` in the topology is
  `GigabitEthernet0/0/0/N` inside; XRd has no other names, so the startup config is a copy of the
  rendered one with its interface names replaced.
- Juniper cRPD (`juniper_crpd`, kinds/crpd.md "Interfaces mapping"): `eth1`...; cRPD routes for
  the Linux interfaces of its container and leaves their addresses to Linux, so the copy of the
  config names `ethN` and the node's `exec` adds the link addresses.
- Juniper vJunos (`juniper_vjunosrouter` for BAG switches, `juniper_vjunosswitch` for fabric
  switches; kinds/vr-vjunosrouter.md, vr-vjunosswitch.md "Interface naming"): `ge-0/0/N`
  (from 0) as interface aliases (topo-def-file.md "Interface naming", "Aliases"); config copy renamed.
- FRRouting (`linux` with an FRR image, kinds/linux.md): Linux accepts the rendered names
  (`swp3`, at most 15 characters) directly; the config and an FRR `daemons` file are bound
  read-only to /etc/frr (read-only: `write memory` in the lab must not touch `out/`, whose
  unchanged files are hard links shared between builds).

Management addresses come from the intent (`management` pools, the addresses the configs and the
inventories use): the topology's management network (`mgmt: ipv4-subnet`, topo-def-file.md
"Management network") is the smallest prefix that holds every device's address, and each such node
gets its `mgmt-ipv4`. Devices without one (FRR, or an intent without a management pool) are left to
containerlab, which assigns them from that network.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.compile.network import Plan
from generator.render.cabling import Cable, device_cables
from generator.render.outdir import OutputDirError, output_kind, sample, stat_output, write_failed, write_outputs
from generator.safeio import first_line_is

KINDS = ("arista_ceos", "cisco_xrd", "juniper_crpd", "juniper_vjunosrouter", "juniper_vjunosswitch", "linux")
DEFAULT_IMAGES = {
    "eos": "ceos:4.33.1F",
    "iosxr": "ios-xr/xrd-control-plane:24.3.1",
    "crpd": "crpd:24.2R1.14",
    "vjunos-router": "vrnetlab/juniper_vjunos-router:24.2R1-S2.5",
    "vjunos-switch": "vrnetlab/juniper_vjunos-switch:24.2R1-S2.5",
    "frr": "quay.io/frrouting/frr:8.4.1",
}
JUNOS_KINDS = ("crpd", "vjunos")
LINUX_IFNAME_MAX = 15  # IFNAMSIZ - 1

# The daemons watchfrr starts in the FRR image (/etc/frr/daemons; the layout of Debian's frr 8.4.4
# package file): bgpd for the sessions, bfdd for intents with BFD; zebra and staticd always run.
FRR_DAEMONS = """\
# FRR daemons for a containerlab node of the BAG intent generator
bgpd=yes
ospfd=no
ospf6d=no
ripd=no
ripngd=no
isisd=no
pimd=no
pim6d=no
ldpd=no
nhrpd=no
eigrpd=no
babeld=no
sharpd=no
pbrd=no
bfdd=yes
fabricd=no
vrrpd=no
pathd=no
vtysh_enable=yes
zebra_options="  -A 127.0.0.1 -s 90000000"
bgpd_options="   -A 127.0.0.1"
staticd_options="-A 127.0.0.1"
bfdd_options="   -A 127.0.0.1"
"""


class ExportError(Exception):
    """The export cannot be written (missing build output, unusable option); printed as one line."""


@dataclass(frozen=True)
class Options:
    images: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_IMAGES))
    junos: str = "crpd"  # "crpd" | "vjunos"


@dataclass(frozen=True)
class Naming:
    """How one kind names data interface N (1-based, in the device's port order)."""

    kind: str
    endpoint: Callable[[int], str]  # the name in the topology's `endpoints`
    inside: Callable[[int], str] | None  # the name the NOS config must use; None: the rendered names stay


def _eth(n: int) -> str:
    return f"eth{n}"


NAMINGS = {
    "eos": Naming("arista_ceos", _eth, None),
    "iosxr": Naming("cisco_xrd", lambda n: f"Gi0-0-0-{n - 1}", lambda n: f"GigabitEthernet0/0/0/{n - 1}"),
    "crpd": Naming("juniper_crpd", _eth, _eth),
    "vjunos-router": Naming("juniper_vjunosrouter", lambda n: f"ge-0/0/{n - 1}", lambda n: f"ge-0/0/{n - 1}"),
    "vjunos-switch": Naming("juniper_vjunosswitch", lambda n: f"ge-0/0/{n - 1}", lambda n: f"ge-0/0/{n - 1}"),
}


def flavour(platform: str, role: str, options: Options) -> str:
    """The key of NAMINGS and DEFAULT_IMAGES for a device ("frr" for FRR in a Linux container)."""
    if platform == "junos":
        if options.junos == "crpd":
            return "crpd"
        return "vjunos-router" if role == "bag" else "vjunos-switch"
    return platform


def management_address(plan: Plan, name: str) -> ipaddress.IPv4Interface | None:
    """The device's management address and prefix from the intent's management pools (None: none)."""
    address = plan.management_ipv4(name)
    return ipaddress.IPv4Interface(address) if address else None


def management_network(addresses: list[ipaddress.IPv4Interface]) -> ipaddress.IPv4Network | None:
    """The smallest prefix that holds every pool the addresses come from (containerlab's one management
    network; regions with pools of their own are joined under their common supernet)."""
    if not addresses:
        return None
    networks = {a.network for a in addresses}
    prefix = min(n.prefixlen for n in networks)
    while True:
        candidate = next(iter(networks)).supernet(new_prefix=prefix)
        if all(n.subnet_of(candidate) for n in networks):
            return candidate
        prefix -= 1


def rename_interfaces(text: str, names: dict[str, str]) -> str:
    """Replace whole interface names (never a prefix of a longer one: swp1 is not in swp10, et-0/0/1
    not in et-0/0/1:0 or et-0/0/10; a unit suffix such as `.0` is kept)."""
    if not names:
        return text
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w/:.-])(?:{alternatives})(?![\w/:-])")
    return pattern.sub(lambda m: names[m.group(0)], text)


def fabric_loopbacks(plan: Plan, name: str) -> list[str]:
    """Addresses on `lo` that make a fabric switch's `network` statements real routes (as `lab up` does)."""
    node = plan.wiring.nodes[name]
    if node.role == "bag":
        return []
    fabric = next(f for r in plan.intent.regions for f in r.fabrics if f.name == node.fabric)
    return [f"{net.network_address + node.index}/{net.prefixlen}" for net in fabric.prefixes]


@dataclass
class Export:
    """The topology and the files it refers to, relative to the topology file's directory."""

    topology: dict[str, Any]
    files: dict[str, str]  # relative path -> text


def _relative(path: Path, base: Path) -> str:
    return os.path.relpath(path.resolve(), base.resolve())


def files_dir(path: Path) -> str:
    """The directory beside topology `lab.clab.yml` that holds its generated files: `lab.clab.files`."""
    stem = path.name.removesuffix(".yml").removesuffix(".yaml").removesuffix(".clab")
    return f"{stem}.clab.files"


def topology(plan: Plan, configs: Path, path: Path, options: Options | None = None) -> Export:
    """The containerlab topology of a planned intent whose configs are in `configs` (a build's out/),
    to be written to `path` (paths inside it are relative to its directory, as containerlab reads them)."""
    options = options or Options()
    name = plan.intent.name
    where = path.parent
    files = files_dir(path)
    nodes: dict[str, dict[str, Any]] = {}
    addresses: list[ipaddress.IPv4Interface] = []
    written: dict[str, str] = {}
    endpoint_names: dict[tuple[str, str], str] = {}  # (device, rendered interface) -> endpoint name
    cables: dict[str, list[Cable]] = {}
    for device, node in plan.wiring.nodes.items():
        hw = plan.intent.hardware[node.hardware]
        key = flavour(hw.platform, node.role, options)
        image = options.images.get(key)
        if not image:
            raise ExportError(f"no container image for {key} (pass --image {key}=IMAGE)")
        config = configs / f"{device}.cfg"
        if not config.is_file():
            raise ExportError(f"{config}: no rendered config (run `python -m generator build -o {configs}`)")
        mine = device_cables(plan, device)
        cables[device] = mine
        ports = [c.seen_from(device)[0] for c in mine]
        entry: dict[str, Any] = {
            "kind": NAMINGS[key].kind if key in NAMINGS else "linux",
            "image": image,
            "group": f"{node.region}-p{node.plane}",
            "labels": {"bag.region": node.region, "bag.plane": node.plane, "bag.role": node.role},
        }
        address = management_address(plan, device)
        if address:
            entry["mgmt-ipv4"] = str(address.ip)
            addresses.append(address)
        if key == "frr":
            for end in ports:
                if len(end.port) > LINUX_IFNAME_MAX:
                    raise ExportError(f"{device} {end.port}: longer than a Linux interface name may be")
                endpoint_names[(device, end.port)] = end.port
            entry["binds"] = [
                f"{_relative(config, where)}:/etc/frr/frr.conf:ro",
                f"{files}/frr-daemons:/etc/frr/daemons:ro",
            ]
            written[f"{files}/frr-daemons"] = FRR_DAEMONS
            lo = [f"ip address add {prefix} dev lo" for prefix in fabric_loopbacks(plan, device)]
            if lo:
                entry["exec"] = lo
        else:
            naming = NAMINGS[key]
            for n, end in enumerate(ports, start=1):
                endpoint_names[(device, end.port)] = naming.endpoint(n)
            if naming.inside is None:  # cEOS: map ethN to the rendered names, keep the config as it is
                mapping = {
                    "ManagementIntf": {"eth0": "Management1"},
                    "EthernetIntf": {_eth(n): end.port for n, end in enumerate(ports, start=1)},
                }
                written[f"{files}/{device}.EosIntfMapping.json"] = json.dumps(mapping, indent=2) + "\n"
                entry["startup-config"] = _relative(config, where)
                entry["binds"] = [f"{files}/{device}.EosIntfMapping.json:/mnt/flash/EosIntfMapping.json:ro"]
            else:
                inside = naming.inside
                renamed = rename_interfaces(
                    config.read_text(), {end.port: inside(n) for n, end in enumerate(ports, start=1)}
                )
                written[f"{files}/{device}.cfg"] = renamed
                entry["startup-config"] = f"{files}/{device}.cfg"
            if key == "crpd":
                commands = []
                for n, end in enumerate(ports, start=1):
                    commands += [f"ip address add {a} dev {_eth(n)}" for a in (end.ipv4, end.ipv6) if a]
                if commands:
                    entry["exec"] = commands
        nodes[device] = entry

    links = []
    for i, link in enumerate(plan.wiring.links):
        ends = plan.ends(i)
        a = f"{link.a}:{endpoint_names[(link.a, ends.a_if)]}"
        b = f"{link.b}:{endpoint_names[(link.b, ends.b_if)]}"
        links.append({"endpoints": [a, b]})
    document: dict[str, Any] = {"name": name}
    network = management_network(addresses)
    if network is not None:
        document["mgmt"] = {"network": f"{name}-mgmt", "ipv4-subnet": str(network)}
    document["topology"] = {"nodes": nodes, "links": links}
    return Export(document, written)


HEADER = """\
# containerlab topology of the BAG intent "{name}", written by `python -m generator lab export --containerlab`.
# Deploy: containerlab deploy -t {file}  (images: pass --image PLATFORM=IMAGE to the export)
# Generated: edit the intent and export again instead of editing this file.
"""
_HEADER_LINE = re.compile(
    rb'# containerlab topology of the BAG intent "[a-z0-9-]+", '
    rb"written by `python -m generator lab export --containerlab`\."
)
# the files the export writes beside the topology (in files_dir): configs, cEOS mappings, FRR daemons
_SIDE_FILE = re.compile(r"[a-z0-9-]+\.(cfg|EosIntfMapping\.json)|frr-daemons")


def written_here(path: Path) -> bool:
    """Whether a file is a topology this tool wrote (its first line is the export's header line)."""
    return first_line_is(path, _HEADER_LINE)


def check_target(path: Path, intent: Path) -> None:
    """Refuse (BAG200, nothing changed) a topology path the export must not write: the intent itself
    or a file in an intent directory (the next load would read it), a directory, a link, a pipe, an
    existing file this tool did not write, and a `<name>.clab.files/` that is not the export's own.
    A path the system cannot use (missing directory, a name over 255 bytes) is BAG201."""
    parent = stat_output(path.parent, "write the topology")
    if parent is None or not stat.S_ISDIR(parent.st_mode):
        raise OutputDirError(
            "BAG201",
            path,
            f"cannot write the topology: no such directory {path.parent}/",
            "create the directory first, or pass -t a file in an existing one; nothing was changed",
        )
    what = output_kind(path, "write the topology")
    real = Path(os.path.realpath(path))
    intent_real = Path(os.path.realpath(intent))
    new_name = f"pass -t a new file name, e.g. {path.parent / 'lab.clab.yml'}; nothing was changed"
    if real == intent_real or (what == "a file" and _same_file(path, intent)):
        raise _refuse(path, "is the intent itself: -t names the topology file to write", new_name)
    if intent_real.is_dir() and real.parent == intent_real:
        raise _refuse(path, f"is in the intent directory {intent}/: the next load would read it as intent", new_name)
    if what == "a directory":
        raise _refuse(
            path,
            "is a directory: -t names the topology file to write",
            f"pass -t a file, e.g. {path / 'lab.clab.yml'}; nothing was changed",
        )
    if what not in (None, "a file"):
        raise _refuse(path, f"is {what}, not a topology file this tool wrote", new_name)
    if what == "a file" and not written_here(path):
        raise _refuse(
            path,
            "exists and was not written by `lab export` (its first line is not the topology's header): "
            "writing would replace it",
            f"move it away, or {new_name}",
        )
    side = path.parent / files_dir(path)
    side_kind = output_kind(side, "write the topology")
    if side_kind is None:
        return
    if side_kind != "a directory":
        raise _refuse(path, f"cannot have its files in {side}: that is {side_kind}, not a directory", new_name)
    try:
        entries = sorted(os.scandir(side), key=lambda e: e.name)
    except OSError as exc:
        raise write_failed(path, exc, "write the topology") from exc
    foreign = [e.name for e in entries if not (e.is_file(follow_symlinks=False) and _SIDE_FILE.fullmatch(e.name))]
    if what is None and entries:
        foreign = [e.name for e in entries]  # no topology of ours beside them: none of them is known to be ours
    if foreign:
        raise _refuse(
            path,
            f"cannot have its files in {side}/: it holds {sample(foreign)}, which `lab export` did not write",
            f"move {side}/ away, or {new_name}",
        )


def _refuse(path: Path, why: str, hint: str) -> OutputDirError:
    return OutputDirError("BAG200", path, f"not written: it {why}", hint)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write(export: Export, path: Path) -> None:
    """Write the side files and the topology all or nothing (each to a temporary file, then all
    renamed into place; a failure leaves no temporary file or new directory). BAG201 when the
    system refuses. Call check_target first."""
    files = {relative: text.encode() for relative, text in sorted(export.files.items())}
    body = to_yaml(export.topology)
    files[path.name] = (HEADER.format(name=export.topology["name"], file=path.name) + body).encode()
    # 0644: containerlab and the containers read these files whatever the umask
    write_outputs(path, path.parent, files, mode=0o644, doing="write the topology")


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def to_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML of the topology, with every string as a JSON (= YAML double-quoted) scalar.

    PyYAML's representer is pure Python: 20 s for the 12,672 nodes and 207,360 links of the gigawatt
    intent; this takes about a second. Keys are plain (names, kinds, labels: checked here), lists of
    scalars are flow sequences, lists of mappings are block sequences."""
    lines: list[str] = []
    _emit(data, 0, lines)
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"not a topology scalar: {value!r}")
    return json.dumps(value)


def _key(key: str) -> str:
    if not _PLAIN_KEY.fullmatch(key):
        raise ValueError(f"not a plain key: {key!r}")
    return key


def _emit(data: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{_key(key)}:")
            _emit(value, indent + 2, lines)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{_key(key)}:")
            for item in value:
                first = len(lines)
                _emit(item, indent + 4, lines)
                lines[first] = f"{pad}  - {lines[first][indent + 4 :]}"
        elif isinstance(value, list):
            lines.append(f"{pad}{_key(key)}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{pad}{_key(key)}: {_scalar(value)}")

"""`lab up|down|status`: run an intent as real FRRouting in Linux network namespaces.

One network namespace per device (plus a UTS namespace, so each FRR reports its own hostname), a veth
pair per link named like the device's interfaces, zebra and bgpd per namespace with their own FRR
pathspace (`-N`), and the rendered config loaded with `vtysh -b`; lldpd per namespace with its own
control socket, so the cabling can be checked against the intent. Fabric prefixes go on `lo` of the
fabric switches that announce them. Everything created is recorded in a state file first, so
`down` removes exactly that, even after a partial `up`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from rich.table import Table
from rich.text import Text

from generator.compile.network import Plan
from generator.deploy.failures import Failure, interfaces_down
from generator.deploy.inventory import Inventory, InventoryDevice, connect
from generator.deploy.kernel import device_kernel_findings
from generator.errors import UsageError
from generator.findings import Finding

LAB_ROOT = Path("/run/bag-lab")
FRR_BIN = Path("/usr/lib/frr")
DAEMONS = ("zebra", "bgpd")
STOP_TIMEOUT = 10.0  # seconds a daemon gets to exit after SIGTERM before SIGKILL


class Veth(NamedTuple):
    a: str
    a_if: str
    b: str
    b_if: str


def _run(argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise UsageError(f"{' '.join(argv)}: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _ns(device: str, *argv: str) -> list[str]:
    return ["nsenter", f"--net=/run/netns/{device}", f"--uts={LAB_ROOT}/uts/{device}", "--", *argv]


def veths(plan: Plan) -> list[Veth]:
    return [Veth(link.a, plan.ends(i).a_if, link.b, plan.ends(i).b_if) for i, link in enumerate(plan.wiring.links)]


def lo_prefixes(plan: Plan, name: str) -> list[str]:
    """Addresses on lo that make a fabric switch's `network` statements real routes."""
    node = plan.wiring.nodes[name]
    if node.role == "bag":
        return []
    prefixes = next(f.prefixes for r in plan.intent.regions for f in r.fabrics if f.name == node.fabric)
    return [f"{net.network_address + node.index}/{net.prefixlen}" for net in prefixes]


def lldp_socket(lab: str, device: str) -> Path:
    return LAB_ROOT / lab / device / "lldpd.socket"


def lldpd_config() -> str:
    """Port IDs are interface names (what a cabling plan names); a short interval, so a re-cabled link
    is seen within seconds (TTL = interval x hold = 10 s). lldpcli(8): `configure lldp portidsubtype`,
    `configure lldp tx-interval`, `configure lldp tx-hold`."""
    return "configure lldp portidsubtype ifname\nconfigure lldp tx-interval 2\nconfigure lldp tx-hold 5\n"


def start_script(device: str, lab: str = "", interfaces: Iterable[str] = ()) -> str:
    lines = ["#!/bin/sh", f"# start the FRR daemons of {device} that are not running (inside its namespaces)"]
    for daemon in DAEMONS:
        pid = f"/var/run/frr/{device}/{daemon}.pid"
        lines.append(
            f'p=$(cat {pid} 2>/dev/null); if [ "$(cat /proc/$p/comm 2>/dev/null)" != {daemon} ]; then '
            f"{FRR_BIN}/{daemon} -d -N {device} -A 127.0.0.1 || exit 1; started=1; fi"
        )
    # like watchfrr: a restarted daemon boots from the saved config. Without this, its route-maps
    # and prefix-lists would be missing while `show running-config` still shows zebra's copies,
    # so frr-reload would not re-add them and the sessions would accept nothing.
    lines.append(
        f'if [ -n "$started" ] && [ -s /etc/frr/{device}/frr.conf ]; then vtysh -N {device} -b >/dev/null 2>&1; fi'
    )
    patterns = sorted({re.sub(r"\d.*$", "", name) + "*" for name in interfaces})
    if lab and patterns and shutil.which("lldpd"):
        # lldpd(8): -u control socket, -p pid file (one per namespace), -I the ports to speak LLDP on,
        # -C '!*' chassis ID = system name (the UTS namespace's hostname), -k no kernel version,
        # -O the lldpcli commands to run at start
        here = LAB_ROOT / lab / device
        lines.append(
            f'p=$(cat {here}/lldpd.pid 2>/dev/null); if [ "$(cat /proc/$p/comm 2>/dev/null)" != lldpd ]; then '
            f"lldpd -u {here}/lldpd.socket -p {here}/lldpd.pid -I '{','.join(patterns)}' -C '!*' -k "
            f"-O {here}/lldpd.conf || exit 1; fi"
        )
    lines.append("exit 0")
    return "\n".join(lines) + "\n"


def daemon_pid(pidfile: Path, name: str) -> int | None:
    """The pid in `pidfile` if that process is still `name`: a pid file outlives its daemon, and on a
    busy machine its number is soon another process's (which must be neither trusted nor killed)."""
    try:
        pid = int(pidfile.read_text().strip())
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, ValueError):
        return None
    return pid if comm == name else None


def _running(device: str) -> bool:
    return all(daemon_pid(Path(f"/var/run/frr/{device}/{d}.pid"), d) for d in DAEMONS)


class Lab:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dir = LAB_ROOT / name
        self.state_file = self.dir / "state.json"

    def state(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.state_file.read_text())
            return data
        except (OSError, ValueError):
            return {"devices": [], "veths": []}

    def record(self, devices: Iterable[str], cabling: Iterable[Veth] | None = None) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        state = self.state()
        known = sorted(set(state["devices"]) | set(devices))
        cables = sorted(list(v) for v in cabling) if cabling is not None else state.get("veths", [])
        self.state_file.write_text(json.dumps({**state, "devices": known, "veths": cables}, indent=1))

    # ------------------------------------------------------------------------------ up

    def up(self, plan: Plan, configs: Path) -> Inventory:
        devices = list(plan.wiring.nodes)
        platforms = set(plan.platforms)
        if platforms != {"frr"}:
            raise UsageError(f"the lab runs FRR only; this intent also uses {', '.join(sorted(platforms - {'frr'}))}")
        for tool in ("ip", "nsenter", "unshare", "vtysh"):
            if shutil.which(tool) is None:
                raise UsageError(f"{tool} not found: apt-get install -y iproute2 util-linux frr frr-pythontools")
        self.record(devices)
        (LAB_ROOT / "uts").mkdir(parents=True, exist_ok=True)
        existing = set(_run(["ip", "netns", "list"]).stdout.split())
        for device in devices:
            self._namespace(device, device in existing)
        cabling = veths(plan)
        for old in {Veth(*v) for v in self.state().get("veths", [])} - set(cabling):  # re-cabling
            _run(["ip", "-n", old.a, "link", "del", old.a_if], check=False)
        self.record(devices, cabling)
        have = {d: {i["ifname"] for i in json.loads(_run(["ip", "-j", "-n", d, "link"]).stdout)} for d in devices}
        for v in cabling:
            if v.a_if not in have[v.a]:
                _run(["ip", "link", "add", v.a_if, "netns", v.a, "type", "veth", "peer", "name", v.b_if, "netns", v.b])
        for device in devices:
            _run(["ip", "-n", device, "link", "set", "lo", "up"])
            for ifname in sorted(
                have[device]
                | {v.a_if for v in veths(plan) if v.a == device}
                | {v.b_if for v in veths(plan) if v.b == device}
            ):
                if ifname != "lo":
                    _run(["ip", "-n", device, "link", "set", ifname, "up"])
            for prefix in lo_prefixes(plan, device):
                family = "-6" if ipaddress.ip_interface(prefix).version == 6 else "-4"
                _run(["ip", family, "-n", device, "addr", "replace", prefix, "dev", "lo"])
        ports = {
            d: sorted({v.a_if for v in cabling if v.a == d} | {v.b_if for v in cabling if v.b == d}) for d in devices
        }
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda d: self._frr(d, configs / f"{d}.cfg", ports[d]), devices))
        return self.inventory(plan)

    def _namespace(self, device: str, exists: bool) -> None:
        if not exists:
            _run(["ip", "netns", "add", device])
        uts = LAB_ROOT / "uts" / device
        if not uts.exists() or _run(["mountpoint", "-q", str(uts)], check=False).returncode != 0:
            uts.touch()
            _run(["unshare", f"--uts={uts}", "hostname", device])
        _run(
            [
                "ip",
                "netns",
                "exec",
                device,
                "sysctl",
                "-q",
                "-w",
                "net.ipv4.ip_forward=1",
                "net.ipv6.conf.all.forwarding=1",
                "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.all.accept_dad=0",
                "net.ipv4.fib_multipath_hash_policy=1",
                # like a router: a link that goes down keeps its IPv6 addresses (Linux flushes them by default)
                "net.ipv6.conf.all.keep_addr_on_down=1",
                "net.ipv6.conf.default.keep_addr_on_down=1",
            ]
        )

    def _frr(self, device: str, config: Path, interfaces: list[str]) -> None:
        etc, run = Path(f"/etc/frr/{device}"), Path(f"/var/run/frr/{device}")
        fresh = not _running(device)
        for path in (etc, run, self.dir / device / "state"):
            path.mkdir(parents=True, exist_ok=True)
        script = self.dir / device / "start.sh"
        script.write_text(start_script(device, self.name, interfaces))
        (self.dir / device / "lldpd.conf").write_text(lldpd_config())
        if fresh:
            shutil.copyfile(config, etc / "frr.conf")
            (etc / "vtysh.conf").write_text("service integrated-vtysh-config\n")
            _run(["chown", "-R", "frr:frr", str(etc), str(run)])
        _run(_ns(device, "sh", str(script)))  # starts what is not running (and boots frr.conf)

    def inventory(self, plan: Plan) -> Inventory:
        devices = {}
        for name, node in plan.wiring.nodes.items():
            devices[name] = InventoryDevice(
                name=name,
                driver="frr",
                hostname=name,
                region=node.region,
                plane=node.plane,
                role=node.role,
                optional_args={
                    "netns": name,
                    "uts": str(LAB_ROOT / "uts" / name),
                    "pathspace": name,
                    "state_dir": str(self.dir / name / "state"),
                    "start_command": ["sh", str(self.dir / name / "start.sh")],
                    "lldp_socket": str(lldp_socket(self.name, name)),
                },
            )
        return Inventory(self.name, devices)

    # ------------------------------------------------------------------------------ down

    def pid_files(self, device: str) -> list[tuple[Path, str]]:
        """(pid file, process name) of a device's daemons: zebra, bgpd and lldpd."""
        return [(Path(f"/var/run/frr/{device}/{d}.pid"), d) for d in DAEMONS] + [
            (self.dir / device / "lldpd.pid", "lldpd")
        ]

    def pids(self, device: str) -> list[int]:
        """The running daemons of a device (lldpd's privilege-separated child exits with its monitor)."""
        return [pid for pidfile, name in self.pid_files(device) if (pid := daemon_pid(pidfile, name)) is not None]

    def down(self) -> list[str]:
        """Stop every daemon and wait until each has exited (SIGKILL after STOP_TIMEOUT), then remove the
        namespaces and files `up` created."""
        devices = self.state()["devices"]
        pids = {device: self.pids(device) for device in devices}
        stop_processes([p for group in pids.values() for p in group])
        removed = []
        for device in devices:
            if _run(["ip", "netns", "del", device], check=False).returncode == 0:
                removed.append(device)
            uts = LAB_ROOT / "uts" / device
            _run(["umount", str(uts)], check=False)
            uts.unlink(missing_ok=True)
            shutil.rmtree(f"/etc/frr/{device}", ignore_errors=True)
            shutil.rmtree(f"/var/run/frr/{device}", ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        uts = LAB_ROOT / "uts"
        for empty in (uts, LAB_ROOT):  # another lab may still use them: only when empty
            with contextlib.suppress(OSError):
                empty.rmdir()
        return removed

    # ------------------------------------------------------------------------------ failures

    def fail(self, plan: Plan, failure: Failure) -> None:
        """Set both ends of the failure's links down and stop the failed devices' daemons; recorded in
        the state file first, so `restore` undoes it even after an interruption."""
        state = self.state()
        failed: dict[str, Any] = state.get("failed", {"interfaces": [], "devices": []})
        ends = interfaces_down(plan, failure)
        failed["interfaces"] = sorted({tuple(e) for e in failed["interfaces"]} | set(ends))
        failed["devices"] = sorted(set(failed["devices"]) | set(failure.nodes))
        self._write_state({**state, "failed": failed})
        for device, ifname in ends:
            _run(["ip", "-n", device, "link", "set", ifname, "down"])
        for device in failure.nodes:  # lldpd goes too: a dead switch speaks no LLDP
            stop_processes(self.pids(device))
            for pidfile, _ in self.pid_files(device):
                pidfile.unlink(missing_ok=True)

    def restore(self) -> list[str]:
        """Undo every recorded failure: daemons started (they boot their saved config), links up."""
        state = self.state()
        failed: dict[str, Any] = state.get("failed", {"interfaces": [], "devices": []})
        for device in failed["devices"]:
            _run(_ns(device, "sh", str(self.dir / device / "start.sh")))
        for device, ifname in failed["interfaces"]:
            _run(["ip", "-n", device, "link", "set", ifname, "up"], check=False)
        self._write_state({k: v for k, v in state.items() if k != "failed"})
        return sorted(failed["devices"]) + [f"{d} {i}" for d, i in failed["interfaces"] if d not in failed["devices"]]

    def _write_state(self, state: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state, indent=1))


def process_alive(pid: int) -> bool:
    """Running, not exited (a zombie waiting for its parent to reap it has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def stop_processes(pids: list[int], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, wait until every process is gone, SIGKILL what is left after `timeout`."""
    import os
    import signal

    def alive() -> list[int]:
        return [pid for pid in pids if process_alive(pid)]

    for pid in alive():
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while (left := alive()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)


def sessions(device: InventoryDevice) -> tuple[str, int, int, int, list[Finding]]:
    """(device, established, configured, prefixes received, FRR/kernel differences) through NAPALM."""
    with connect(device) as driver:
        peers = driver.get_bgp_neighbors().get("global", {}).get("peers", {})
        kernel = device_kernel_findings(device.name, driver)
        if kernel:  # a route changing between the two reads is not a difference: read once more
            kernel = device_kernel_findings(device.name, driver)
    up = sum(1 for p in peers.values() if p["is_up"])
    received = sum(max(af["received_prefixes"], 0) for p in peers.values() for af in p["address_family"].values())
    return device.name, up, len(peers), received, kernel


def lab_status(inventory: Inventory) -> tuple[Table, bool, list[Finding]]:
    """Sessions per device and every route where the kernel forwards otherwise than FRR's RIB says."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(sessions, inventory.devices.values()))
    table = Table(title=f"lab {inventory.name}: BGP sessions, FRR's RIB against the kernel")
    for column in ("device", "established", "configured", "prefixes received", "kernel = RIB"):
        table.add_column(column)
    all_up = True
    findings: list[Finding] = []
    for name, up, total, received, kernel in rows:
        ok = up == total and total > 0
        all_up &= ok
        findings += kernel
        table.add_row(
            name,
            Text(str(up), style="green" if ok else "red"),
            str(total),
            str(received),
            Text("yes", style="green") if not kernel else Text(f"{len(kernel)} routes differ", style="red"),
        )
    return table, all_up, findings


def status_table(inventory: Inventory) -> tuple[Table, bool]:
    """The status table, and whether every session is up and every kernel agrees with FRR."""
    table, all_up, findings = lab_status(inventory)
    return table, all_up and not findings


def inventory_path(intent_name: str) -> Path:
    """Where `lab up` writes the inventory (out/ belongs to `build`, which replaces it atomically)."""
    return LAB_ROOT / intent_name / "inventory.yaml"


def default_inventory(intent: str | Path, given: str | None) -> Path:
    if given:
        return Path(given)
    from generator.intent.loader import load_intent

    return inventory_path(load_intent(intent).intent.name)


def connector(inventory: Inventory) -> Callable[[str], Any]:
    """name -> an open NAPALM driver (a context manager), for the deploy checks."""
    return lambda name: connect(inventory.devices[name], inventory)

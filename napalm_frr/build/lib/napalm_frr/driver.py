"""NAPALM driver for FRRouting.

Configuration replace is FRR's own: the candidate is checked with `vtysh -C` and applied with
`frr-reload.py`, which computes the minimal change against the running daemons (no hand-written
diff). Commit-confirm runs on the router: a detached shell timer reloads the checkpoint unless the
commit is confirmed in time, so a push that loses its controller still reverts.
State lives on the router in `state_dir`: the candidate, the checkpoint (the config before the first
unconfirmed commit), and `pending` (token and deadline of an unconfirmed commit).
"""

from __future__ import annotations

import json
import re
import shlex
import time
import uuid
from typing import Any

from napalm.base import NetworkDriver
from napalm.base.exceptions import (
    CommandErrorException,
    CommitConfirmException,
    CommitError,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)

from napalm_frr.transport import NetnsTransport, Result, SshTransport, Transport

DEFAULT_DAEMONS = ("zebra", "bgpd")  # what a BGP router's config needs; optional_args["daemons"] overrides
# a password line of FRR, EOS or IOS XR, or a Junos authentication-key; also as a +/- diff line
_SECRET = re.compile(
    r"^([+-]?\s*(?:neighbor \S+ password|password|enable password|secret|authentication-key)\s+)\S.*$", re.M
)
_AFI = {"ipv4Unicast": "ipv4", "ipv6Unicast": "ipv6"}


def sanitize(config: str) -> str:
    """Config text with every password replaced, safe to print or log."""
    return _SECRET.sub(r"\1<removed>", config)


class DaemonsDownError(CommitError):  # type: ignore[misc]
    """A daemon does not answer: `show running-config` would hold only the others' part of the config,
    so a checkpoint or `write memory` now would save a partial config. Nothing was changed."""


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


class FRRDriver(NetworkDriver):  # type: ignore[misc]
    """NAPALM driver for FRRouting; see optional_args in __init__."""

    platform = "frr"

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        """optional_args: transport ("netns" | "ssh"), netns, uts (UTS namespace file), pathspace
        (FRR -N), state_dir, frr_reload, start_command (argv that starts daemons that are down),
        daemons (that must answer before a checkpoint, commit or save; default zebra, bgpd), lldp_socket
        (lldpd's control socket, default lldpd's own), port, sudo, key_file."""
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        args = optional_args or {}
        self.netns: str = args.get("netns", "")
        self.uts: str = args.get("uts", "")
        self.transport_kind: str = args.get("transport", "netns" if self.netns else "ssh")
        self.pathspace: str = args.get("pathspace", self.netns)
        self.state_dir: str = args.get("state_dir", f"/var/lib/napalm-frr/{self.pathspace or 'default'}")
        self.frr_reload: str = args.get("frr_reload", "/usr/lib/frr/frr-reload.py")
        self.start_command: list[str] = list(args.get("start_command", []))
        self.daemons: tuple[str, ...] = tuple(args.get("daemons", DEFAULT_DAEMONS))
        self.port = int(args.get("port", 22))
        self.sudo = bool(args.get("sudo", True))
        self.key_file: str | None = args.get("key_file")
        self.lldp_socket: str = args.get("lldp_socket", "")
        self._transport: Transport | None = None
        self._candidate: str | None = None
        self._merge = False

    # ------------------------------------------------------------------------------ connection

    def open(self) -> None:
        try:
            if self.transport_kind == "netns":
                self._transport = NetnsTransport(self.netns, self.uts)
            else:
                self._transport = SshTransport(
                    self.hostname, self.username, self.password, self.port, self.sudo, self.timeout, self.key_file
                )
            self._vtysh("show version")
        except (OSError, CommandErrorException) as exc:
            self._transport = None
            raise ConnectionException(f"{self.hostname}: cannot reach FRR ({exc})") from None
        except Exception as exc:  # paramiko's errors
            self._transport = None
            raise ConnectionException(f"{self.hostname}: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._transport = None

    def is_alive(self) -> dict[str, bool]:
        if self._transport is None:
            return {"is_alive": False}
        try:
            return {"is_alive": self._run(["vtysh", *self._ps(), "-c", "show version"]).rc == 0}
        except Exception:
            return {"is_alive": False}

    # ------------------------------------------------------------------------------ plumbing

    def _ps(self) -> list[str]:
        return ["-N", self.pathspace] if self.pathspace else []

    def _run(self, argv: list[str], stdin: str | None = None) -> Result:
        if self._transport is None:
            raise ConnectionException(f"{self.hostname}: not connected, call open() first")
        return self._transport.run(argv, stdin, timeout=self.timeout)

    def _vtysh(self, *commands: str) -> str:
        argv = ["vtysh", *self._ps()]
        for command in commands:
            argv += ["-c", command]
        result = self._run(argv)
        if result.rc != 0:
            raise CommandErrorException(
                f"{self.hostname}: {' / '.join(commands)}: {(result.out + result.err).strip()[:500]}"
            )
        return result.out

    def _json(self, command: str) -> Any:
        text = self._vtysh(command)
        return json.loads(text) if text.strip() else {}

    def _path(self, name: str) -> str:
        return f"{self.state_dir}/{name}"

    def _reload_argv(self, path: str, test: bool = False) -> list[str]:
        ps = ["--pathspace", self.pathspace] if self.pathspace else []
        return [self.frr_reload, "--test" if test else "--reload", *ps, "--stdout", path]

    def _reload(self, path: str) -> Result:
        if self.start_command:
            self._run(self.start_command)  # a daemon that died must run again before it can be reloaded
        return self._run(self._reload_argv(path))

    def _read(self, name: str) -> str | None:
        result = self._run(["cat", self._path(name)])
        return result.out if result.rc == 0 else None

    def _remove(self, *names: str) -> None:
        self._run(["rm", "-f", *(self._path(n) for n in names)])

    def _silent_daemons(self) -> list[str]:
        """The daemons that do not answer a query of their own (`vtysh -d DAEMON`): vtysh merges whatever
        daemons it reaches without saying that one is missing, so each is asked by name."""
        return [
            daemon
            for daemon in self.daemons
            if self._run(["vtysh", *self._ps(), "-d", daemon, "-c", "show version"]).rc != 0
        ]

    def _require_daemons(self, action: str) -> None:
        silent = self._silent_daemons()
        if silent:
            raise DaemonsDownError(
                f"{self.hostname}: {', '.join(silent)} not answering: refusing to {action} "
                "(the running config would be partial)"
            )

    # ------------------------------------------------------------------------------ configuration

    def _load(self, filename: str | None, config: str | None) -> str:
        if config is None:
            if filename is None:
                raise ValueError("pass filename or config")
            with open(filename) as handle:
                config = handle.read()
        return config

    def _stage(self, filename: str | None, config: str | None, merge: bool) -> None:
        """Write the candidate to the router and dry-run it there (`vtysh -C`): a rejected one is dropped."""
        text = self._load(filename, config)
        self._transport_write("candidate.conf", text)
        check = self._run(["vtysh", "-C", "-f", self._path("candidate.conf")])
        if check.rc != 0:
            self._remove("candidate.conf")
            error = MergeConfigException if merge else ReplaceConfigException
            raise error(f"{self.hostname}: FRR rejects the candidate: {sanitize(check.out + check.err).strip()[:1000]}")
        self._candidate, self._merge = text, merge

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        self._stage(filename, config, merge=False)

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        self._stage(filename, config, merge=True)

    def _transport_write(self, name: str, text: str) -> None:
        if self._transport is None:
            raise ConnectionException(f"{self.hostname}: not connected, call open() first")
        self._transport.write_file(self._path(name), text)

    def compare_config(self) -> str:
        if self._candidate is None:
            return ""
        if self._merge:
            return "\n".join(f"+{line}" for line in self._candidate.splitlines() if line.strip() not in ("", "!"))
        result = self._run(self._reload_argv(self._path("candidate.conf"), test=True))
        if result.rc != 0:
            raise CommandErrorException(f"{self.hostname}: frr-reload --test failed: {result.err.strip()[:500]}")
        return sanitize(_reload_diff(result.out))

    def discard_config(self) -> None:
        self._candidate = None
        self._remove("candidate.conf")

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        if self._candidate is None:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        self._require_daemons("checkpoint and commit")
        if not self.has_pending_commit():  # the revert target is the last confirmed config
            self._transport_write("checkpoint.conf", _config_body(self._vtysh("show running-config")))
        if self._merge:
            result = self._run(["vtysh", *self._ps(), "-f", self._path("candidate.conf")])
        else:
            result = self._run(self._reload_argv(self._path("candidate.conf")))
        if result.rc != 0:
            self._reload(self._path("checkpoint.conf"))
            raise CommitError(
                f"{self.hostname}: FRR did not apply the candidate, checkpoint restored: "
                f"{sanitize(result.out + result.err).strip()[-1000:]}"
            )
        self._run(
            [
                "sh",
                "-c",
                'printf "%s %s\\n" "$(date -u +%FT%TZ)" "$1" >> "$2"',
                "sh",
                message.replace("\n", " ")[:200],
                self._path("commits.log"),
            ]
        )
        self._candidate = None
        if revert_in:
            self._arm_revert(int(revert_in))
        else:
            self._remove("pending")
            self._vtysh("write memory")

    def _arm_revert(self, seconds: int) -> None:
        """A detached timer on the router: reload the checkpoint unless this commit is confirmed."""
        token = uuid.uuid4().hex
        deadline = int(time.time()) + seconds
        self._transport_write("pending", f"{token} {deadline}\n")
        start = shlex.join(self.start_command) if self.start_command else "true"
        reload = shlex.join(self._reload_argv(self._path("checkpoint.conf")))
        pending = shlex.quote(self._path("pending"))
        script = (
            f'sleep {seconds}; read t d < {pending} 2>/dev/null || exit 0; [ "$t" = {token} ] || exit 0; '
            f"{start}; {reload} >> {shlex.quote(self._path('revert.log'))} 2>&1; rm -f {pending}"
        )
        # detach fully: the timer must not hold our pipes open, nor die with this session
        self._run(["sh", "-c", 'setsid -f sh -c "$1" </dev/null >/dev/null 2>&1', "sh", script])

    def confirm_commit(self) -> None:
        if not self.has_pending_commit():
            raise CommitConfirmException(f"{self.hostname}: no pending commit to confirm")
        silent = self._silent_daemons()
        if silent:  # leave the timer armed: the router reverts to the checkpoint by itself
            raise CommitConfirmException(
                f"{self.hostname}: {', '.join(silent)} not answering: not confirming "
                "(the saved config would be partial)"
            )
        self._remove("pending")
        self._vtysh("write memory")

    def has_pending_commit(self) -> bool:
        pending = self._read("pending")
        if not pending:
            return False
        try:
            return int(pending.split()[1]) > time.time()
        except (IndexError, ValueError):
            return False

    def rollback(self) -> None:
        """Back to the config before the last commit (or the last unconfirmed commits)."""
        if self._read("checkpoint.conf") is None:
            raise CommitError(f"{self.hostname}: nothing to roll back to")
        self._remove("pending")
        result = self._reload(self._path("checkpoint.conf"))
        if result.rc != 0:
            raise CommitError(f"{self.hostname}: rollback failed: {sanitize(result.err).strip()[-500:]}")
        self._require_daemons("save the rolled-back config")
        self._vtysh("write memory")

    def get_config(
        self, retrieve: str = "all", full: bool = False, sanitized: bool = False, format: str = "text"
    ) -> dict[str, str]:
        config = {"running": "", "startup": "", "candidate": ""}
        if retrieve in ("all", "running"):
            config["running"] = self._vtysh("show running-config")
        if retrieve in ("all", "startup"):
            result = self._run(
                ["cat", f"/etc/frr/{self.pathspace}/frr.conf" if self.pathspace else "/etc/frr/frr.conf"]
            )
            config["startup"] = result.out if result.rc == 0 else ""
        if retrieve in ("all", "candidate"):
            config["candidate"] = self._candidate or ""
        return {k: sanitize(v) for k, v in config.items()} if sanitized else config

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str]:
        return {command: self._vtysh(command) for command in commands}

    # ------------------------------------------------------------------------------ getters

    def get_facts(self) -> dict[str, Any]:
        version = self._vtysh("show version").splitlines()[0]
        hostname = self._run(["hostname"]).out.strip() or self.hostname
        interfaces = sorted(self._json("show interface json"), key=_natural)
        pidfile = f"/var/run/frr/{self.pathspace}/zebra.pid" if self.pathspace else "/var/run/frr/zebra.pid"
        etimes = self._run(["sh", "-c", 'ps -o etimes= -p "$(cat "$1")"', "sh", pidfile]).out.strip()
        return {
            "hostname": hostname,
            "fqdn": hostname,
            "vendor": "FRRouting",
            "model": "FRRouting",
            "os_version": version.split("(")[0].removeprefix("FRRouting").strip(),
            "serial_number": "",
            "uptime": float(etimes) if etimes.isdigit() else -1.0,
            "interface_list": interfaces,
        }

    def get_interfaces_ip(self) -> dict[str, dict[str, dict[str, dict[str, int]]]]:
        result: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
        for name, data in sorted(self._json("show interface json").items(), key=lambda kv: _natural(kv[0])):
            for entry in data.get("ipAddresses", []):
                address, _, length = entry["address"].partition("/")
                family = "ipv6" if ":" in address else "ipv4"
                result.setdefault(name, {}).setdefault(family, {})[address] = {"prefix_length": int(length)}
        return result

    def _summary(self) -> dict[str, Any]:
        return dict(self._json("show bgp summary json"))

    def get_bgp_neighbors(self) -> dict[str, Any]:
        summary = self._summary()
        details = self._json("show bgp neighbors json")
        peers: dict[str, Any] = {}
        router_id = ""
        for afi_key, table in sorted(summary.items()):
            afi = _AFI.get(afi_key)
            if afi is None:
                continue
            router_id = router_id or table.get("routerId", "")
            for address, peer in table.get("peers", {}).items():
                entry = peers.setdefault(
                    address,
                    {
                        "local_as": int(peer.get("localAs", table.get("as", 0))),
                        "remote_as": int(peer.get("remoteAs", 0)),
                        "remote_id": details.get(address, {}).get("remoteRouterId", "0.0.0.0"),
                        "is_up": peer.get("state") == "Established",
                        "is_enabled": peer.get("peerState") != "Admin" and "Admin" not in str(peer.get("state")),
                        "description": peer.get("desc", ""),
                        "uptime": int(peer.get("peerUptimeMsec", 0)) // 1000,
                        "address_family": {},
                    },
                )
                entry["address_family"][afi] = {
                    "received_prefixes": int(peer.get("pfxRcd", -1)),
                    "accepted_prefixes": int(peer.get("pfxRcd", -1)),
                    "sent_prefixes": int(peer.get("pfxSnt", -1)),
                }
        if not peers and not router_id:
            return {}
        return {"global": {"router_id": router_id, "peers": dict(sorted(peers.items()))}}

    def get_bgp_neighbors_detail(self, neighbor_address: str = "") -> dict[str, Any]:
        details = self._json(f"show bgp neighbors {neighbor_address} json".replace("  ", " "))
        summary = self._summary()
        table_of = {addr: _AFI[k] for k, t in summary.items() if k in _AFI for addr in t.get("peers", {})}
        by_as: dict[int, list[dict[str, Any]]] = {}
        for address, d in sorted(details.items()):
            if not isinstance(d, dict) or "remoteAs" not in d:
                continue
            afi_info: dict[str, Any] = next(iter(d.get("addressFamilyInfo", {}).values()), {})
            stats = d.get("messageStats", {})
            state = d.get("bgpState", "")
            entry = {
                "up": state == "Established",
                "local_as": int(d.get("localAs", 0)),
                "remote_as": int(d["remoteAs"]),
                "router_id": d.get("localRouterId", ""),
                "local_address": d.get("hostLocal", "") if d.get("hostLocal") != "Unknown" else "",
                "routing_table": table_of.get(address, "ipv4") + "Unicast",
                "local_address_configured": False,
                "local_port": max(int(d.get("portLocal", 0)), 0),
                "remote_address": address,
                "remote_port": max(int(d.get("portForeign", 0)), 0),
                "multihop": int(d.get("externalBgpNbrMaxHopsAway", 1)) > 1,
                "multipath": True,
                "remove_private_as": False,
                "import_policy": afi_info.get("routeMapForIncomingAdvertisements", ""),
                "export_policy": afi_info.get("routeMapForOutgoingAdvertisements", ""),
                "input_messages": int(stats.get("totalRecv", 0)),
                "output_messages": int(stats.get("totalSent", 0)),
                "input_updates": int(stats.get("updatesRecv", 0)),
                "output_updates": int(stats.get("updatesSent", 0)),
                "messages_queued_out": int(stats.get("depthOutq", 0)),
                "connection_state": state,
                "previous_connection_state": d.get("lastResetDueTo", ""),
                "last_event": d.get("lastResetDueTo", ""),
                "suppress_4byte_as": False,
                "local_as_prepend": False,
                "holdtime": int(d.get("bgpTimerHoldTimeMsecs", 0)) // 1000,
                "configured_holdtime": int(d.get("bgpTimerConfiguredHoldTimeMsecs", 0)) // 1000,
                "keepalive": int(d.get("bgpTimerKeepAliveIntervalMsecs", 0)) // 1000,
                "configured_keepalive": int(d.get("bgpTimerConfiguredKeepAliveIntervalMsecs", 0)) // 1000,
                "active_prefix_count": int(afi_info.get("acceptedPrefixCounter", 0)),
                "received_prefix_count": int(afi_info.get("acceptedPrefixCounter", 0)),
                "accepted_prefix_count": int(afi_info.get("acceptedPrefixCounter", 0)),
                "suppressed_prefix_count": 0,
                "advertised_prefix_count": int(afi_info.get("sentPrefixCounter", -1)),
                "flap_count": int(d.get("connectionsDropped", 0)),
            }
            by_as.setdefault(entry["remote_as"], []).append(entry)
        return {"global": dict(sorted(by_as.items()))} if by_as else {}

    # Interfaces: zebra knows state, MTU, speed and MAC; the Linux kernel (`ip -j`, run where FRR runs:
    # in the lab's namespace or on the SSH host) knows counters and neighbour tables.

    def _ip_json(self, *argv: str) -> Any:
        result = self._run(["ip", "-j", *argv])
        if result.rc != 0:
            raise CommandErrorException(f"{self.hostname}: ip {' '.join(argv)}: {result.err.strip()[:300]}")
        return json.loads(result.out) if result.out.strip() else []

    def get_interfaces(self) -> dict[str, dict[str, Any]]:
        """NAPALM's interface model from zebra (`show interface json`); speed in Mbit/s as zebra reads it
        from the kernel. Zebra does not report when a link last changed: last_flapped is -1.0."""
        result: dict[str, dict[str, Any]] = {}
        for name, data in sorted(self._json("show interface json").items(), key=lambda kv: _natural(kv[0])):
            result[name] = {
                "is_up": data.get("operationalStatus") == "up",
                "is_enabled": data.get("administrativeStatus") == "up",
                "description": data.get("description", ""),
                "last_flapped": -1.0,
                "mtu": int(data.get("mtu", 0)),
                "speed": float(max(int(data.get("speed", 0)), 0)),
                "mac_address": data.get("hardwareAddress", ""),
            }
        return result

    def get_interfaces_counters(self) -> dict[str, dict[str, int]]:
        """The kernel's 64-bit counters (`ip -j -s link`). Linux counts received multicast but neither
        broadcast nor transmitted multicast: those are -1 (NAPALM's "not available"), and
        tx_unicast_packets is every packet sent."""
        result: dict[str, dict[str, int]] = {}
        for link in sorted(self._ip_json("-s", "link", "show"), key=lambda link: _natural(link["ifname"])):
            stats = link.get("stats64", {})
            rx, tx = stats.get("rx", {}), stats.get("tx", {})
            result[link["ifname"]] = {
                "tx_errors": int(tx.get("errors", -1)),
                "rx_errors": int(rx.get("errors", -1)),
                "tx_discards": int(tx.get("dropped", -1)),
                "rx_discards": int(rx.get("dropped", -1)),
                "tx_octets": int(tx.get("bytes", -1)),
                "rx_octets": int(rx.get("bytes", -1)),
                "tx_unicast_packets": int(tx.get("packets", -1)),
                "rx_unicast_packets": int(rx.get("packets", 0)) - int(rx.get("multicast", 0)),
                "tx_multicast_packets": -1,
                "rx_multicast_packets": int(rx.get("multicast", -1)),
                "tx_broadcast_packets": -1,
                "rx_broadcast_packets": -1,
            }
        return result

    def _neighbours(self, family: str) -> list[dict[str, Any]]:
        return [
            n
            for n in self._ip_json(family, "-s", "neigh", "show")
            if "lladdr" in n and not {"FAILED", "INCOMPLETE", "NOARP"} & set(n.get("state", []))
        ]

    def get_arp_table(self, vrf: str = "") -> list[dict[str, Any]]:
        """The kernel's IPv4 neighbour table (`ip -j -s -4 neigh`); age is seconds since the entry was updated.
        Only the default VRF: the lab has no VRFs to test another against (nor does this kernel build)."""
        if vrf and vrf != "default":
            raise NotImplementedError("get_arp_table: only the default VRF")
        return [
            {"interface": n["dev"], "mac": n["lladdr"], "ip": n["dst"], "age": float(n.get("updated", -1))}
            for n in self._neighbours("-4")
        ]

    def get_ipv6_neighbors_table(self) -> list[dict[str, Any]]:
        """The kernel's IPv6 neighbour table (`ip -j -s -6 neigh`), link-local neighbours included."""
        return [
            {
                "interface": n["dev"],
                "mac": n["lladdr"],
                "ip": n["dst"],
                "age": float(n.get("updated", -1)),
                "state": ",".join(n.get("state", [])),
            }
            for n in self._neighbours("-6")
        ]

    def get_network_instances(self, name: str = "") -> dict[str, dict[str, Any]]:
        """VRFs as zebra places interfaces in them; FRR's default VRF is NAPALM's DEFAULT_INSTANCE."""
        members: dict[str, list[str]] = {}
        for interface, data in self._json("show interface json").items():
            members.setdefault(data.get("vrfName", "default"), []).append(interface)
        result: dict[str, dict[str, Any]] = {}
        for vrf in sorted(members):
            if name and vrf != name:
                continue
            result[vrf] = {
                "name": vrf,
                "type": "DEFAULT_INSTANCE" if vrf == "default" else "L3VRF",
                "state": {"route_distinguisher": ""},
                "interfaces": {"interface": {i: {} for i in sorted(members[vrf], key=_natural)}},
            }
        return result

    def get_environment(self) -> dict[str, Any]:
        """What Linux answers: CPU use per core over half a second (/proc/stat) and memory (/proc/meminfo,
        in kB like NAPALM's EOS driver: available_ram is the total, used_ram what is not available).
        A namespace or VM has no fans, power supplies or sensors of its own: those are empty."""
        sample = self._run(["sh", "-c", "grep ^cpu /proc/stat; sleep 0.5; grep ^cpu /proc/stat; cat /proc/meminfo"])
        lines = sample.out.splitlines()
        cpu_lines = [line.split() for line in lines if line.startswith("cpu") and line[3:4].isdigit()]
        half = len(cpu_lines) // 2
        cpu: dict[int, dict[str, float]] = {}
        for before, after in zip(cpu_lines[:half], cpu_lines[half:], strict=True):
            b, a = [int(x) for x in before[1:]], [int(x) for x in after[1:]]
            total = sum(a) - sum(b)
            idle = (a[3] + a[4]) - (b[3] + b[4])  # idle + iowait
            cpu[int(before[0][3:])] = {"%usage": round(100.0 * (total - idle) / total, 1) if total else 0.0}
        meminfo = {line.split(":")[0]: int(line.split()[1]) for line in lines if ":" in line and line.endswith(" kB")}
        total_kb = meminfo.get("MemTotal", 0)
        return {
            "fans": {},
            "temperature": {},
            "power": {},
            "cpu": cpu,
            "memory": {"available_ram": total_kb, "used_ram": total_kb - meminfo.get("MemAvailable", total_kb)},
        }

    def get_bgp_config(self, group: str = "", neighbor: str = "") -> dict[str, dict[str, Any]]:
        """Peer groups and their neighbours as bgpd holds them (`show bgp peer-group json`, `show bgp
        neighbors json`). Passwords are never returned: authentication_key is always ""."""
        groups = self._json("show bgp peer-group json")
        details = self._json("show bgp neighbors json")
        result: dict[str, dict[str, Any]] = {}
        for address, d in sorted(details.items()):
            if not isinstance(d, dict) or "remoteAs" not in d or (neighbor and address != neighbor):
                continue
            name = d.get("peerGroup", "_")
            if group and name != group:
                continue
            afi: dict[str, Any] = next(iter(d.get("addressFamilyInfo", {}).values()), {})
            hops = int(d.get("externalBgpNbrMaxHopsAway", 1))
            entry = result.setdefault(
                name,
                {
                    "type": groups.get(name, {}).get("type", "external" if d.get("nbrExternalLink") else "internal"),
                    "description": "",
                    "apply_groups": [],
                    "multihop_ttl": hops if hops > 1 else 0,
                    "multipath": True,
                    "local_address": "",
                    "local_as": int(d.get("localAs", 0)),
                    "remote_as": int(d["remoteAs"]),
                    "import_policy": afi.get("routeMapForIncomingAdvertisements", ""),
                    "export_policy": afi.get("routeMapForOutgoingAdvertisements", ""),
                    "remove_private_as": False,
                    "prefix_limit": {},
                    "neighbors": {},
                },
            )
            if entry["remote_as"] != int(d["remoteAs"]):
                entry["remote_as"] = 0  # members with different ASes: the group has none of its own
            entry["neighbors"][address] = {
                "description": d.get("nbrDesc", ""),
                "import_policy": afi.get("routeMapForIncomingAdvertisements", ""),
                "export_policy": afi.get("routeMapForOutgoingAdvertisements", ""),
                "local_address": "",
                "authentication_key": "",
                "nhs": False,
                "route_reflector_client": bool(afi.get("routeReflectorClient", False)),
                "local_as": int(d.get("localAs", 0)),
                "remote_as": int(d["remoteAs"]),
                "prefix_limit": {},
            }
        return result

    def get_route_to(self, destination: str = "", protocol: str = "", longer: bool = False) -> dict[str, Any]:
        """Routes with every next hop; `protocol_attributes.weight` is the UCMP weight FRR installs."""
        family = "ipv6" if ":" in destination else "ip"
        data = self._json(f"show {family} route {destination} {'longer-prefixes ' if longer else ''}json")
        result: dict[str, list[dict[str, Any]]] = {}
        for prefix, routes in sorted(data.items()):
            for route in routes:
                if protocol and route.get("protocol") != protocol:
                    continue
                for hop in route.get("nexthops", []):
                    if not hop.get("active"):
                        continue
                    result.setdefault(prefix, []).append(
                        {
                            "protocol": route.get("protocol", ""),
                            "current_active": bool(route.get("selected")),
                            "last_active": bool(route.get("selected")),
                            "age": _age(route.get("uptime", "")),
                            "next_hop": hop.get("ip", ""),
                            "outgoing_interface": hop.get("interfaceName", ""),
                            "selected_next_hop": bool(hop.get("fib")),
                            "preference": int(route.get("distance", 0)),
                            "inactive_reason": "",
                            "routing_table": route.get("vrfName", "default"),
                            "protocol_attributes": {
                                "weight": int(hop.get("weight", 1)),
                                "installed": bool(route.get("installed")),
                            },
                        }
                    )
        return result

    # ------------------------------------------------------------------------------ kernel and LLDP

    def _kernel_routes(self, destination: str = "") -> dict[str, list[dict[str, Any]]]:
        """See `get_kernel_routes` (NAPALM's conformance test allows no public method of our own).

        What the kernel forwards (not what FRR believes it installed): the main table's IPv4 and
        IPv6 routes, or the one `destination` prefix, from `ip -j route`.

        {prefix: [{"next_hop", "outgoing_interface", "weight", "protocol"}]}, next hops sorted by
        interface; next hops the kernel marks dead or linkdown are left out (they do not forward),
        and of several routes to one prefix only the lowest metric (the one that forwards).
        """
        families = ["-6" if ":" in destination else "-4"] if destination else ["-4", "-6"]
        routes: dict[str, list[dict[str, Any]]] = {}
        for family in families:
            argv = ["ip", "-j", family, "route", "show", "table", "main"] + ([destination] if destination else [])
            result = self._run(argv)
            if result.rc != 0:
                raise CommandErrorException(f"{self.hostname}: {' '.join(argv)}: {result.err.strip()[:500]}")
            routes.update(kernel_routes_from_json(result.out))
        return dict(sorted(routes.items()))

    def _lldp(self) -> list[dict[str, Any]]:
        """lldpd's neighbours (`lldpcli -f json0`: every value a list, whatever the count)."""
        argv = ["lldpcli", *(["-u", self.lldp_socket] if self.lldp_socket else []), "-f", "json0"]
        result = self._run([*argv, "show", "neighbors", "details"])
        if result.rc != 0:
            raise CommandErrorException(f"{self.hostname}: lldpcli: {(result.err or result.out).strip()[:500]}")
        data = json.loads(result.out) if result.out.strip() else {}
        return [i for block in data.get("lldp", []) for i in block.get("interface", [])]

    def get_lldp_neighbors(self) -> dict[str, list[dict[str, str]]]:
        result: dict[str, list[dict[str, str]]] = {}
        for local, detail in self.get_lldp_neighbors_detail().items():
            result[local] = [{"hostname": n["remote_system_name"], "port": n["remote_port"]} for n in detail]
        return result

    def get_lldp_neighbors_detail(self, interface: str = "") -> dict[str, list[dict[str, Any]]]:
        """Per local interface, what lldpd heard on it. remote_port is the neighbour's port ID when it
        is an interface name, else its port description (lldpd describes a port by its name)."""
        result: dict[str, list[dict[str, Any]]] = {}
        for entry in self._lldp():
            local = entry.get("name", "")
            if interface and local != interface:
                continue
            chassis = _first(entry.get("chassis"))
            port = _first(entry.get("port"))
            port_id = _first(port.get("id"))
            port_descr = _value(port.get("descr"))
            capabilities = chassis.get("capability", [])
            result.setdefault(local, []).append(
                {
                    "parent_interface": "",
                    "remote_port": port_id.get("value", "")
                    if port_id.get("type") in ("ifname", "local") or not port_descr
                    else port_descr,
                    "remote_port_description": port_descr,
                    "remote_chassis_id": _value(chassis.get("id")),
                    "remote_system_name": _value(chassis.get("name")),
                    "remote_system_description": _value(chassis.get("descr")),
                    "remote_system_capab": sorted(c["type"].lower() for c in capabilities),
                    "remote_system_enable_capab": sorted(c["type"].lower() for c in capabilities if c.get("enabled")),
                }
            )
        return dict(sorted(result.items(), key=lambda kv: _natural(kv[0])))


def get_kernel_routes(driver: FRRDriver, destination: str = "") -> dict[str, list[dict[str, Any]]]:
    """What the router's kernel forwards, not what FRR believes it installed: the main table's IPv4 and
    IPv6 routes (or the one `destination` prefix) from `ip -j route`, through the driver's transport
    (namespace or SSH). {prefix: [{"next_hop", "outgoing_interface", "weight", "protocol"}]}, next hops
    sorted by interface; dead or linkdown next hops left out; of several routes to one prefix, the
    lowest metric. A function beside the driver rather than a method: NAPALM's conformance test
    (`test_method_signatures`) rejects public methods that `NetworkDriver` does not define."""
    return driver._kernel_routes(destination)


def _first(values: Any) -> dict[str, Any]:
    return values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}


def _value(values: Any) -> str:
    return str(_first(values).get("value", ""))


def kernel_routes_from_json(text: str) -> dict[str, list[dict[str, Any]]]:
    """`ip -j route` output as {prefix: next hops}; see FRRDriver.get_kernel_routes."""
    import ipaddress

    best: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    for route in json.loads(text) if text.strip() else []:
        dst = route.get("dst", "")
        if route.get("type", "unicast") != "unicast" or not dst:
            continue
        if dst == "default":
            dst = "::/0" if ":" in str(route.get("gateway", "")) else "0.0.0.0/0"
        prefix = str(ipaddress.ip_network(dst, strict=False))
        protocol = str(route.get("protocol", ""))
        hops = route.get("nexthops") or [route]
        found = [
            {
                "next_hop": str(h.get("gateway", "")),
                "outgoing_interface": str(h.get("dev", "")),
                "weight": int(h.get("weight", 1)),
                "protocol": protocol,
            }
            for h in hops
            if not {"dead", "linkdown"} & set(h.get("flags", []))
        ]
        metric = int(route.get("metric", 0))
        if prefix in best and best[prefix][0] < metric:
            continue
        if prefix in best and best[prefix][0] == metric:  # IPv6's old form: one entry per next hop
            found = best[prefix][1] + found
        best[prefix] = (metric, found)
    return {
        prefix: sorted(hops, key=lambda h: (_natural(h["outgoing_interface"]), h["next_hop"]))
        for prefix, (_, hops) in best.items()
    }


def silent_daemons(driver: Any) -> list[str]:
    """The FRR daemons of a connected driver that do not answer; [] for other platforms' drivers.
    (A function, not a method: NAPALM's conformance test allows no public methods beyond its own.)"""
    return driver._silent_daemons() if isinstance(driver, FRRDriver) else []


def _config_body(running: str) -> str:
    """`show running-config` minus vtysh's banner lines, which are not config (frr-reload rejects them)."""
    lines = running.splitlines()
    while lines and (not lines[0].strip() or lines[0].startswith(("Building configuration", "Current configuration"))):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def _age(uptime: str) -> int:
    """FRR's "01:02:03" or "1d02h03m" uptime in seconds."""
    if re.fullmatch(r"\d+:\d+:\d+", uptime):
        h, m, s = (int(x) for x in uptime.split(":"))
        return h * 3600 + m * 60 + s
    total = 0
    for value, unit in re.findall(r"(\d+)([wdhms])", uptime):
        total += int(value) * {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
    return total


def _reload_diff(text: str) -> str:
    """frr-reload.py --test prints "Lines To Delete" and "Lines To Add" sections: make a +/- diff."""
    out: list[str] = []
    sign = ""
    for line in text.splitlines():
        if line.startswith("Lines To Delete"):
            sign = "-"
        elif line.startswith("Lines To Add"):
            sign = "+"
        elif sign and line.strip() and not set(line.strip()) <= {"="}:
            out.append(f"{sign}{line}")
    return "\n".join(out)

"""Benchmark: build (full, no-change, one-plane change), the parse-back audit (with a full build, with
a one-plane change, and of a whole `out/`), `analyze` and `diff --base` of a one-plane change, on
intent/prometheus.yaml and scaled variants (planes per region x0.25 ... x4; scales above 1 widen the
address pools). Each measurement runs the real CLI in a fresh process; wall time, CPU time (the
process and its workers: on a shared machine the steadier number) and peak RSS (of the process or its
largest worker) are reported, plus devices/s and lines/s.

Two in-process measures complete it: the audit's read-back throughput per platform (lines/s on one
core, EOS, Junos, IOS XR and FRR configs of the same network), and a side-by-side Arista AVD (pyavd)
build of a 264-device eBGP fabric (skipped when pyavd is not installed, or with --no-pyavd).
Every target of issue 17 is then marked met or missed. Results go to bench/results/latest.json.

    python bench/run.py [--repeat 3] [--scales 0.25,0.5,1,2,4] [--out /dev/shm/bag-bench] [--no-pyavd]

Targets (issue 17, 2 cores, x1 = 12,672 devices / 207,360 sessions, medians): full build <= 3 s,
no-change <= 0.3 s, one-plane change <= 1 s, diff --base of a one-plane change <= 2 s, analyze
<= 1.5 s, full build with audit <= 12 s (the audit >= 500k lines/s over two cores, Junos within 2x
of EOS per line), x4 full build <= 15 s and <= 2 GB, every measure linear from x0.25 to x4.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import itertools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCALES = "0.25,0.5,1,2,4"


def widen_pools(data: dict[str, Any], bits: int) -> None:
    """Give every address pool `bits` more bits of room, for variants larger than the original; a widened
    pool that would overlap one placed before it moves to the next free block of its size (neighbouring
    pools, such as the regions' management /20s, would otherwise grow into each other)."""
    placed: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for section in [r["addressing"] for r in data["regions"]] + [p["addressing"] for p in data["inter_region"]]:
        for key, pool in section.items():
            net = ipaddress.ip_network(pool).supernet(prefixlen_diff=bits)
            while any(net.version == p.version and net.overlaps(p) for p in placed):
                net = ipaddress.ip_network((int(net.network_address) + net.num_addresses, net.prefixlen))
            placed.append(net)
            section[key] = str(net)


def scaled(scale: float, drain_plane: int | None = None) -> dict[str, Any]:
    """prometheus.yaml with `scale` times the planes per region (pools widened above x1)."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "intent" / "prometheus.yaml").read_text())
    if scale > 1:
        widen_pools(data, math.ceil(math.log2(scale)))
    for region in data["regions"]:
        planes = max(1, round(region["bag"]["planes"] * scale))
        region["bag"]["planes"] = planes
        for rule in region["bag"].get("placement", []):  # keep the failure-domain tags of the planes left
            rule["planes"] = [p for p in rule.get("planes", []) if p <= planes]
        region["bag"]["placement"] = [r for r in region["bag"].get("placement", []) if r["planes"]]
        if drain_plane:
            region["bag"]["drained_planes"] = [drain_plane] if region["name"] == data["regions"][0]["name"] else []
    return data


def variant(scale: float, work: Path, drain_plane: int | None = None) -> Path:
    path = work / f"prometheus-x{scale}{'-drained' if drain_plane else ''}.yaml"
    path.write_text(yaml.safe_dump(scaled(scale, drain_plane), sort_keys=False))
    return path


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the workers it waited for
    rss: float  # MB, the process or its largest worker


def timed(*args: str, ok: tuple[int, ...] = (0,)) -> Run:
    """One CLI run in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        detail = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"generator {' '.join(args)} exited {code}: {detail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def review_repo(work: Path, scale: float, base: Path, head: Path) -> Path:
    """A git repository whose HEAD holds the base intent and whose worktree holds the one-plane change."""
    repo = work / f"repo-x{scale}"
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "intent").mkdir(parents=True)
    target = repo / "intent" / "prometheus.yaml"
    shutil.copy(base, target)
    git = ["git", "-C", str(repo), "-c", "user.email=bench@example.net", "-c", "user.name=bench"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    shutil.copy(head, target)
    return target


REPEATED = ("full build", "no-change rebuild", "one-plane change", "analyze", "diff --base one plane")
ONCE = ("full build + audit", "one-plane change + audit", "full audit (validate --rendered)")


def measure(scale: float, work: Path, repeat: int) -> dict[str, list[Run]]:
    intent, drained = variant(scale, work), variant(scale, work, drain_plane=1)
    out = str(work / f"out-x{scale}")
    reviewed = review_repo(work, scale, intent, drained)
    runs: dict[str, list[Run]] = {name: [] for name in REPEATED + ONCE}
    for _ in range(repeat):
        runs["full build"].append(timed("build", str(intent), "-o", out, "--force", "--no-audit"))
        runs["no-change rebuild"].append(timed("build", str(intent), "-o", out, "--no-audit"))
        runs["one-plane change"].append(timed("build", str(drained), "-o", out, "--no-audit"))
        timed("build", str(intent), "-o", out, "--no-audit")  # back to the base for the next round
        runs["analyze"].append(timed("analyze", str(intent), "-o", str(work / "analysis")))
        review = ("diff", "--base", "HEAD", str(reviewed), "--format", "json")
        runs["diff --base one plane"].append(timed(*review, ok=(1,)))
    # the parse-back audit reads every line of every changed config: measured once
    runs["full build + audit"].append(timed("build", str(intent), "-o", out, "--force"))
    runs["one-plane change + audit"].append(timed("build", str(drained), "-o", out))
    runs["full audit (validate --rendered)"].append(timed("validate", str(drained), "--rendered", "-o", out))
    return runs


# ------------------------------------------------------------------ the audit's throughput per platform

# the BAG hardware profiles of prometheus.yaml put on each platform (FRR spines stay FRR)
PLATFORM_VARIANTS = {
    "eos": {},
    "junos": {"bag-7800r4-12": {"platform": "junos"}, "bag-7800r4-16": {"platform": "junos"}},
    "iosxr": {
        "bag-7800r4-12": {"platform": "iosxr", "os_version": "25.1.1"},
        "bag-7800r4-16": {"platform": "iosxr", "os_version": "25.1.1"},
    },
}


def audit_throughput(work: Path, sample: int = 24) -> dict[str, dict[str, float]]:
    """Lines/s the parse-back audit (audit_device: read back with ciscoconfparse2, compare with the
    model) reads on one core, per platform, over `sample` BAG switches (and as many FRR spines) of
    x0.25; configs are rendered first and not timed."""
    sys.path.insert(0, str(ROOT))
    from generator.compile.network import expand
    from generator.intent.loader import load_intent
    from generator.pipeline import plan_checked
    from generator.render.engine import render_device
    from generator.validators.audit import audit_device

    totals: dict[str, list[float]] = {}
    for name, changes in PLATFORM_VARIANTS.items():
        data = scaled(0.25)
        for profile, fields in changes.items():
            data["hardware"][profile] |= fields
            if fields.get("platform", "eos") != "eos":  # prometheus names EOS's Management0 per chassis
                data.get("management", {}).get("by_hardware", {}).get(profile, {}).pop("interface", None)
        path = work / f"audit-{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        plan = plan_checked(load_intent(path)).plan
        bags = [n for n, node in plan.wiring.nodes.items() if node.role == "bag"]
        spines = [n for n, node in plan.wiring.nodes.items() if node.role != "bag"]
        picked = bags[:: max(1, len(bags) // sample)][:sample]
        if name == "eos":  # FRR once: the spines are FRR in every variant
            picked += spines[:: max(1, len(spines) // sample)][:sample]
        for device in (expand(plan, n) for n in picked):
            text = render_device(device)
            start = time.process_time()
            problems = audit_device(device, text)
            spent = time.process_time() - start
            if problems:
                raise SystemExit(f"audit of {device.name} ({device.platform}) found {problems[:3]}")
            lines, seconds = totals.setdefault(device.platform, [0.0, 0.0])
            totals[device.platform] = [lines + text.count("\n"), seconds + spent]
    return {p: {"lines": v[0], "cpu_s": round(v[1], 3), "lines_per_s": round(v[0] / v[1])} for p, v in totals.items()}


# ------------------------------------------------------------------ pyavd, side by side


def pyavd_inputs(spines: int = 8, leaves: int = 256) -> dict[str, dict[str, Any]]:
    """Hostvars of an AVD L3LS eBGP fabric (eos_designs): `spines` spines, `leaves` single-leaf groups
    with one uplink to every spine, one BGP AS per leaf (RFC 7938, like the BAG fabrics)."""
    fabric = {
        "fabric_name": "BENCH",
        "underlay_routing_protocol": "ebgp",
        "overlay_routing_protocol": "ebgp",
        "spine": {
            "defaults": {"platform": "7800R3", "loopback_ipv4_pool": "10.255.0.0/24", "bgp_as": "65100"},
            "nodes": [{"name": f"spine{i}", "id": i, "mgmt_ip": f"192.168.0.{i}/24"} for i in range(1, spines + 1)],
        },
        "l3leaf": {
            "defaults": {
                "platform": "7050X3",
                "loopback_ipv4_pool": "10.255.4.0/22",
                "vtep_loopback_ipv4_pool": "10.255.8.0/22",
                "uplink_ipv4_pool": "10.0.0.0/16",
                "uplink_switches": [f"spine{i}" for i in range(1, spines + 1)],
                "uplink_interfaces": [f"Ethernet{49 + i}" for i in range(spines)],
            },
            "node_groups": [
                {
                    "group": f"L{j}",
                    "bgp_as": str(65100 + j),
                    "nodes": [
                        {
                            "name": f"leaf{j}",
                            "id": j,
                            "mgmt_ip": f"192.168.{1 + j // 250}.{1 + j % 250}/24",
                            "uplink_switch_interfaces": [f"Ethernet{j}/1"] * spines,
                        }
                    ],
                }
                for j in range(1, leaves + 1)
            ],
        },
    }
    hosts = {f"spine{i}": {**fabric, "type": "spine"} for i in range(1, spines + 1)}
    return hosts | {f"leaf{j}": {**fabric, "type": "l3leaf"} for j in range(1, leaves + 1)}


def pyavd_measure() -> dict[str, float] | None:
    """pyavd (eos_designs facts + structured config + eos_cli_config_gen) of 264 devices, one process,
    the way pyavd documents its use; None when pyavd is not installed."""
    if importlib.util.find_spec("pyavd") is None:
        return None
    import pyavd  # type: ignore[import-untyped]

    hosts = pyavd_inputs()
    start, cpu = time.perf_counter(), time.process_time()
    facts = pyavd.get_avd_facts(hosts)
    configs = [
        pyavd.get_device_config(pyavd.get_device_structured_config(name, hostvars, avd_facts=facts))
        for name, hostvars in hosts.items()
    ]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    lines = sum(c.count("\n") for c in configs)
    return {
        "version": getattr(pyavd, "__version__", "?"),
        "devices": len(configs),
        "lines": lines,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "devices_per_s": round(len(configs) / wall, 1),
    }


# ------------------------------------------------------------------ targets


@dataclass(frozen=True)
class Target:
    what: str
    limit: float
    unit: str  # "s", "MB", "lines/s" (a minimum), "x" (a ratio maximum)
    value: Callable[[dict[tuple[float, str], dict[str, Any]], dict[str, Any]], float | None]

    def check(self, rows: dict[tuple[float, str], dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
        value = self.value(rows, extra)
        if value is None:
            return {"target": self.what, "limit": self.limit, "unit": self.unit, "value": None, "status": "not run"}
        met = value >= self.limit if self.unit == "lines/s" else value <= self.limit
        status = "met" if met else "MISSED"
        return {"target": self.what, "limit": self.limit, "unit": self.unit, "value": value, "status": status}


def _wall(scale: float, name: str) -> Callable[..., float | None]:
    return lambda rows, extra: rows[(scale, name)]["wall_s"] if (scale, name) in rows else None


def _audit_rate(rows: dict[tuple[float, str], dict[str, Any]], extra: dict[str, Any]) -> float | None:
    """Lines/s of the audit over all cores: the build's lines over the time auditing added to it."""
    if (1.0, "full build + audit") not in rows:
        return None
    added = rows[(1.0, "full build + audit")]["wall_s"] - rows[(1.0, "full build")]["wall_s"]
    return round(rows[(1.0, "full build")]["lines"] / added) if added > 0 else None


def _junos_vs_eos(rows: dict[tuple[float, str], dict[str, Any]], extra: dict[str, Any]) -> float | None:
    rates = extra.get("audit_per_platform") or {}
    if "eos" not in rates or "junos" not in rates:
        return None
    return round(float(rates["eos"]["lines_per_s"]) / float(rates["junos"]["lines_per_s"]), 2)


def _linearity(rows: dict[tuple[float, str], dict[str, Any]], extra: dict[str, Any]) -> float | None:
    """The worst growth, over every measure, of time per device between consecutive scales (1.0 =
    exactly linear; fixed costs make small scales relatively slower, so below 1 is common)."""
    scales = sorted({s for s, _ in rows})
    if len(scales) < 2 or scales[0] > 0.25 or scales[-1] < 4:
        return None
    worst = 0.0
    for name in REPEATED + ONCE:
        for low, high in itertools.pairwise(scales):
            a, b = rows.get((low, name)), rows.get((high, name))
            if a and b:
                worst = max(worst, (b["wall_s"] / b["devices"]) / (a["wall_s"] / a["devices"]))
    return round(worst, 2)


TARGETS = (
    Target("x1 full build (no audit)", 3.0, "s", _wall(1.0, "full build")),
    Target("x1 no-change rebuild", 0.3, "s", _wall(1.0, "no-change rebuild")),
    Target("x1 one-plane change", 1.0, "s", _wall(1.0, "one-plane change")),
    Target("x1 diff --base one plane", 2.0, "s", _wall(1.0, "diff --base one plane")),
    Target("x1 analyze", 1.5, "s", _wall(1.0, "analyze")),
    Target("x1 full build + audit", 12.0, "s", _wall(1.0, "full build + audit")),
    Target("x1 audit throughput, all cores", 500_000, "lines/s", _audit_rate),
    Target("audit: EOS lines/s over Junos lines/s", 2.0, "x", _junos_vs_eos),
    Target("x4 full build", 15.0, "s", _wall(4.0, "full build")),
    Target(
        "x4 full build peak RSS",
        2048,
        "MB",
        lambda rows, extra: rows[(4.0, "full build")]["peak_rss_mb"] if (4.0, "full build") in rows else None,
    ),
    Target("linear x0.25 -> x4 (worst step, time per device)", 1.15, "x", _linearity),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default=DEFAULT_SCALES)
    parser.add_argument("--out", default="/dev/shm/bag-bench" if Path("/dev/shm").exists() else "/tmp/bag-bench")
    parser.add_argument("--no-pyavd", action="store_true", help="skip the side-by-side pyavd build")
    parser.add_argument("--no-platforms", action="store_true", help="skip the per-platform audit throughput")
    args = parser.parse_args()
    work = Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for scale in (float(s) for s in args.scales.split(",")):
        runs = measure(scale, work, args.repeat)
        summary = json.loads((work / f"out-x{scale}" / "manifest.json").read_text())["summary"]
        for name, values in runs.items():
            wall = statistics.median(v.wall for v in values)
            rows.append(
                {
                    "scale": scale,
                    "measure": name,
                    "runs": len(values),
                    "devices": summary["devices"],
                    "sessions": summary["sessions"],
                    "lines": summary["lines"],
                    "wall_s": round(wall, 3),
                    "min_s": round(min(v.wall for v in values), 3),
                    "cpu_s": round(statistics.median(v.cpu for v in values), 3),
                    "peak_rss_mb": round(max(v.rss for v in values)),
                    "devices_per_s": round(summary["devices"] / wall),
                    "lines_per_s": round(summary["lines"] / wall),
                }
            )
            r = rows[-1]
            print(
                f"x{scale:<5} {name:<34} {r['devices']:>6} dev {r['sessions']:>7} sess "
                f"{wall:7.2f}s (min {r['min_s']:.2f}, cpu {r['cpu_s']:.2f}, n={len(values)}) "
                f"rss<={r['peak_rss_mb']} MB {r['devices_per_s']:>7} dev/s",
                flush=True,
            )
    extra: dict[str, Any] = {}
    if not args.no_platforms:
        extra["audit_per_platform"] = audit_throughput(work)
        for platform, v in extra["audit_per_platform"].items():
            print(f"audit read-back, one core: {platform:<6} {v['lines_per_s']:>8} lines/s ({v['lines']:.0f} lines)")
    if not args.no_pyavd:
        extra["pyavd"] = pyavd_measure()
        avd = extra["pyavd"]
        if avd is None:
            print("pyavd: not installed, skipped")
        else:
            ours = next((r for r in rows if r["scale"] == 1.0 and r["measure"] == "full build"), None)
            mine = f"; this build at x1: {ours['devices_per_s']} devices/s" if ours else ""
            print(
                f"pyavd {avd['version']}: {avd['devices']}-device eBGP fabric in {avd['wall_s']} s "
                f"= {avd['devices_per_s']} devices/s{mine}"
            )
    by_key = {(r["scale"], r["measure"]): r for r in rows}
    checks = [t.check(by_key, extra) for t in TARGETS]
    print("\ntarget                                              limit        value  status")
    for c in checks:
        limit = f"{'>=' if c['unit'] == 'lines/s' else '<='} {c['limit']:g} {c['unit']}"
        value = "-" if c["value"] is None else f"{c['value']:g}"
        print(f"{c['target']:<50} {limit:>14} {value:>10}  {c['status']}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(
        json.dumps({"cpus": os.cpu_count(), "rows": rows, "targets": checks, **extra}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()

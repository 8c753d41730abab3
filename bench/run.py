"""Benchmark: build (full, no-change, one-plane change), the parse-back audit (with a full build, with
a one-plane change, and of a whole `out/`), `analyze` and `diff --base` of a one-plane change, on
intent/prometheus.yaml and scaled variants (planes per region x0.25, x0.5, x1, x2; x2 widens the
address pools). Each measurement runs the real CLI in a fresh process; wall time and peak RSS (of
the process or its largest worker) are reported, plus devices/s and lines/s. Results go to
bench/results/latest.json.

    python bench/run.py [--repeat 3] [--scales 0.25,0.5,1,2] [--out /dev/shm/bag-bench]

Targets (issue 7, 2 cores, x1 = 12,672 devices / 207,360 sessions): full build <= 10 s and <= 2 GB,
no-change rebuild <= 1 s, one-plane change <= 3 s, diff --base of a one-plane change <= 10 s.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def widen_pools(data: dict[str, Any], bits: int) -> None:
    """Give every address pool `bits` more bits of room, for variants larger than the original."""
    for section in [r["addressing"] for r in data["regions"]] + [p["addressing"] for p in data["inter_region"]]:
        for key, pool in section.items():
            section[key] = str(ipaddress.ip_network(pool).supernet(prefixlen_diff=bits))


def variant(scale: float, work: Path, drain_plane: int | None = None) -> Path:
    data = yaml.safe_load((ROOT / "intent" / "prometheus.yaml").read_text())
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
    path = work / f"prometheus-x{scale}{'-drained' if drain_plane else ''}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def timed(*args: str, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one CLI run in a child process (RSS of it or its largest worker)."""
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
    return wall, usage.ru_maxrss / 1024


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


def measure(scale: float, work: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    intent, drained = variant(scale, work), variant(scale, work, drain_plane=1)
    out = str(work / f"out-x{scale}")
    reviewed = review_repo(work, scale, intent, drained)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in REPEATED + ONCE}
    for _ in range(repeat):
        runs["full build"].append(timed("build", str(intent), "-o", out, "--force", "--no-audit"))
        runs["no-change rebuild"].append(timed("build", str(intent), "-o", out, "--no-audit"))
        runs["one-plane change"].append(timed("build", str(drained), "-o", out, "--no-audit"))
        timed("build", str(intent), "-o", out, "--no-audit")  # back to the base for the next round
        runs["analyze"].append(timed("analyze", str(intent), "-o", str(work / "analysis")))
        runs["diff --base one plane"].append(
            timed("diff", "--base", "HEAD", str(reviewed), "--format", "json", ok=(1,))
        )
    # the parse-back audit reads every line of every changed config: minutes at full scale, measured once
    runs["full build + audit"].append(timed("build", str(intent), "-o", out, "--force"))
    runs["one-plane change + audit"].append(timed("build", str(drained), "-o", out))
    runs["full audit (validate --rendered)"].append(timed("validate", str(drained), "--rendered", "-o", out))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default="0.25,0.5,1,2")
    parser.add_argument("--out", default="/dev/shm/bag-bench" if Path("/dev/shm").exists() else "/tmp/bag-bench")
    args = parser.parse_args()
    work = Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in (float(s) for s in args.scales.split(",")):
        runs = measure(scale, work, args.repeat)
        summary = json.loads((work / f"out-x{scale}" / "manifest.json").read_text())["summary"]
        for name, values in runs.items():
            wall = statistics.median(v[0] for v in values)
            rows.append(
                {
                    "scale": scale,
                    "measure": name,
                    "runs": len(values),
                    "devices": summary["devices"],
                    "sessions": summary["sessions"],
                    "lines": summary["lines"],
                    "wall_s": round(wall, 3),
                    "min_s": round(min(v[0] for v in values), 3),
                    "peak_rss_mb": round(max(v[1] for v in values)),
                    "devices_per_s": round(summary["devices"] / wall),
                    "lines_per_s": round(summary["lines"] / wall),
                }
            )
            print(
                f"x{scale:<5} {name:<34} {summary['devices']:>6} dev {summary['sessions']:>7} sess "
                f"{wall:7.2f}s (min {rows[-1]['min_s']:.2f}, n={len(values)}) rss<={rows[-1]['peak_rss_mb']} MB "
                f"{rows[-1]['devices_per_s']:>7} dev/s",
                flush=True,
            )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()

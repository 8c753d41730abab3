"""Benchmark: build (full, no-change, one-plane change) and analyze on intent/prometheus.yaml and
scaled variants (planes per region x0.25, x0.5, x1). Each measurement runs the real CLI in a fresh
process; wall time and peak RSS of that process are reported, plus devices/s and lines/s.

    python bench/run.py [--repeat 3] [--scales 0.25,0.5,1] [--out /dev/shm/bag-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def variant(scale: float, work: Path, drain_plane: int | None = None) -> Path:
    data = yaml.safe_load((ROOT / "intent" / "prometheus.yaml").read_text())
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


def timed(*args: str) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one CLI run in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default="0.25,0.5,1")
    parser.add_argument("--out", default="/dev/shm/bag-bench" if Path("/dev/shm").exists() else "/tmp/bag-bench")
    args = parser.parse_args()
    work = Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in (float(s) for s in args.scales.split(",")):
        intent, drained = variant(scale, work), variant(scale, work, drain_plane=1)
        out = work / f"out-x{scale}"
        runs: dict[str, list[tuple[float, float]]] = {
            "full build": [],
            "no-change rebuild": [],
            "one-plane change": [],
            "analyze": [],
        }
        for _ in range(args.repeat):
            runs["full build"].append(timed("build", str(intent), "-o", str(out), "--force"))
            runs["no-change rebuild"].append(timed("build", str(intent), "-o", str(out)))
            runs["one-plane change"].append(timed("build", str(drained), "-o", str(out)))
            timed("build", str(intent), "-o", str(out))  # back to the base for the next round
            runs["analyze"].append(timed("analyze", str(intent), "-o", str(work / "analysis")))
        summary = json.loads((out / "manifest.json").read_text())["summary"]
        for name, values in runs.items():
            wall = statistics.median(v[0] for v in values)
            rows.append(
                {
                    "scale": scale,
                    "measure": name,
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
                f"x{scale:<5} {name:<18} {summary['devices']:>6} dev {summary['sessions']:>7} sess "
                f"{wall:7.2f}s (min {rows[-1]['min_s']:.2f}) rss<={rows[-1]['peak_rss_mb']} MB "
                f"{rows[-1]['devices_per_s']:>7} dev/s",
                flush=True,
            )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()

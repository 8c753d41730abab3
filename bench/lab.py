"""Benchmark of the real-FRR lab at mid size (intent/lab-mid.yaml: 108 devices), not a timed test.

Measures, on this machine: `lab up` and the time until every session is Established and every
kernel forwards as the model predicts; memory per device (RSS of zebra + bgpd, and of lldpd, per
namespace); one `lab verify` pass; one failure scenario (a BAG switch: fail, converge to analyze's
prediction, restore, converge to the baseline); and the push of one plane through the push API
(drain plane 1 by intent, push it; undrain, push it again). Results: bench/results/lab.json.

    sudo python bench/lab.py [--intent intent/lab-mid.yaml] [--scenario bag-switch:north-bag-p1-s1] [--keep]

Takes the lab lock of the tests (/run/lock/bag-lab-tests.lock), so it never runs beside a lab test.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.deploy.failures import measure, parse_failure  # noqa: E402
from generator.deploy.inventory import load_inventory  # noqa: E402
from generator.deploy.lab import Lab, connector, inventory_path, lab_status  # noqa: E402
from generator.deploy.verify import verify_until  # noqa: E402
from generator.intent.loader import load_intent  # noqa: E402
from generator.pipeline import plan_checked  # noqa: E402
from generator.render.build import build  # noqa: E402

LOCK = Path("/run/lock/bag-lab-tests.lock")


def rss_kib(pid_file: Path) -> int:
    try:
        pid = int(pid_file.read_text().strip())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def memory(lab: Lab, devices: list[str]) -> dict[str, Any]:
    frr = [rss_kib(Path(f"/var/run/frr/{d}/zebra.pid")) + rss_kib(Path(f"/var/run/frr/{d}/bgpd.pid")) for d in devices]
    lldpd = [rss_kib(lab.dir / d / "lldpd.pid") for d in devices]
    return {
        "zebra_bgpd_rss_mib_median": round(statistics.median(frr) / 1024, 1),
        "zebra_bgpd_rss_mib_max": round(max(frr) / 1024, 1),
        "zebra_bgpd_rss_mib_total": round(sum(frr) / 1024, 1),
        "lldpd_rss_mib_median": round(statistics.median(lldpd) / 1024, 1),
    }


def push_plane(intent: Path, work: Path, name: str, plane: int) -> dict[str, Any]:
    """Drain `plane` by intent and push it, then undrain and push it again (the push API, --commit).

    Besides the wall time: the time per step, the push process's own CPU (the tool) and the CPU of the
    commands the FRR driver runs (vtysh, frr-reload.py: in the lab they stand in for the routers' commit)."""
    from generator.deploy.push import push

    data = yaml.safe_load(intent.read_text())
    drained = work / "drained.yaml"
    for region in data["regions"]:
        region["bag"]["drained_planes"] = [plane]
    drained.write_text(yaml.safe_dump(data, sort_keys=False))
    result: dict[str, Any] = {}
    for label, path in (("drain", drained), ("undrain", intent)):
        start = time.perf_counter()
        planes = push(path, inventory_path(name), work / "out", commit=True, planes=[plane], log=lambda _: None)
        result[f"push_plane_{label}_s"] = round(time.perf_counter() - start, 1)
        errors = [str(p.error) for p in planes if p.error]
        if errors:
            raise SystemExit(f"push failed: {errors}")
        result[f"push_plane_{label}_devices_changed"] = sum(len(p.changed) for p in planes)
        result[f"push_plane_{label}_steps_s"] = {k: round(v, 1) for p in planes for k, v in p.steps.items()}
        result[f"push_plane_{label}_tool_cpu_s"] = round(sum(p.tool_cpu for p in planes), 1)
        result[f"push_plane_{label}_driver_commands_cpu_s"] = round(sum(p.helper_cpu for p in planes), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intent", default=str(ROOT / "intent" / "lab-mid.yaml"))
    parser.add_argument("--scenario", default="bag-switch:north-bag-p1-s1")
    parser.add_argument("--work", default="/tmp/bag-lab-bench")
    parser.add_argument("--keep", action="store_true", help="leave the lab running")
    args = parser.parse_args()
    intent, work = Path(args.intent), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    loaded = load_intent(intent)
    plan = plan_checked(loaded).plan
    lab = Lab(loaded.intent.name)
    results: dict[str, Any] = {"intent": str(intent), "devices": len(plan.wiring.nodes)}
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            build(intent, work / "out")
            start = time.perf_counter()
            inventory = lab.up(plan, work / "out")
            inventory_path(lab.name).write_text(yaml.safe_dump(inventory.as_dict(), sort_keys=True))
            results["lab_up_s"] = round(time.perf_counter() - start, 1)
            inventory = load_inventory(inventory_path(lab.name))
            names = sorted(inventory.devices)
            deadline = time.monotonic() + 300
            while not lab_status(inventory)[1]:
                if time.monotonic() > deadline:
                    raise SystemExit("sessions not all Established after 300 s")
                time.sleep(1)
            results["sessions_established_s"] = round(time.perf_counter() - start, 1)
            verified, _ = verify_until(plan, names, connector(inventory), timeout=300)
            results["converged_s"] = round(time.perf_counter() - start, 1)
            results["converged_findings"] = len(verified.findings)
            results["sessions"] = sum(len(d.bgp.neighbors) for d in _models(plan)) // 2
            results["memory"] = memory(lab, names)
            start = time.perf_counter()
            once, _ = verify_until(plan, names, connector(inventory), timeout=0)
            results["lab_verify_s"] = round(time.perf_counter() - start, 2)
            results["lab_verify_pairs"] = once.prefixes
            failure = parse_failure(plan, args.scenario)
            start = time.perf_counter()
            lab.fail(plan, failure)
            failed = measure(plan, names, connector(inventory), failure, timeout=120)
            results["failure"] = {
                "scenario": args.scenario,
                "devices_with_new_weights": len(failed.predicted.weights),
                "converged_s": round(time.perf_counter() - start, 1),
                "findings": len(failed.findings),
            }
            start = time.perf_counter()
            lab.restore()
            restored = measure(plan, names, connector(inventory), None, timeout=180)
            results["failure"]["restored_s"] = round(time.perf_counter() - start, 1)
            results["failure"]["restored_findings"] = len(restored.findings)
            results.update(push_plane(intent, work, lab.name, 1))
        finally:
            if not args.keep:
                start = time.perf_counter()
                lab.down()
                results["lab_down_s"] = round(time.perf_counter() - start, 1)
    out = ROOT / "bench" / "results" / "lab.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def _models(plan: Any) -> list[Any]:
    from generator.compile.network import expand

    return [expand(plan, name) for name in plan.wiring.nodes]


if __name__ == "__main__":
    main()

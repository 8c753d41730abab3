"""`diff --running`: what the devices run vs what the intent says, through NAPALM.

Config drift is NAPALM's own `compare_config` of the rendered config against the running one; the
session comparison is structural (deepdiff of intended vs `get_bgp_neighbors`) and phrased as
missing, down, unexpected and wrong-AS sessions.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from rich.console import Console
from rich.text import Text

from generator.build import build
from generator.compile.network import Plan, expand
from generator.intent.loader import load_intent
from generator.inventory import Inventory, InventoryDevice, connect, load_inventory
from generator.lab import default_inventory
from generator.pipeline import plan_checked
from generator.push import resolve_secrets
from napalm_frr import sanitize


@dataclass
class DeviceDrift:
    device: str
    config_diff: str = ""
    missing: list[str] = field(default_factory=list)  # intended sessions not configured
    down: list[str] = field(default_factory=list)  # configured and intended, not Established
    unexpected: list[str] = field(default_factory=list)  # configured, not intended
    wrong_as: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def clean(self) -> bool:
        return not (self.config_diff or self.missing or self.down or self.unexpected or self.wrong_as or self.error)


def intended_sessions(plan: Plan, name: str) -> dict[str, dict[str, Any]]:
    return {n.address: {"remote_as": n.remote_as, "is_up": True} for n in expand(plan, name).bgp.neighbors}


def compare_sessions(
    intended: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]], drift: DeviceDrift
) -> None:
    seen = {a: {"remote_as": p["remote_as"], "is_up": p["is_up"]} for a, p in actual.items()}
    diff = DeepDiff(intended, seen, ignore_order=True, view="tree")
    for item in diff.get("dictionary_item_removed", []):
        drift.missing.append(item.path(output_format="list")[0])
    for item in diff.get("dictionary_item_added", []):
        drift.unexpected.append(item.path(output_format="list")[0])
    for item in diff.get("values_changed", []):
        address, key = item.path(output_format="list")
        (drift.down if key == "is_up" else drift.wrong_as).append(address)
    for bucket in (drift.missing, drift.unexpected, drift.down, drift.wrong_as):
        bucket.sort()


def device_drift(plan: Plan, inventory: Inventory, configs: Path, device: InventoryDevice) -> DeviceDrift:
    drift = DeviceDrift(device.name)
    try:
        with connect(device, inventory) as driver:
            driver.load_replace_candidate(config=resolve_secrets((configs / f"{device.name}.cfg").read_text()))
            try:
                drift.config_diff = sanitize(driver.compare_config())
            finally:
                driver.discard_config()
            peers = driver.get_bgp_neighbors().get("global", {}).get("peers", {})
        compare_sessions(intended_sessions(plan, device.name), peers, drift)
    except Exception as exc:
        drift.error = sanitize(f"{type(exc).__name__}: {exc}")
    return drift


def running_drift(intent: str | Path, inventory_file: Path, out: Path) -> list[DeviceDrift]:
    build(intent, out)
    plan = plan_checked(load_intent(intent)).plan
    inventory = load_inventory(inventory_file)
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(
            pool.map(
                lambda d: device_drift(plan, inventory, out, d),
                [inventory.devices[n] for n in sorted(inventory.devices)],
            )
        )


def run_diff_running(args: argparse.Namespace, console: Console) -> int:
    drifts = running_drift(args.intent, default_inventory(args.intent, args.inventory), Path(args.out))
    if args.format == "json":
        console.print(json.dumps([d.__dict__ for d in drifts], indent=2, sort_keys=True), markup=False)
    else:
        md = args.format == "markdown"
        for d in drifts:
            if d.clean:
                continue
            console.print(f"### {d.device}" if md else Text(d.device, style="bold"), markup=False)
            for label, values in (
                ("missing sessions", d.missing),
                ("sessions down", d.down),
                ("unexpected sessions", d.unexpected),
                ("wrong remote AS", d.wrong_as),
            ):
                if values:
                    console.print(f"- {label}: {', '.join(values)}", markup=False)
            if d.error:
                console.print(f"- error: {d.error}", markup=False)
            if d.config_diff:
                console.print("```diff\n" + d.config_diff + "\n```" if md else d.config_diff, markup=False)
        dirty = sum(1 for d in drifts if not d.clean)
        console.print(f"{dirty} of {len(drifts)} devices drift from the intent", markup=False)
    return 0 if all(d.clean for d in drifts) else 1

"""`diff --running`: what the devices run vs what the intent says, through NAPALM.

Config drift is NAPALM's own `compare_config` of the rendered config against the running one; the
session comparison is structural (deepdiff of intended vs `get_bgp_neighbors`) and phrased as
missing, down, unexpected and wrong-AS sessions. Nornir runs it on every device of the inventory
(generator/deploy/engine.py); a device that cannot be read is reported by name, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from nornir.core.inventory import Host

from generator.compile.network import Plan, expand
from generator.deploy.engine import DEFAULT_WORKERS, Fleet, StepProgress, fleet
from generator.deploy.inventory import InventoryError, load_inventory
from generator.deploy.kernel import device_kernel_findings
from generator.deploy.push import resolve_secrets, safe
from generator.intent.loader import load_intent
from generator.pipeline import plan_checked
from generator.render.build import build
from generator.render.engine import TEMPLATES
from napalm_frr import FRRDriver, silent_daemons


@dataclass
class DeviceDrift:
    device: str
    config_diff: str = ""
    missing: list[str] = field(default_factory=list)  # intended sessions not configured
    down: list[str] = field(default_factory=list)  # configured and intended, not Established
    unexpected: list[str] = field(default_factory=list)  # configured, not intended
    wrong_as: list[str] = field(default_factory=list)
    kernel: list[str] = field(default_factory=list)  # routes the kernel forwards otherwise than FRR says (BAG300)
    error: str = ""

    @property
    def clean(self) -> bool:
        return not (
            self.config_diff
            or self.missing
            or self.down
            or self.unexpected
            or self.wrong_as
            or self.kernel
            or self.error
        )


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


def device_drift(plan: Plan, devices: Fleet, configs: Path, host: Host) -> DeviceDrift:
    drift = DeviceDrift(host.name)
    try:
        driver = devices.driver(host)
        silent = silent_daemons(driver)
        if silent:
            drift.error = f"{', '.join(silent)} not answering (the running config would be partial)"
        driver.load_replace_candidate(config=resolve_secrets((configs / f"{host.name}.cfg").read_text()))
        try:
            drift.config_diff = safe(driver.compare_config())
        finally:
            driver.discard_config()
        peers = driver.get_bgp_neighbors().get("global", {}).get("peers", {})
        compare_sessions(intended_sessions(plan, host.name), peers, drift)
        if isinstance(driver, FRRDriver) and not silent:  # what forwards is the kernel, not FRR's view
            drift.kernel = [f.message for f in device_kernel_findings(host.name, driver)]
    except Exception as exc:
        drift.error = safe(f"{type(exc).__name__}: {exc}")
    return drift


def running_drift(
    intent: str | Path,
    inventory_file: Path,
    out: Path,
    workers: int = DEFAULT_WORKERS,
    progress: StepProgress | None = None,
    templates: Path = TEMPLATES,
) -> list[DeviceDrift]:
    build(intent, out, templates=templates)
    plan = plan_checked(load_intent(intent)).plan
    inventory = load_inventory(inventory_file)
    unknown = sorted(set(inventory.devices) - set(plan.wiring.nodes))
    if unknown:
        raise InventoryError(f"inventory devices not in the intent: {', '.join(unknown[:5])}")
    with fleet(inventory, workers, progress) as devices:
        done, failed = devices.run("drift", inventory.devices, lambda h: device_drift(plan, devices, out, h))
    drifts = dict(done)
    for name, exc in failed.items():  # device_drift catches its own errors; this is the engine's
        drifts[name] = DeviceDrift(name, error=safe(f"{type(exc).__name__}: {exc}"))
    return [drifts[name] for name in sorted(drifts)]

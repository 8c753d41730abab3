"""`push`: apply rendered configs through NAPALM, one plane at a time, with commit-confirm.

Per plane: skip it if no device would change; otherwise drain it (the new config with the plane
drained, so traffic moves to the other planes while sessions flap), apply the final config, check
that every intended session is Established with prefixes received and that the installed UCMP
weights match the intent, then confirm. Every commit carries `revert_in`, so a controller that dies
mid-push leaves routers that revert by themselves. Any failure rolls back the devices of the plane
and stops the rollout, naming the device and the check.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from napalm.base.exceptions import ReplaceConfigException
from rich.console import Console

from generator.compile.network import Plan, expand
from generator.compile.network import plan as make_plan
from generator.compile.ucmp import Path as UcmpPath
from generator.compile.ucmp import expected_paths, normalized
from generator.deploy.inventory import Inventory, InventoryDevice, connect, load_inventory
from generator.deploy.lab import default_inventory
from generator.intent.loader import load_intent
from generator.model import Device
from generator.pipeline import plan_checked
from generator.render.build import build
from generator.render.engine import render_device
from napalm_frr import sanitize

WEIGHT_TOLERANCE = 0.02  # FRR installs weights as integer percentages of the total


class CheckFailedError(Exception):
    def __init__(self, device: str, check: str, detail: str) -> None:
        super().__init__(f"{device}: {check}: {detail}")
        self.device, self.check, self.detail = device, check, detail


@dataclass
class PlaneResult:
    plane: int
    devices: list[str]
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: CheckFailedError | None = None
    rolled_back: list[str] = field(default_factory=list)


_SECRET_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def resolve_secrets(config: str) -> str:
    """Replace `${ENV}` secret references (BGP passwords) with their values, only at push time."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise CheckFailedError("-", "secrets", f"environment variable {name} is not set")
        return os.environ[name]

    return _SECRET_REF.sub(value, config)


def drained_configs(plan: Plan, plane: int, names: list[str]) -> dict[str, str]:
    """The devices' configs with `plane` drained in every region: the same intent, one more drained plane."""
    intent = plan.intent
    regions = [
        r.model_copy(
            update={"bag": r.bag.model_copy(update={"drained_planes": sorted({*r.bag.drained_planes, plane})})}
        )
        for r in intent.regions
    ]
    drained = make_plan(intent.model_copy(update={"regions": regions}))
    return {name: resolve_secrets(render_device(expand(drained, name))) for name in names}


# ---------------------------------------------------------------------------------------- checks


def link_index(plan: Plan, device: str, interface: str) -> int:
    for i in plan.wiring.links_of[device]:
        ends = plan.ends(i)
        if (ends.a_if if plan.wiring.links[i].a == device else ends.b_if) == interface:
            return i
    raise KeyError(f"{device} {interface}")


def check_sessions(plan: Plan, device: Device, driver: Any, later_planes: set[int]) -> set[int]:
    """Raise unless every intended session is up with prefixes; return the links still waiting for
    a peer in a plane this rollout has not reached yet (spread links cross planes)."""
    peers = driver.get_bgp_neighbors().get("global", {}).get("peers", {})
    waiting = set()
    for n in device.bgp.neighbors:
        peer = peers.get(n.address)
        if peer is None:
            raise CheckFailedError(device.name, "sessions", f"neighbor {n.address} ({n.peer}) is not configured")
        if not peer["is_up"]:
            if plan.wiring.nodes[n.peer].plane in later_planes:
                waiting.add(link_index(plan, device.name, n.interface))
                continue
            raise CheckFailedError(device.name, "sessions", f"neighbor {n.address} ({n.peer}) is not Established")
        received = sum(max(af["received_prefixes"], 0) for af in peer["address_family"].values())
        if received == 0 and not device.drained and not plan.wiring.nodes[n.peer].drained:
            raise CheckFailedError(device.name, "prefixes", f"no prefixes received from {n.address} ({n.peer})")
    return waiting


def installed_weights(driver: Any, prefix: str) -> dict[str, int]:
    """Installed next hops of a prefix (by outgoing interface) with the weight FRR gave each."""
    routes = driver.get_route_to(prefix)
    hops = routes.get(prefix, [])
    return {
        h["outgoing_interface"]: h["protocol_attributes"]["weight"]
        for h in hops
        if h["protocol"] == "bgp" and h["selected_next_hop"]
    }


def compare_weights(device: str, prefix: str, expected: dict[str, int], installed: dict[str, int]) -> None:
    if set(expected) != set(installed):
        raise CheckFailedError(
            device, "ucmp", f"{prefix}: next hops {sorted(installed)} != intended {sorted(expected)}"
        )
    names = sorted(expected)
    want = normalized(expected[n] for n in names)
    have = normalized(installed[n] for n in names)
    for name, w, h in zip(names, want, have, strict=True):
        if abs(w - h) > WEIGHT_TOLERANCE:
            raise CheckFailedError(device, "ucmp", f"{prefix} via {name}: weight share {h:.2f}, intended {w:.2f}")


def expected_interface_weights(
    plan: Plan, device: Device, paths: dict[str, list[UcmpPath]]
) -> dict[str, dict[str, int]]:
    """Intended weight per outgoing interface for one prefix of each destination."""
    intent = plan.intent
    result: dict[str, dict[str, int]] = {}
    for dest, hops in paths.items():
        kind, _, target = dest.partition(":")
        if kind == "fabric":
            prefixes = next(f.prefixes for r in intent.regions for f in r.fabrics if f.name == target)
        else:
            prefixes = next(f.prefixes for r in intent.regions if r.name == target for f in r.fabrics)
        by_interface: dict[str, int] = {}
        for hop in hops:
            ends = plan.ends(hop.link)
            link = plan.wiring.links[hop.link]
            by_interface[ends.a_if if link.a == device.name else ends.b_if] = hop.bps
        for prefix in prefixes:
            if prefix.version == 4:
                result[str(prefix)] = by_interface
    return result


def check_weights(plan: Plan, device: Device, driver: Any, waiting: set[int]) -> None:
    if device.drained or not plan.intent.link_bandwidth.enabled:
        return
    paths = expected_paths(plan.intent, plan.wiring, [device.name], failed_links=waiting)[device.name]
    for prefix, expected in sorted(expected_interface_weights(plan, device, paths).items()):
        compare_weights(device.name, prefix, expected, installed_weights(driver, prefix))


def wait_until(check: Callable[[], None], timeout: float, interval: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except CheckFailedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)


# ---------------------------------------------------------------------------------------- rollout


@dataclass
class Rollout:
    plan: Plan
    inventory: Inventory
    configs: Path
    revert_in: int
    converge_timeout: float
    log: Callable[[str], None]
    order: list[int] = field(default_factory=list)  # planes in rollout order
    touched: set[str] = field(default_factory=set)
    waiting: set[int] = field(default_factory=set)  # links whose far end is in a later plane

    def target(self, name: str) -> str:
        return resolve_secrets((self.configs / f"{name}.cfg").read_text())

    def diff(self, device: InventoryDevice) -> str:
        with connect(device, self.inventory) as driver:
            try:
                driver.load_replace_candidate(config=self.target(device.name))
            except ReplaceConfigException as exc:
                raise CheckFailedError(device.name, "candidate", sanitize(str(exc))) from None
            try:
                return str(driver.compare_config())
            finally:
                driver.discard_config()

    def _commit(self, device: InventoryDevice, config: str, message: str) -> None:
        with connect(device, self.inventory) as driver:
            try:
                driver.load_replace_candidate(config=config)
                self.touched.add(device.name)  # from here on, a failure needs this device rolled back
                driver.commit_config(message=message, revert_in=self.revert_in)
            except Exception as exc:
                raise CheckFailedError(device.name, "commit", sanitize(str(exc))) from None

    def _check_sessions(self, device: InventoryDevice, later: set[int]) -> None:
        model = expand(self.plan, device.name)
        with connect(device, self.inventory) as driver:

            def check() -> None:
                self.waiting.update(check_sessions(self.plan, model, driver, later))

            wait_until(check, self.converge_timeout)

    def _check_weights(self, device: InventoryDevice) -> None:
        model = expand(self.plan, device.name)
        with connect(device, self.inventory) as driver:
            wait_until(lambda: check_weights(self.plan, model, driver, self.waiting), self.converge_timeout)

    def _each(self, names: list[str], work: Callable[[InventoryDevice], None]) -> None:
        """Run work on every device in parallel; the first failure (in device order) is raised."""
        devices = [self.inventory.devices[n] for n in names]
        errors: list[CheckFailedError] = []

        def guarded(device: InventoryDevice) -> None:
            try:
                work(device)
            except CheckFailedError as exc:
                errors.append(exc)
            except Exception as exc:
                errors.append(CheckFailedError(device.name, "napalm", sanitize(f"{type(exc).__name__}: {exc}")))

        with ThreadPoolExecutor(max_workers=min(16, len(devices) or 1)) as pool:
            list(pool.map(guarded, devices))
        if errors:
            raise sorted(errors, key=lambda e: e.device)[0]

    def _rollback(self, names: list[str]) -> list[str]:
        """Every device this push committed to goes back to its last confirmed config."""
        done = []

        def rollback(device: InventoryDevice) -> None:
            with connect(device, self.inventory) as driver:
                driver.rollback()
            done.append(device.name)

        try:
            self._each(sorted(self.touched & set(names)), rollback)
        except CheckFailedError as exc:
            self.log(f"  rollback failed: {exc}")
        return sorted(done)

    def plane(self, plane: int, only_diff: bool) -> PlaneResult:
        start = time.perf_counter()
        names = sorted(n for n, d in self.inventory.devices.items() if d.plane == plane)
        result = PlaneResult(plane, names)
        diffs = {}

        def diff(device: InventoryDevice) -> None:
            diffs[device.name] = self.diff(device)

        try:
            self._each(names, diff)  # a candidate FRR rejects stops here, before any device changes
            result.changed = sorted(n for n, d in diffs.items() if d.strip())
            for name in result.changed:
                self.log(f"--- {name}\n{diffs[name]}")
            if only_diff or not result.changed:
                result.seconds = time.perf_counter() - start
                return result
            self.log(f"plane {plane}: draining {len(names)} devices")
            drained = drained_configs(self.plan, plane, names)
            self._each(names, lambda d: self._commit(d, drained[d.name], f"bag push: drain plane {plane}"))
            self.log(f"plane {plane}: applying {len(result.changed)} changed configs and undraining")
            self._each(names, lambda d: self._commit(d, self.target(d.name), f"bag push: plane {plane}"))
            self.log(f"plane {plane}: post-checks (sessions, prefixes, UCMP weights)")
            later = set(self.order[self.order.index(plane) + 1 :])
            self.waiting = set()
            self._each(names, lambda d: self._check_sessions(d, later))
            self._each(names, self._check_weights)

            def confirm(device: InventoryDevice) -> None:
                with connect(device, self.inventory) as driver:
                    driver.confirm_commit()

            self._each(names, confirm)
        except CheckFailedError as exc:
            result.error = exc
            self.log(f"plane {plane}: {exc}; rolling back")
            result.rolled_back = self._rollback(names)
        result.seconds = time.perf_counter() - start
        return result


def push(
    intent_path: str | Path,
    inventory_file: Path,
    out: Path,
    commit: bool,
    planes: list[int] | None = None,
    revert_in: int = 120,
    converge_timeout: float = 60.0,
    log: Callable[[str], None] = print,
) -> list[PlaneResult]:
    build(intent_path, out)
    plan = plan_checked(load_intent(intent_path)).plan
    inventory = load_inventory(inventory_file)
    unknown = sorted(set(inventory.devices) - set(plan.wiring.nodes))
    if unknown:
        from generator.errors import UsageError

        raise UsageError(f"inventory devices not in the intent: {', '.join(unknown[:5])}")
    order = planes or inventory.planes()
    rollout = Rollout(plan, inventory, out, revert_in, converge_timeout, log, order)
    results = []
    for plane in order:
        result = rollout.plane(plane, only_diff=not commit)
        results.append(result)
        if result.error:
            break
    return results


def run_push(args: argparse.Namespace, console: Console) -> int:
    planes = [int(p) for p in args.planes.split(",")] if args.planes else None
    results = push(
        args.intent,
        default_inventory(args.intent, args.inventory),
        Path(args.out),
        args.commit,
        planes,
        args.revert_in,
        args.converge_timeout,
        log=lambda text: console.print(text, markup=False, highlight=False),
    )
    for r in results:
        state = (
            "FAILED" if r.error else ("unchanged" if not r.changed else ("applied" if args.commit else "would change"))
        )
        console.print(
            f"plane {r.plane}: {state} ({len(r.changed)} of {len(r.devices)} devices change) "
            f"in {r.seconds:.1f}s" + (f"; rolled back {', '.join(r.rolled_back)}" if r.error else ""),
            markup=False,
        )
        if r.error:
            console.print(f"  failed check '{r.error.check}' on {r.error.device}: {r.error.detail}", markup=False)
            return 1
    return 0

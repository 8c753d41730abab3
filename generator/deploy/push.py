"""`push`: apply rendered configs through NAPALM, one plane at a time, with commit-confirm.

Per plane: skip it if no device would change; otherwise drain what the change needs (the plane in
the regions whose devices change: their new configs with the plane drained, so traffic moves to the
other planes while sessions flap), apply the final configs, check that every intended session is
Established with prefixes received and that the installed UCMP weights match the intent (where the
platform's NAPALM driver reports weights), then confirm. Every commit carries `revert_in`, so a
controller that dies mid-push leaves routers that revert by themselves, and after every commit the
device must no longer differ from what was committed. Any failure rolls back the devices of the
plane and stops the rollout, naming every device that failed and the check.

Nornir runs the steps (generator/deploy/engine.py): one NAPALM connection per device per push.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from napalm.base.exceptions import ConnectionException, ReplaceConfigException
from nornir.core.inventory import Host

from generator.compile.network import Plan, expand
from generator.compile.network import plan as make_plan
from generator.compile.ucmp import Path as UcmpPath
from generator.compile.ucmp import expected_paths, normalized
from generator.deploy.cabling import cabling_findings, intended_cables, observed_cables
from generator.deploy.engine import DEFAULT_WORKERS, Fleet, StepProgress, fleet
from generator.deploy.inventory import InventoryError, load_inventory
from generator.deploy.kernel import kernel_table
from generator.findings import Severity
from generator.intent.loader import load_intent
from generator.intent.schema import CREDENTIAL_ENVS
from generator.model import Device
from generator.pipeline import plan_checked
from generator.render.build import build
from generator.render.engine import TEMPLATES, render_device
from generator.textsafety import redact
from napalm_frr import DaemonsDownError, FRRDriver, sanitize, silent_daemons


def safe(text: str) -> str:
    """What may be printed of a device's answer or diff: FRR's passwords and every platform's secrets redacted."""
    return redact(sanitize(text))


WEIGHT_TOLERANCE = 0.02  # FRR installs weights as integer percentages of the total


class CheckFailedError(Exception):
    def __init__(self, device: str, check: str, detail: str) -> None:
        super().__init__(f"{device}: {check}: {detail}")
        self.device, self.check, self.detail = device, check, detail


class StepFailedError(CheckFailedError):
    """A step failed on one or more devices: the first (by name) is the headline, `errors` has them all."""

    def __init__(self, errors: list[CheckFailedError]) -> None:
        first = errors[0]
        super().__init__(first.device, first.check, first.detail)
        self.errors = errors

    def __str__(self) -> str:
        more = f" (failed on {len(self.errors)} devices: {', '.join(e.device for e in self.errors)})"
        return super().__str__() + (more if len(self.errors) > 1 else "")


@dataclass
class PlaneResult:
    plane: int
    devices: list[str]
    changed: list[str] = field(default_factory=list)
    drained: list[str] = field(default_factory=list)  # devices that received a drain config first
    seconds: float = 0.0
    error: CheckFailedError | None = None
    failed: list[CheckFailedError] = field(default_factory=list)  # every device that failed the step
    rolled_back: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # checks that could not run, e.g. weights on EOS
    steps: dict[str, float] = field(default_factory=dict)  # wall seconds per step (diff, drain, apply, ...)
    tool_cpu: float = 0.0  # CPU seconds of this process (planning, checks, Nornir): the tool's own cost
    helper_cpu: float = 0.0  # CPU seconds of the commands the drivers ran (FRR: vtysh, frr-reload.py)

    def timing(self) -> str:
        """Where the plane's time went: a push should wait for the routers, not for itself."""
        steps = ", ".join(f"{step} {seconds:.1f}s" for step, seconds in self.steps.items())
        return f"{steps}; the tool's own CPU {self.tool_cpu:.1f}s of {self.seconds:.1f}s" + (
            f", the drivers' commands {self.helper_cpu:.1f}s CPU" if self.helper_cpu >= 0.05 else ""
        )


_SECRET_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


# What a secret's value may hold: it lands unquoted (EOS, IOS XR, FRR `key 0 X`, `password X`) or inside
# Junos double quotes, so no space, quote, backslash, comment, brace or semicolon can reach a config;
# crypt hashes ($6$salt$hash) and generated keys fit.
_SECRET_VALUE = re.compile(r"[A-Za-z0-9$./+=_\-:@%^&*()\[\],~]{1,512}")


def resolve_secrets(config: str) -> str:
    """Replace `${ENV}` secret references (passwords, keys, hashes) with their values, only at push time.

    A value that could break out of its place in a config line is refused, naming the variable and
    never echoing the value (it would end up in CI logs)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in CREDENTIAL_ENVS:  # the intent refuses them (BAG002); a hand-edited config must not either
            raise CheckFailedError(
                "-", "secrets", f"{name} is the push account's own credential and is never written into a config"
            )
        if name not in os.environ:
            raise CheckFailedError("-", "secrets", f"environment variable {name} is not set")
        secret = os.environ[name]
        if not _SECRET_VALUE.fullmatch(secret):
            raise CheckFailedError(
                "-",
                "secrets",
                f"environment variable {name} holds a character a device config cannot carry safely (or is empty, "
                "or longer than 512): use letters, digits and $ . / + = _ - : @ % ^ & * ( ) [ ] , ~",
            )
        return secret

    return _SECRET_REF.sub(value, config)


def drain_regions(plan: Plan, changed: Iterable[str]) -> list[str]:
    """The regions whose plane must be drained: those with a device whose config changes."""
    return sorted({plan.wiring.nodes[name].region for name in changed})


def drained_configs(
    plan: Plan, plane: int, names: Iterable[str], regions: Iterable[str], templates: Path = TEMPLATES
) -> dict[str, str]:
    """The configs of `names` (those in `regions`) with `plane` drained in `regions` only: the same
    intent, one more drained plane where the change is. Other regions keep carrying traffic."""
    drain = set(regions)
    intent = plan.intent
    updated = [
        r.model_copy(
            update={"bag": r.bag.model_copy(update={"drained_planes": sorted({*r.bag.drained_planes, plane})})}
        )
        if r.name in drain
        else r
        for r in intent.regions
    ]
    drained = make_plan(intent.model_copy(update={"regions": updated}))
    return {
        name: resolve_secrets(render_device(expand(drained, name), templates))
        for name in sorted(names)
        if plan.wiring.nodes[name].region in drain
    }


def drain_step(
    plan: Plan,
    plane: int,
    names: Iterable[str],
    changed: list[str],
    target: Callable[[str], str],
    templates: Path = TEMPLATES,
) -> dict[str, str]:
    """What the drain step commits: every changed device (its new config, drained), and every other
    device of the drained regions' plane whose config the drain alters (a BAG switch that must stop
    announcing). Devices the drain leaves as they are are not touched."""
    configs = drained_configs(plan, plane, names, drain_regions(plan, changed), templates)
    return {name: text for name, text in configs.items() if name in changed or text != target(name)}


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


def installed_weights(driver: Any, prefix: str) -> dict[str, int] | None:
    """Next hops of a prefix (by outgoing interface) with the weight each carries, or None when the
    platform's driver reports no weights. On FRR they are read from the kernel, which is what forwards
    (FRR 8.4 could report next hops the kernel had lost); elsewhere from NAPALM's get_route_to where
    the driver adds `protocol_attributes.weight` (EOS's does not)."""
    if isinstance(driver, FRRDriver):
        return {h.interface: h.weight for h in kernel_table(driver, prefix).get(prefix, ())}
    routes = driver.get_route_to(prefix)
    hops = [h for h in routes.get(prefix, []) if h["protocol"].lower() in ("bgp", "ebgp") and h["selected_next_hop"]]
    if any("weight" not in (h.get("protocol_attributes") or {}) for h in hops):
        return None
    return {h["outgoing_interface"]: int(h["protocol_attributes"]["weight"]) for h in hops}


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


def check_weights(plan: Plan, device: Device, driver: Any, waiting: set[int]) -> str:
    """Raise unless the installed UCMP weights match the intent. Returns a note when they cannot be
    read on this platform ("weights not verifiable on eos"), "" otherwise."""
    if device.drained or not plan.intent.link_bandwidth.enabled:
        return ""
    paths = expected_paths(plan.intent, plan.wiring, [device.name], failed_links=waiting)[device.name]
    for prefix, expected in sorted(expected_interface_weights(plan, device, paths).items()):
        installed = installed_weights(driver, prefix)
        if installed is None:
            platform = getattr(driver, "platform", device.platform)
            return f"{device.name}: weights not verifiable on {platform} (its NAPALM driver reports no next-hop weight)"
        compare_weights(device.name, prefix, expected, installed)
    return ""


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


def summarize_notes(notes: list[str]) -> list[str]:
    """One line per distinct note ("weights not verifiable on eos") with the devices it concerns."""
    devices: dict[str, list[str]] = {}
    for note in notes:
        device, _, text = note.partition(": ")
        devices.setdefault(text, []).append(device)
    lines = []
    for text, names in sorted(devices.items()):
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        lines.append(f"{text}: {len(names)} device{'s' if len(names) > 1 else ''} ({shown})")
    return lines


def as_check_failure(device: str, exc: BaseException) -> CheckFailedError:
    """A device's failure in a step, named by the check it failed; secrets never in the text."""
    if isinstance(exc, CheckFailedError):
        return exc
    if isinstance(exc, DaemonsDownError):
        return CheckFailedError(device, "daemons", safe(str(exc)))
    if isinstance(exc, ConnectionException):
        return CheckFailedError(device, "connect", safe(str(exc)))
    return CheckFailedError(device, "napalm", safe(f"{type(exc).__name__}: {exc}"))


@dataclass
class Rollout:
    plan: Plan
    fleet: Fleet
    configs: Path
    revert_in: int
    converge_timeout: float
    log: Callable[[str], None]
    order: list[int] = field(default_factory=list)  # planes in rollout order
    touched: set[str] = field(default_factory=set)
    waiting: set[int] = field(default_factory=set)  # links whose far end is in a later plane
    notes: list[str] = field(default_factory=list)
    templates: Path = TEMPLATES
    cabling: bool = True  # LLDP against the intended wiring before a plane changes
    steps: dict[str, float] = field(default_factory=dict)  # of the plane being pushed

    def target(self, name: str) -> str:
        return resolve_secrets((self.configs / f"{name}.cfg").read_text())

    def each(self, step: str, names: Iterable[str], work: Callable[[Host], Any]) -> dict[str, Any]:
        """Run one step on the devices through Nornir; every device that fails is reported by name."""
        with self._timed(step.rpartition(": ")[2]):
            done, failed = self.fleet.run(step, sorted(names), work)
        if failed:
            raise StepFailedError([as_check_failure(name, exc) for name, exc in sorted(failed.items())])
        return done

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        """Add the wall time of the block to the plane's time for `step` (a step may run more than once)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[step] = self.steps.get(step, 0.0) + time.perf_counter() - start

    def _diff(self, host: Host) -> str:
        driver = self.fleet.driver(host)
        silent = silent_daemons(driver)
        if silent:  # its running config would be partial: neither a diff nor a commit can be trusted
            raise CheckFailedError(host.name, "daemons", f"{', '.join(silent)} not answering")
        try:
            driver.load_replace_candidate(config=self.target(host.name))
        except ReplaceConfigException as exc:
            raise CheckFailedError(host.name, "candidate", safe(str(exc))) from None
        try:
            return safe(str(driver.compare_config()))  # every platform's diff, not only FRR's, is printed
        finally:
            driver.discard_config()

    def _commit(self, host: Host, config: str, message: str) -> None:
        """Commit with the revert timer, then require that nothing is left to change."""
        driver = self.fleet.driver(host)
        already = host.name in self.touched
        try:
            driver.load_replace_candidate(config=config)
            self.touched.add(host.name)  # from here on, a failure needs this device rolled back
            driver.commit_config(message=message, revert_in=self.revert_in)
        except DaemonsDownError as exc:  # refused before the checkpoint: nothing changed by this commit
            if not already:
                self.touched.discard(host.name)
            raise CheckFailedError(host.name, "daemons", safe(str(exc))) from None
        except Exception as exc:
            raise CheckFailedError(host.name, "commit", safe(str(exc))) from None
        try:
            driver.load_replace_candidate(config=config)
            left = safe(str(driver.compare_config())).strip()
        finally:
            driver.discard_config()
        if left:
            lines = left.splitlines()
            raise CheckFailedError(
                host.name,
                "commit",
                f"still differs from the committed config ({len(lines)} lines): " + "; ".join(lines[:5]),
            )

    def _check_sessions(self, device: Host, later: set[int]) -> None:
        model = expand(self.plan, device.name)
        driver = self.fleet.driver(device)

        def check() -> None:
            self.waiting.update(check_sessions(self.plan, model, driver, later))

        wait_until(check, self.converge_timeout)

    def _check_weights(self, device: Host) -> None:
        model = expand(self.plan, device.name)
        driver = self.fleet.driver(device)
        notes: list[str] = []

        def check() -> None:
            notes[:] = [check_weights(self.plan, model, driver, self.waiting)]

        wait_until(check, self.converge_timeout)
        self.notes.extend(n for n in notes if n)

    def _lldp(self, host: Host) -> Any:
        try:
            return self.fleet.driver(host).get_lldp_neighbors()
        except NotImplementedError:
            raise CheckFailedError(
                host.name, "cabling", "its NAPALM driver cannot read LLDP neighbours (push --skip-cabling goes without)"
            ) from None

    def _check_cabling(self, step: str, names: list[str]) -> None:
        """A miswired or missing cable fails the plane before anything changes: a config pushed over the
        wrong cable would look broken, and rolling it back would not fix the cable. LLDP is asked again
        until the post-check timeout while it disagrees: a port may not have spoken since it came up,
        and a cable just moved is heard at its old end until that neighbour's TTL expires."""
        intended = intended_cables(self.plan)
        deadline = time.monotonic() + self.converge_timeout
        while True:
            neighbors = self.each(step + "cabling", names, self._lldp)
            found = cabling_findings(intended, observed_cables(neighbors), neighbors)
            errors = [f for f in found if f.severity is Severity.ERROR]
            if not errors or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        for f in found:
            if f.severity is Severity.WARNING:
                self.log(f"  cabling: warning {f.code} {f.message}")
        if errors:
            raise StepFailedError([CheckFailedError(f.device or "-", f"cabling {f.code}", f.message) for f in errors])

    def _rollback(self, names: list[str]) -> list[str]:
        """Every device this push committed to goes back to its last confirmed config."""

        def rollback(host: Host) -> None:
            self.fleet.driver(host).rollback()

        with self._timed("rollback"):
            done, failed = self.fleet.run("rollback", sorted(self.touched & set(names)), rollback)
        for name, exc in sorted(failed.items()):
            self.log(f"  rollback failed: {as_check_failure(name, exc)}")
        return sorted(done)

    def plane(self, plane: int, names: list[str], only_diff: bool) -> PlaneResult:
        start, cpu = time.perf_counter(), os.times()
        result = PlaneResult(plane, names)
        self.steps = result.steps
        try:
            return self._plane(result, only_diff)
        finally:
            result.seconds = time.perf_counter() - start
            now = os.times()  # clock ticks as floats: a difference of sums can come out as -1e-17
            result.tool_cpu = max(0.0, (now.user - cpu.user) + (now.system - cpu.system))
            result.helper_cpu = max(
                0.0, (now.children_user - cpu.children_user) + (now.children_system - cpu.children_system)
            )

    def _plane(self, result: PlaneResult, only_diff: bool) -> PlaneResult:
        plane, names = result.plane, result.devices
        step = f"plane {plane}: "
        try:
            diffs = self.each(step + "diff", names, self._diff)  # a rejected candidate stops here, nothing changed
            result.changed = sorted(n for n, d in diffs.items() if d.strip())
            for name in result.changed:
                self.log(f"--- {name}\n{diffs[name]}")
            if only_diff or not result.changed:
                return result
            if self.cabling:
                self.log(f"plane {plane}: cabling (LLDP against the intended wiring)")
                self._check_cabling(step, names)
            drained = drain_step(self.plan, plane, names, result.changed, self.target, self.templates)
            result.drained = sorted(drained)
            regions = drain_regions(self.plan, result.changed)
            self.log(f"plane {plane}: draining {len(drained)} devices in {', '.join(regions)}")
            self.each(
                step + "drain", drained, lambda h: self._commit(h, drained[h.name], f"bag push: drain plane {plane}")
            )
            # the drain commit already gave a changed device its target when draining does not alter it
            apply = sorted(n for n in drained if drained[n] != self.target(n))
            self.log(f"plane {plane}: applying the target config to {len(apply)} devices (undrain)")
            self.each(step + "apply", apply, lambda h: self._commit(h, self.target(h.name), f"bag push: plane {plane}"))
            self.log(f"plane {plane}: post-checks (sessions, prefixes, UCMP weights)")
            later = set(self.order[self.order.index(plane) + 1 :])
            self.waiting = set()
            self.notes = []
            self.each(step + "sessions", names, lambda h: self._check_sessions(h, later))
            self.each(step + "weights", names, self._check_weights)
            result.notes = sorted(self.notes)
            for line in summarize_notes(result.notes):
                self.log(f"plane {plane}: {line}")
            self.each(
                step + "confirm", sorted(self.touched & set(names)), lambda h: self.fleet.driver(h).confirm_commit()
            )
        except CheckFailedError as exc:
            result.error = exc
            result.failed = list(exc.errors) if isinstance(exc, StepFailedError) else [exc]
            self.log(f"plane {plane}: {exc}; rolling back")
            result.rolled_back = self._rollback(names)
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
    workers: int = DEFAULT_WORKERS,
    progress: StepProgress | None = None,
    templates: Path = TEMPLATES,
    cabling: bool = True,
) -> list[PlaneResult]:
    build(intent_path, out, templates=templates)
    plan = plan_checked(load_intent(intent_path)).plan
    inventory = load_inventory(inventory_file)
    unknown = sorted(set(inventory.devices) - set(plan.wiring.nodes))
    if unknown:
        raise InventoryError(f"inventory devices not in the intent: {', '.join(unknown[:5])}")
    by_plane: dict[int, list[str]] = {}
    for name in sorted(inventory.devices):  # the intent, not the inventory, says which plane a device is in
        by_plane.setdefault(plan.wiring.nodes[name].plane, []).append(name)
    missing = sorted(set(planes or []) - set(by_plane))
    if missing:
        raise InventoryError(f"no device of plane {', '.join(map(str, missing))} in the inventory")
    order = planes or sorted(by_plane)
    results = []
    with fleet(inventory, workers, progress) as devices:
        rollout = Rollout(
            plan, devices, out, revert_in, converge_timeout, log, order, templates=templates, cabling=cabling
        )
        for plane in order:
            result = rollout.plane(plane, by_plane[plane], only_diff=not commit)
            results.append(result)
            if result.error:
                break
    return results

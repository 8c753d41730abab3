"""`lab fail` / `lab restore`: cause one of `analyze`'s failure scenarios in the real lab and measure it.

A scenario takes out links (set down at both ends: the peers lose carrier, as with a cut fibre or a
dead line card) and devices (every link down and the FRR daemons stopped: a switch that lost
power). After convergence the kernels are compared with `analyze`'s prediction for the same
scenario: capacity per region pair and per fabric, and the UCMP shares of every device whose
weights the scenario changes; every other device must still forward as the model predicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.analysis.capacity import Scenario, base_capacity, scenario
from generator.catalogue import CATALOGUE
from generator.compile.network import Plan
from generator.compile.ucmp import normalized
from generator.deploy.kernel import Table
from generator.deploy.verify import (
    WEIGHT_TOLERANCE,
    Verification,
    destination_prefixes,
    interface_of,
    verify_until,
)
from generator.findings import Finding

KINDS = {
    "link": "DEVICE:INTERFACE",
    "line-card": "DEVICE:CARD",
    "bag-switch": "DEVICE",
    "plane": "REGION:PLANE",
    "data-hall": "TAG",
    "power-domain": "TAG",
}
LABELS = {
    "link": "link",
    "line-card": "line card",
    "bag-switch": "BAG switch",
    "plane": "plane",
    "data-hall": "data hall",
    "power-domain": "power domain",
}


class ScenarioError(ValueError):
    """A scenario that does not name a part of this intent (the CLI's exit 2)."""


@dataclass(frozen=True)
class Failure:
    kind: str  # one of KINDS
    name: str  # analyze's name of what fails
    links: frozenset[int]
    nodes: frozenset[str] = field(default_factory=frozenset)


def usage() -> str:
    return "; ".join(f"{k}:{v}" for k, v in KINDS.items())


def parse_failure(plan: Plan, text: str) -> Failure:
    """`bag-switch:east-bag-p1-s1`, `line-card:east-bag-p1-s1:2`, `link:east-bag-p1-s1:swp8`,
    `plane:east:1`, `data-hall:hall-a`, `power-domain:pdu-a` -> what fails."""
    kind, _, rest = text.partition(":")
    if kind not in KINDS or not rest:
        raise ScenarioError(f"scenario {text!r}: expected one of {usage()}")
    wiring = plan.wiring
    if not wiring.links_of:
        wiring.index_links()
    bags = [n for n, v in wiring.nodes.items() if v.role == "bag"]

    def device(name: str) -> str:
        if name not in wiring.nodes:
            raise ScenarioError(f"scenario {text!r}: no device {name!r} in intent {plan.intent.name}")
        return name

    def whole(members: set[str], label: str) -> Failure:
        if not members:
            raise ScenarioError(f"scenario {text!r}: no BAG switch has {label}")
        dead = frozenset(i for m in members for i in wiring.links_of[m])
        return Failure(kind, rest, dead, frozenset(members))

    if kind == "bag-switch":
        name = device(rest)
        if wiring.nodes[name].role != "bag":
            raise ScenarioError(f"scenario {text!r}: {name} is not a BAG switch")
        return whole({name}, name)
    if kind in ("link", "line-card"):
        name, _, part = rest.rpartition(":")
        name = device(name)
        if kind == "link":
            found = [i for i in wiring.links_of[name] if interface_of(plan, i, name) == part]
            if not found:
                raise ScenarioError(f"scenario {text!r}: {name} has no link on interface {part!r}")
            link = wiring.links[found[0]]
            return Failure(kind, f"{link.a} <-> {link.b}", frozenset(found))
        if not part.isdigit():
            raise ScenarioError(f"scenario {text!r}: line card must be a number")
        card = int(part)
        dead = frozenset(
            i
            for i in wiring.links_of[name]
            if (plan.layout.a_port[i] if wiring.links[i].a == name else plan.layout.b_port[i]).line_card == card
        )
        if not dead:
            raise ScenarioError(f"scenario {text!r}: line card {card} of {name} carries no link")
        return Failure(kind, f"{name} line card {card}", dead)
    if kind == "plane":
        region, _, number = rest.rpartition(":")
        if not number.isdigit():
            raise ScenarioError(f"scenario {text!r}: expected plane:REGION:PLANE")
        members = {b for b in bags if wiring.nodes[b].region == region and wiring.nodes[b].plane == int(number)}
        return whole(members, f"region {region} plane {number}")
    attr = "data_hall" if kind == "data-hall" else "power_domain"
    return whole({b for b in bags if getattr(wiring.nodes[b], attr) == rest}, f"{attr} {rest}")


def predict(plan: Plan, failure: Failure) -> Scenario:
    """analyze's prediction for this failure (the same function `analyze` reports with)."""
    return scenario(
        plan, LABELS[failure.kind], failure.name, set(failure.links), set(failure.nodes), base_capacity(plan)
    )


def interfaces_down(plan: Plan, failure: Failure) -> list[tuple[str, str]]:
    """(device, interface) of both ends of every dead link: what `lab fail` sets down."""
    ends = set()
    for i in failure.links:
        link = plan.wiring.links[i]
        ends.add((link.a, interface_of(plan, i, link.a)))
        ends.add((link.b, interface_of(plan, i, link.b)))
    return sorted(ends)


# ---------------------------------------------------------------------------------------- measuring


def weight_findings(plan: Plan, predicted: Scenario, kernels: dict[str, Table]) -> list[Finding]:
    """BAG303 for every (affected device, prefix) whose kernel shares differ from analyze's prediction."""
    prefixes = destination_prefixes(plan)
    findings = []
    for device, by_dest in sorted(predicted.weights.items()):
        table = kernels.get(device, {})
        for dest, shares in sorted(by_dest.items()):
            for prefix in prefixes[dest]:
                have: dict[str, int] = {}
                for hop in table.get(prefix, frozenset()):
                    have[hop.interface] = have.get(hop.interface, 0) + hop.weight
                names = sorted(set(have) | set(shares))
                got = dict(zip(names, normalized(have.get(n, 0) for n in names), strict=True))
                if all(abs(got[n] - shares.get(n, 0.0)) <= WEIGHT_TOLERANCE for n in names):
                    continue
                findings.append(
                    Finding(
                        "BAG303",
                        f"after {predicted.kind} {predicted.name}: {prefix}: kernel "
                        + (", ".join(f"{n} {got[n]:.0%}" for n in sorted(have)) or "no route")
                        + "; analyze predicts "
                        + (", ".join(f"{n} {s:.0%}" for n, s in sorted(shares.items())) or "no route"),
                        device=device,
                        hint=CATALOGUE["BAG303"].fix,
                    )
                )
    return findings


def capacity_findings(predicted: Scenario, measured: Verification) -> list[Finding]:
    findings = []
    for label, want, have in (
        ("region pair", predicted.pair_bps, measured.pair_bps),
        ("fabric", predicted.fabric_bps, measured.fabric_bps),
    ):
        for key in sorted(set(want) | set(have)):
            if want.get(key, 0) != have.get(key, 0):
                findings.append(
                    Finding(
                        "BAG302",
                        f"after {predicted.kind} {predicted.name}: {label} {key}: measured "
                        f"{have.get(key, 0) / 1e9:g} Gbps in service, analyze predicts {want.get(key, 0) / 1e9:g} Gbps",
                        hint=CATALOGUE["BAG302"].fix,
                    )
                )
    return findings


@dataclass
class Measurement:
    predicted: Scenario
    verification: Verification
    findings: list[Finding]  # BAG301 (model), BAG302 (capacity), BAG303 (analyze's weights)
    seconds: float  # until the kernels matched the prediction (or the timeout)


def measure(
    plan: Plan,
    names: list[str],
    connect: Callable[[str], Any],
    failure: Failure | None,
    timeout: float,
) -> Measurement:
    """Wait until the lab forwards as predicted for `failure` (None: the baseline), then report."""
    predicted = (
        predict(plan, failure)
        if failure
        else scenario(plan, "baseline", "nothing failed", set(), set(), base_capacity(plan))
    )
    links = failure.links if failure else frozenset()
    nodes = failure.nodes if failure else frozenset()
    found: list[Finding] = []

    def settled(v: Verification) -> bool:
        nonlocal found
        kernels = v.kernels
        found = v.findings + capacity_findings(predicted, v) + weight_findings(plan, predicted, kernels)
        return not found

    verification, seconds = verify_until(plan, names, connect, timeout, links, nodes, settled)
    return Measurement(predicted, verification, found, seconds)

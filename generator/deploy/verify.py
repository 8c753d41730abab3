"""`lab verify`: the compiled model's forwarding prediction against what every kernel installed.

For every device and every fabric prefix it should reach (IPv4 and IPv6), the next hops and their
weight shares predicted by `compile.ucmp.expected_paths` must equal the kernel's; a prefix the
device should not reach must not be in its kernel. The same check, given failed links and devices,
is how `lab fail` compares a failure with the analysis' prediction; and the kernel tables also give
the measured capacity: a link is in service when the kernels at its ends forward over it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from generator.catalogue import CATALOGUE
from generator.compile.network import Plan
from generator.compile.ucmp import expected_paths, normalized
from generator.deploy.kernel import Table, kernel_table
from generator.findings import Finding

WEIGHT_TOLERANCE = 0.02  # FRR installs integer weights (1-100) proportional to the bandwidths

Forwarding = dict[str, dict[str, int]]  # prefix -> outgoing interface -> bandwidth it is weighted by


def destination_prefixes(plan: Plan) -> dict[str, list[str]]:
    """Every destination of the UCMP model ("fabric:X", "region:Y") with its prefixes, both families."""
    result: dict[str, list[str]] = {}
    for region in plan.intent.regions:
        for fabric in region.fabrics:
            result[f"fabric:{fabric.name}"] = [str(p) for p in fabric.prefixes]
        result[f"region:{region.name}"] = [str(p) for f in region.fabrics for p in f.prefixes]
    return result


def interface_of(plan: Plan, link: int, device: str) -> str:
    ends = plan.ends(link)
    return ends.a_if if plan.wiring.links[link].a == device else ends.b_if


def expected_forwarding(
    plan: Plan,
    devices: Iterable[str] | None = None,
    failed_links: Iterable[int] = (),
    failed_nodes: Iterable[str] = (),
) -> dict[str, Forwarding]:
    """Per device, per fabric prefix, the interfaces the model forwards over and their bandwidths.

    Devices that are drained or failed are left out: they carry nothing, so nothing is predicted.
    """
    dead = set(failed_nodes)
    names = [
        n
        for n in (plan.wiring.nodes if devices is None else devices)
        if n not in dead and not plan.wiring.nodes[n].drained
    ]
    paths = expected_paths(plan.intent, plan.wiring, names, failed_links=failed_links, failed_nodes=dead)
    prefixes = destination_prefixes(plan)
    result: dict[str, Forwarding] = {}
    for name in names:
        forwarding: Forwarding = {}
        for dest, hops in paths[name].items():
            by_interface: dict[str, int] = {}
            for hop in hops:
                iface = interface_of(plan, hop.link, name)
                by_interface[iface] = by_interface.get(iface, 0) + hop.bps
            if not by_interface:
                continue
            for prefix in prefixes[dest]:
                forwarding[prefix] = by_interface
        result[name] = forwarding
    return result


def own_prefixes(plan: Plan, device: str) -> set[str]:
    """A fabric switch's own fabric prefixes: connected (on lo), not learned, so not checked."""
    node = plan.wiring.nodes[device]
    return set(destination_prefixes(plan).get(f"fabric:{node.fabric}", [])) if node.fabric else set()


def forwarding_findings(device: str, expected: Forwarding, kernel: Table, checked: set[str]) -> list[Finding]:
    """BAG301 for every prefix of `checked` whose kernel next hops or weight shares differ from `expected`."""
    findings = []
    hint = CATALOGUE["BAG301"].fix
    for prefix in sorted(checked):
        want = expected.get(prefix, {})
        hops = kernel.get(prefix, frozenset())
        have: dict[str, int] = {}
        for hop in hops:
            have[hop.interface] = have.get(hop.interface, 0) + hop.weight
        if not want and not have:
            continue
        if set(want) != set(have):
            missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
            what = []
            if missing:
                what.append(f"missing {', '.join(missing)}")
            if extra:
                what.append(f"unexpected {', '.join(extra)}")
            findings.append(
                Finding(
                    "BAG301",
                    f"{prefix}: the kernel forwards via {_fmt(have)}, the model via {_fmt_share(want)} "
                    f"({'; '.join(what)})",
                    device=device,
                    hint=hint,
                )
            )
            continue
        names = sorted(want)
        shares = dict(zip(names, normalized(want[n] for n in names), strict=True))
        got = dict(zip(names, normalized(have[n] for n in names), strict=True))
        off = [n for n in names if abs(shares[n] - got[n]) > WEIGHT_TOLERANCE]
        if off:
            findings.append(
                Finding(
                    "BAG301",
                    f"{prefix}: kernel weights {_fmt(have)}, the model's shares {_fmt_share(want)} "
                    f"(differs on {', '.join(off)})",
                    device=device,
                    hint=hint,
                )
            )
    return findings


def _fmt(have: dict[str, int]) -> str:
    return "/".join(f"{k} {v}" for k, v in sorted(have.items())) or "nothing"


def _fmt_share(want: dict[str, int]) -> str:
    names = sorted(want)
    return "/".join(f"{n} {s:.0%}" for n, s in zip(names, normalized(want[n] for n in names), strict=True)) or "nothing"


# ---------------------------------------------------------------------------------------- reading the lab


def read_kernels(
    names: Iterable[str], connect: Callable[[str], Any], workers: int = 8
) -> tuple[dict[str, Table], list[Finding]]:
    """Every device's kernel table, read in parallel through its NAPALM driver; a device that cannot be
    read is a finding (BAG301: what it forwards cannot be seen), not a crash."""

    def read(name: str) -> tuple[str, Table | Finding]:
        try:
            with connect(name) as driver:
                return name, kernel_table(driver)
        except Exception as exc:
            text = f"cannot read the kernel: {type(exc).__name__}: {exc}"
            return name, Finding("BAG301", text, device=name, hint=CATALOGUE["BAG301"].fix)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(read, list(names)))
    tables = {n: r for n, r in results if not isinstance(r, Finding)}
    return tables, [r for _, r in results if isinstance(r, Finding)]


@dataclass
class Verification:
    findings: list[Finding]
    devices: int
    prefixes: int  # (device, prefix) pairs checked
    pair_bps: dict[str, int]  # measured: inter-region links the kernels at both ends forward over
    fabric_bps: dict[str, int]  # measured: BAG-to-fabric links in service
    kernels: dict[str, Table]  # what was read


def check(
    plan: Plan,
    kernels: dict[str, Table],
    failed_links: Iterable[int] = (),
    failed_nodes: Iterable[str] = (),
) -> Verification:
    """Compare the kernels with the model's prediction (under the given failures)."""
    dead = set(failed_nodes)
    expected = expected_forwarding(plan, kernels, failed_links, dead)
    every = {p for prefixes in destination_prefixes(plan).values() for p in prefixes}
    findings: list[Finding] = []
    checked = 0
    for name in sorted(expected):
        scope = every - own_prefixes(plan, name)
        checked += len(scope)
        findings += forwarding_findings(name, expected[name], kernels[name], scope)
    pair_bps, fabric_bps = measured_capacity(plan, kernels)
    return Verification(findings, len(expected), checked, pair_bps, fabric_bps, kernels)


def measured_capacity(plan: Plan, kernels: dict[str, Table]) -> tuple[dict[str, int], dict[str, int]]:
    """Capacity in service per region pair and per fabric, from the kernels alone.

    An inter-region link counts when each end forwards over it toward the other end's region; a
    fabric link when the BAG forwards over it toward the fabric and the fabric switch forwards over
    it toward anything.
    """
    nodes, links = plan.wiring.nodes, plan.wiring.links
    dest = destination_prefixes(plan)
    pairs = {f"{p.between[0]}~{p.between[1]}" for p in plan.intent.inter_region}
    pair_bps = dict.fromkeys(sorted(pairs), 0)
    fabric_bps = {f.name: 0 for r in plan.intent.regions for f in r.fabrics}
    used: dict[str, dict[str, set[str]]] = {}  # device -> interface -> prefixes forwarded over it
    for name, table in kernels.items():
        per: dict[str, set[str]] = {}
        for prefix, hops in table.items():
            for hop in hops:
                per.setdefault(hop.interface, set()).add(prefix)
        used[name] = per

    def forwards(device: str, link: int, toward: list[str] | None) -> bool:
        over = used.get(device, {}).get(interface_of(plan, link, device), set())
        return bool(over) if toward is None else bool(over & set(toward))

    for i, link in enumerate(links):
        if link.a not in kernels or link.b not in kernels:
            continue
        a, b = nodes[link.a], nodes[link.b]
        if link.kind == "fabric":
            if forwards(link.a, i, dest[f"fabric:{b.fabric}"]) and forwards(link.b, i, None):
                fabric_bps[b.fabric] += link.speed
        elif forwards(link.a, i, dest[f"region:{b.region}"]) and forwards(link.b, i, dest[f"region:{a.region}"]):
            key = f"{a.region}~{b.region}"
            pair_bps[key if key in pair_bps else f"{b.region}~{a.region}"] += link.speed
    return pair_bps, fabric_bps


def verify_until(
    plan: Plan,
    names: Iterable[str],
    connect: Callable[[str], Any],
    timeout: float,
    failed_links: Iterable[int] = (),
    failed_nodes: Iterable[str] = (),
    settled: Callable[[Verification], bool] = lambda v: not v.findings,
    interval: float = 1.0,
) -> tuple[Verification, float]:
    """Re-read the kernels until the check passes (`settled`) or `timeout` runs out: routing converges
    in seconds after a change, and a verdict read mid-convergence would be noise. Returns the last
    verification and the seconds it took."""
    start = time.monotonic()
    devices = list(names)
    dead = set(failed_nodes)
    alive = [d for d in devices if d not in dead]
    while True:
        kernels, unreadable = read_kernels(alive, connect)
        result = check(plan, kernels, failed_links, dead)
        result.findings = unreadable + result.findings
        elapsed = time.monotonic() - start
        if settled(result) or elapsed > timeout:
            return result, elapsed
        time.sleep(interval)

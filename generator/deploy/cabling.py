"""Cabling truth: what LLDP hears on every port against the wiring the intent compiles to.

`check_cabling` reads every device's LLDP neighbours through NAPALM (`get_lldp_neighbors`) and
compares the cables they describe with the intended links. A cable is the pair of ends LLDP says
are connected (seen from either end); each finding names both of its ends and what each end
should be cabled to, so the person at the rack knows which two plugs to move. Run it before a
push (a miswired link makes a config look broken) and on its own (`lab cabling`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from generator.catalogue import CATALOGUE
from generator.compile.network import Plan
from generator.deploy.verify import interface_of
from generator.findings import Finding

End = tuple[str, str]  # (device, interface)


def intended_cables(plan: Plan) -> dict[End, End]:
    """Both directions of every intended link: end -> far end."""
    wiring = plan.wiring
    if not wiring.links_of:
        wiring.index_links()
    cables: dict[End, End] = {}
    for i, link in enumerate(wiring.links):
        a, b = (link.a, interface_of(plan, i, link.a)), (link.b, interface_of(plan, i, link.b))
        cables[a], cables[b] = b, a
    return cables


def observed_cables(neighbors: dict[str, dict[str, list[dict[str, str]]]]) -> set[frozenset[End]]:
    """The cables LLDP describes: {local end, remote end} from every device's `get_lldp_neighbors`."""
    cables = set()
    for device, ports in neighbors.items():
        for port, heard in ports.items():
            for n in heard:
                cables.add(frozenset({(device, port), (n["hostname"], n["port"])}))
    return cables


def _end(end: End) -> str:
    return f"{end[0]} {end[1]}"


def cabling_findings(intended: dict[End, End], observed: set[frozenset[End]], read: Iterable[str]) -> list[Finding]:
    """Compare: every observed cable that is not intended, and every intended link nobody hears.

    `read` are the devices whose LLDP was read: an intended link is missing only when both of its
    ends were read and neither hears anything on that port.
    """
    findings = []
    heard = {end for cable in observed for end in cable}
    for cable in sorted(observed, key=sorted):
        ends = sorted(cable)
        if len(ends) != 2:  # a port that hears itself: a loop
            ends = ends * 2
        x, y = ends
        if intended.get(x) == y:
            continue
        known = [e for e in (x, y) if e in intended]
        if not known:
            findings.append(
                Finding(
                    "BAG306",
                    f"{_end(x)} <-> {_end(y)}: cabled, but the intent uses neither port",
                    device=x[0],
                    hint=CATALOGUE["BAG306"].fix,
                )
            )
            continue
        should = "; ".join(f"{_end(e)} should go to {_end(intended[e])}" for e in (x, y) if e in intended)
        findings.append(
            Finding(
                "BAG304",
                f"{_end(x)} <-> {_end(y)}: miswired ({should})",
                device=x[0],
                hint=CATALOGUE["BAG304"].fix,
            )
        )
    done = set(read)
    for a, b in sorted(intended.items()):
        if a < b and a[0] in done and b[0] in done and a not in heard and b not in heard:
            findings.append(
                Finding(
                    "BAG305",
                    f"{_end(a)} <-> {_end(b)}: intended, but neither end hears an LLDP neighbour",
                    device=a[0],
                    hint=CATALOGUE["BAG305"].fix,
                )
            )
    return findings


def read_lldp(
    names: Iterable[str], connect: Callable[[str], Any], workers: int = 8
) -> tuple[dict[str, Any], list[Finding]]:
    """Every device's `get_lldp_neighbors`, in parallel; a device that cannot be read is BAG307."""

    def read(name: str) -> tuple[str, Any]:
        try:
            with connect(name) as driver:
                return name, driver.get_lldp_neighbors()
        except Exception as exc:
            text = f"cannot read LLDP neighbours: {type(exc).__name__}: {exc}"
            return name, Finding("BAG307", text, device=name, hint=CATALOGUE["BAG307"].fix)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(read, list(names)))
    return (
        {n: r for n, r in results if not isinstance(r, Finding)},
        [r for _, r in results if isinstance(r, Finding)],
    )


def check_cabling(plan: Plan, names: Iterable[str], connect: Callable[[str], Any]) -> list[Finding]:
    """LLDP against the intended wiring, for the devices `names` (all of the plan's, usually)."""
    neighbors, unreadable = read_lldp(list(names), connect)
    return unreadable + cabling_findings(intended_cables(plan), observed_cables(neighbors), neighbors)

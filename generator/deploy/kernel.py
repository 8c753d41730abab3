"""The kernel is the truth of forwarding: what a device forwards, and where FRR's RIB disagrees.

FRR's `show ip route` says what zebra believes it installed; after a link flap FRR 8.4 can believe
three UCMP next hops while the kernel forwards over two (issue 15, defect 1). Every check that
claims "the weights are right" reads the kernel through `kernel_table` (`napalm_frr.get_kernel_routes`,
i.e. `ip -j route` on the router through the driver's transport), and `rib_kernel_findings` names
every route where the two disagree. Other platforms have no Linux kernel to read:
`KernelUnavailableError` says so, and the caller falls back to the platform's own getters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from generator.catalogue import CATALOGUE
from generator.findings import Finding, Severity

# code -> (severity, meaning, how to fix); the lead moves these into the findings catalogue

PROTOCOLS = ("bgp",)  # routes FRR installs in the lab; connected routes have another shape in each view


class Hop(NamedTuple):
    """One forwarding next hop: the outgoing interface, the gateway, and the kernel's weight."""

    interface: str
    gateway: str
    weight: int

    def __str__(self) -> str:
        return f"{self.gateway or 'direct'} dev {self.interface} weight {self.weight}"


Table = dict[str, frozenset[Hop]]  # prefix -> next hops


class KernelUnavailableError(Exception):
    """The device's driver cannot read a Linux kernel's forwarding table (not FRR)."""


def kernel_table(driver: Any, destination: str = "", protocols: Iterable[str] = PROTOCOLS) -> Table:
    """What the device's kernel forwards, per prefix (IPv4 and IPv6, or the one `destination`)."""
    from napalm_frr import FRRDriver, get_kernel_routes

    if not isinstance(driver, FRRDriver):
        raise KernelUnavailableError(f"{getattr(driver, 'hostname', '?')}: kernel routes are readable on FRR only")
    wanted = set(protocols)
    table: Table = {}
    for prefix, hops in get_kernel_routes(driver, destination).items():
        kept = frozenset(
            Hop(h["outgoing_interface"], h["next_hop"], int(h["weight"])) for h in hops if h["protocol"] in wanted
        )
        if kept:
            table[prefix] = kept
    return table


def rib_table(driver: Any, protocols: Iterable[str] = PROTOCOLS) -> Table:
    """The next hops FRR's RIB marks as installed in the FIB, per prefix, through `get_route_to`."""
    wanted = set(protocols)
    table: Table = {}
    for everything in ("0.0.0.0/0", "::/0"):
        for prefix, hops in driver.get_route_to(everything, longer=True).items():
            kept = frozenset(
                Hop(h["outgoing_interface"], h["next_hop"], int(h["protocol_attributes"]["weight"]))
                for h in hops
                if h["protocol"] in wanted
                and h["current_active"]
                and h["selected_next_hop"]
                and h["protocol_attributes"].get("installed", True)
            )
            if kept:
                table[prefix] = kept
    return table


def _hops(hops: Iterable[Hop]) -> str:
    return ", ".join(str(h) for h in sorted(hops)) or "nothing"


def rib_kernel_findings(device: str, rib: Table, kernel: Table) -> list[Finding]:
    """BAG300 for every prefix whose installed next hops differ between FRR's RIB and the kernel."""
    findings = []
    for prefix in sorted(set(rib) | set(kernel)):
        said, done = rib.get(prefix, frozenset()), kernel.get(prefix, frozenset())
        if said == done:
            continue
        missing, extra = sorted(said - done), sorted(done - said)
        detail = []
        if missing:
            detail.append(f"the kernel lacks {_hops(missing)}")
        if extra:
            detail.append(f"the kernel also forwards via {_hops(extra)}")
        findings.append(
            Finding(
                "BAG300",
                f"{prefix}: FRR's RIB installed {_hops(said)}; the kernel forwards via {_hops(done)} ("
                + "; ".join(detail)
                + ")",
                device=device,
                hint=CATALOGUE["BAG300"].fix,
                severity=Severity.ERROR,
            )
        )
    return findings


def device_kernel_findings(device: str, driver: Any) -> list[Finding]:
    """Read both views of one device and compare them (kernel last: a flap in between shows as a difference
    only if it outlives the read, which the caller's retry absorbs)."""
    return rib_kernel_findings(device, rib_table(driver), kernel_table(driver))

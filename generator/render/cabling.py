"""The cabling plan: every physical link as data-center operations patch it.

One row per cable, from the plan alone (no device is expanded): both ends with device, port (the
platform's interface name), line card and breakout, the speed, region and plane of each end, and
the point-to-point addresses. `build` writes it as `out/cabling.csv` (the whole network) and one
CSV per region and BAG plane under `out/cabling/` (a plane is the unit of work); `build --docs`
adds a Markdown table per device to its page (every cable of the device, seen from it).

A cable's row is a function of its BAG-side device's input fingerprint (peer, speed, address slot,
ports, hardware and pools are all in it), so a plane's CSV is reused as-is while the fingerprints
of its BAG switches are unchanged. At gigawatt scale (207,360 cables) the CSV rows are written
straight from the plan (`plane_csv`, about 3 us a row); the per-device tables are opt-in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple

from generator.compile.network import Plan
from generator.model import PortRef
from generator.render import outdir
from generator.units import format_bps, speed_token

CSV_NAME, DIRECTORY = outdir.CABLING_CSV, outdir.CABLING_DIR
COLUMNS = (
    "kind",
    "device",
    "port",
    "line_card",
    "breakout",
    "peer",
    "peer_port",
    "peer_line_card",
    "peer_breakout",
    "speed",
    "region",
    "plane",
    "peer_region",
    "peer_plane",
    "ipv4",
    "peer_ipv4",
    "ipv6",
    "peer_ipv6",
    "macsec_profile",
)


class End(NamedTuple):
    """One end of a cable."""

    device: str
    port: str  # interface name in the device's platform convention
    line_card: int
    breakout: str  # "2x400G" when the port is broken out, "" for a whole port
    region: str
    plane: int
    ipv4: str  # "10.1.0.0/31" or ""
    ipv6: str


class Cable(NamedTuple):
    kind: str  # "fabric" (BAG <-> fabric switch) or "inter" (BAG <-> BAG)
    a: End  # the BAG side (fabric links) or the first region's BAG switch (inter-region links)
    b: End
    speed: int  # bits per second
    macsec_profile: str

    def seen_from(self, device: str) -> tuple[End, End]:
        """(this device's end, the peer's end)."""
        return (self.a, self.b) if self.a.device == device else (self.b, self.a)

    def row(self) -> tuple[str, ...]:
        a, b = self.a, self.b
        return (
            self.kind,
            a.device,
            a.port,
            str(a.line_card),
            a.breakout,
            b.device,
            b.port,
            str(b.line_card),
            b.breakout,
            _token(self.speed),
            a.region,
            str(a.plane),
            b.region,
            str(b.plane),
            a.ipv4,
            b.ipv4,
            a.ipv6,
            b.ipv6,
            self.macsec_profile,
        )


@cache
def _token(bps: int) -> str:
    return speed_token(bps)


@cache
def _breakout(ref: PortRef, speed: int) -> str:
    return f"{ref.lanes}x{_token(speed)}" if ref.lanes > 1 else ""


_CACHE: list[Any] = [None, {}]  # [the plan the cables belong to, link index -> Cable]


def cable(plan: Plan, i: int) -> Cable:
    """Cable `i` of the plan; each is built once per process (a device's table, its peer's table and
    its plane's CSV all show it)."""
    if _CACHE[0] is not plan:
        _CACHE[0], _CACHE[1] = plan, {}
    cached: Cable | None = _CACHE[1].get(i)
    if cached is None:
        cached = _CACHE[1][i] = _cable(plan, i)
    return cached


def _cable(plan: Plan, i: int) -> Cable:
    link = plan.wiring.links[i]
    nodes = plan.wiring.nodes
    e = plan.ends(i)
    pa, pb = plan.layout.a_port[i], plan.layout.b_port[i]
    na, nb = nodes[link.a], nodes[link.b]
    return Cable(
        link.kind,
        End(
            link.a,
            e.a_if,
            pa.line_card,
            _breakout(pa, link.speed),
            na.region,
            na.plane,
            f"{e.a_ipv4}/31" if e.a_ipv4 else "",
            f"{e.a_ipv6}/127" if e.a_ipv6 else "",
        ),
        End(
            link.b,
            e.b_if,
            pb.line_card,
            _breakout(pb, link.speed),
            nb.region,
            nb.plane,
            f"{e.b_ipv4}/31" if e.b_ipv4 else "",
            f"{e.b_ipv6}/127" if e.b_ipv6 else "",
        ),
        link.speed,
        plan.macsec(link.pool),
    )


def _port_order(plan: Plan, name: str) -> list[int]:
    """A device's link indexes in the order of its ports (line card, port, lane), as patched."""
    links, a_port, b_port = plan.wiring.links, plan.layout.a_port, plan.layout.b_port
    return [
        i for _, i in sorted((a_port[i] if links[i].a == name else b_port[i], i) for i in plan.wiring.links_of[name])
    ]


def device_cables(plan: Plan, name: str) -> list[Cable]:
    """Every cable of one device, in port order."""
    return [cable(plan, i) for i in _port_order(plan, name)]


def anchored_cables(plan: Plan, names: Iterable[str]) -> Iterator[Cable]:
    """The cables whose `a` end is one of these devices: each cable once, by device then port."""
    links = plan.wiring.links
    for name in names:
        for i in _port_order(plan, name):
            if links[i].a == name:
                yield cable(plan, i)


# ------------------------------------------------------------------------------ files


def shard_label(region: str, plane: int) -> str:
    """File stem of a region's plane: `east-p1` (`cabling/east-p1.csv`)."""
    return outdir.plane_label(region, plane)


def shard_key(fingerprints: Iterable[str]) -> str:
    """Key of a plane's CSV: the input fingerprints of its BAG switches (the `a` ends of its cables)."""
    return hashlib.blake2b("\n".join(fingerprints).encode(), digest_size=16).hexdigest()


def csv_rows(cables: Iterable[Cable]) -> str:
    """CSV text of these cables (`\\n` line ends), without a header. Every field is a generated name,
    number or address (names are checked by the intent schema): none holds a comma or a quote, so
    no field needs quoting (RFC 4180 section 2)."""
    return "".join(",".join(c.row()) + "\n" for c in cables)


def csv_header() -> str:
    return ",".join(COLUMNS) + "\n"


@cache
def _speed(bps: int) -> str:
    return format_bps(bps)


def plane_csv(plan: Plan, anchors: list[str]) -> str:
    """The CSV rows of the cables anchored at these devices: the same text as `csv_rows` of their
    `anchored_cables`, formatted straight from the plan (the hot path of a full build)."""
    links, a_port, b_port, nodes = plan.wiring.links, plan.layout.a_port, plan.layout.b_port, plan.wiring.nodes
    lines = []
    for name in anchors:
        for i in _port_order(plan, name):
            link = links[i]
            if link.a != name:
                continue
            e = plan.ends(i)
            pa, pb = a_port[i], b_port[i]
            na, nb = nodes[link.a], nodes[link.b]
            token = _token(link.speed)
            lines.append(
                f"{link.kind},{link.a},{e.a_if},{pa.line_card},{_breakout(pa, link.speed)},"
                f"{link.b},{e.b_if},{pb.line_card},{_breakout(pb, link.speed)},{token},"
                f"{na.region},{na.plane},{nb.region},{nb.plane},"
                f"{e.a_ipv4 + '/31' if e.a_ipv4 else ''},{e.b_ipv4 + '/31' if e.b_ipv4 else ''},"
                f"{e.a_ipv6 + '/127' if e.a_ipv6 else ''},{e.b_ipv6 + '/127' if e.b_ipv6 else ''},"
                f"{plan.macsec(link.pool)}\n"
            )
    return "".join(lines)


def device_markdown(name: str, cables: list[Cable]) -> str:
    """A device's cables as one Markdown table, seen from the device (its port first)."""
    lines = [
        "| port | line card | breakout | speed | peer | peer port | peer line card | peer breakout | kind | peer plane "
        "| IPv4 | peer IPv4 | IPv6 | peer IPv6 | MACsec |",
        "|---|---:|---|---|---|---|---:|---|---|---|---|---|---|---|---|",
    ]
    # every cell is a generated name, number or address (device names are checked by the intent
    # schema): nothing can hold a "|", so no escaping; "-" stands for an empty cell
    for c in cables:
        mine, peer = c.seen_from(name)
        lines.append(
            f"| {mine.port} | {mine.line_card} | {mine.breakout or '-'} | {_speed(c.speed)} | {peer.device} "
            f"| {peer.port} | {peer.line_card} | {peer.breakout or '-'} | {c.kind} | {peer.region} {peer.plane} "
            f"| {mine.ipv4 or '-'} | {peer.ipv4 or '-'} | {mine.ipv6 or '-'} | {peer.ipv6 or '-'} "
            f"| {c.macsec_profile or '-'} |"
        )
    return "\n".join(lines) + "\n"

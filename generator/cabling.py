"""The cabling plan: every physical link as data-center operations patch it.

One row per cable, from the plan alone (no device is expanded): both ends with device, port (the
platform's interface name), line card and breakout, the speed, region and plane of each end, and
the point-to-point addresses. `build` writes it as `out/cabling.csv` (the whole network), one CSV per
region and BAG plane under `out/cabling/` (a plane is the unit of work), and one Markdown table per
device (`out/cabling/<device>.md`, every cable of that device seen from it).

A cable's row is a function of its BAG-side device's input fingerprint (peer, speed, address slot,
ports, hardware and pools are all in it), so a plane's CSV is reused as-is while the fingerprints
of its BAG switches are unchanged, and a device's table while its own fingerprint is.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from generator.compile.network import Plan
from generator.compile.ports import PortRef
from generator.units import format_bps, speed_token

CSV_NAME = "cabling.csv"
DIRECTORY = "cabling"
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
            speed_token(self.speed),
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


def _breakout(ref: PortRef, speed: int) -> str:
    return f"{ref.lanes}x{speed_token(speed)}" if ref.lanes > 1 else ""


def cable(plan: Plan, i: int) -> Cable:
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
    refs = [(a_port[i] if links[i].a == name else b_port[i], i) for i in plan.wiring.links_of[name]]
    return [i for ref, i in sorted(refs, key=lambda r: (r[0].line_card, r[0].port, r[0].lane, r[1]))]


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
    return f"{region}-p{plane}"


def shard_key(fingerprints: Iterable[str]) -> str:
    """Key of a plane's CSV: the input fingerprints of its BAG switches (the `a` ends of its cables)."""
    return hashlib.blake2b("\n".join(fingerprints).encode(), digest_size=16).hexdigest()


def csv_rows(cables: Iterable[Cable]) -> str:
    """CSV text of these cables (csv module quoting, `\\n` line ends), without a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(c.row() for c in cables)
    return buffer.getvalue()


def csv_header() -> str:
    return ",".join(COLUMNS) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "-"


def device_markdown(name: str, cables: list[Cable]) -> str:
    """A device's cables as one Markdown table, seen from the device (its port first)."""
    lines = [
        f"# Cabling of {name}",
        "",
        f"{len(cables)} cable(s), in port order.",
        "",
        "| port | line card | breakout | speed | peer | peer port | peer line card | peer breakout | kind | peer plane "
        "| IPv4 | peer IPv4 | IPv6 | peer IPv6 |",
        "|---|---:|---|---|---|---|---:|---|---|---|---|---|---|---|",
    ]
    for c in cables:
        mine, peer = c.seen_from(name)
        plane = f"{peer.region} {peer.plane}"
        cells = (
            mine.port,
            str(mine.line_card),
            mine.breakout,
            format_bps(c.speed),
            peer.device,
            peer.port,
            str(peer.line_card),
            peer.breakout,
            c.kind,
            plane,
            mine.ipv4,
            peer.ipv4,
            mine.ipv6,
            peer.ipv6,
        )
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"

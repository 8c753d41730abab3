"""`analyze`: the capacity and failure-domain report, as terminal tables, Markdown, JSON and a
Mermaid diagram of the BAG planes and region pairs (GitHub and GitLab render it in the Markdown)."""

from __future__ import annotations

import itertools

from rich.table import Table

from generator.analysis.capacity import Analysis, PlaneCapacity
from generator.units import format_bps


def ratio(value: float) -> str:
    return f"{value:.2f}:1"


def mermaid(a: Analysis) -> str:
    """Regions as boxes holding their BAG planes, region pairs as edges labelled with capacity."""
    lines = ["flowchart LR"]
    planes: dict[str, list[int]] = {}
    for p in a.planes:
        planes.setdefault(p.region, [])
        if p.plane not in planes[p.region]:
            planes[p.region].append(p.plane)
    for region, numbers in planes.items():
        lines.append(f'  subgraph {region}["{region}"]')
        over = max(p.oversubscription for p in a.planes if p.region == region)
        lines.append(f'    {region}_bag["BAG: {len(numbers)} planes<br/>L2 oversub <= {ratio(over)}"]')
        lines.append("  end")
    for pair, bps in a.pair_bps.items():
        x, y = pair.split("~")
        lines.append(f'  {x}_bag <-->|"{format_bps(bps)} {a.pair_topology[pair]}"| {y}_bag')
    return "\n".join(lines) + "\n"


def markdown(a: Analysis) -> str:
    out = [
        f"# Capacity analysis: {a.intent}",
        "",
        "## L2 -> BAG oversubscription per plane",
        "",
        "| region | fabric | planes | southbound | uplinks to BAG | oversubscription |",
        "|---|---|---|---|---|---|",
    ]
    grouped: dict[tuple[str, str, int, int], list[int]] = {}
    for p in a.planes:
        grouped.setdefault((p.region, p.fabric, p.downlink_bps, p.uplink_bps), []).append(p.plane)
    for (region, fabric, down, up), numbers in grouped.items():
        over = down / up if up else float("inf")
        out.append(
            f"| {region} | {fabric} | {','.join(map(str, numbers))} | {format_bps(down)} | {format_bps(up)} "
            f"| {ratio(over)} |"
        )
    out += ["", "## Region pairs", "", "| pair | topology | capacity |", "|---|---|---|"]
    out += [f"| {k} | {a.pair_topology[k]} | {format_bps(v)} |" for k, v in a.pair_bps.items()]
    out += [
        "",
        "BAG-to-BAG oversubscription (fabric-facing / inter-region capacity): "
        + ", ".join(f"{r} {ratio(v)}" for r, v in a.region_bag_oversubscription.items()),
        "",
    ]
    out += [
        "## Failure domains",
        "",
        "| failure | what | capacity left per pair | worst surviving BAG loses |",
        "|---|---|---|---|",
    ]
    for s in a.scenarios:
        left = ", ".join(f"{k} {s.pair_bps[k] / a.pair_bps[k]:.1%}" for k in a.pair_bps if a.pair_bps[k])
        out.append(f"| {s.kind} | {s.name} | {left} | {s.worst_remote_loss:.1%} |")
    out.append("")
    for kind in ("link", "line card", "BAG switch", "plane", "data hall", "power domain"):
        worst = a.worst(kind)
        if worst:
            floor = min((worst.pair_bps[k] / a.pair_bps[k] for k in a.pair_bps if a.pair_bps[k]), default=1.0)
            out.append(f"- worst {kind}: {worst.name} leaves {floor:.1%} of a region pair's capacity")
    out += weight_lines(a)
    out += ["", "## Diagram", "", "```mermaid", mermaid(a).rstrip(), "```", ""]
    if a.findings:
        out += ["## Findings", ""] + [f"- {f}" for f in a.findings] + [""]
    return "\n".join(out)


WEIGHT_LINES = 12  # per scenario in Markdown; the JSON lists every device


def weight_lines(a: Analysis) -> list[str]:
    """The new UCMP weights after each failure, device by device (the first WEIGHT_LINES of each)."""
    out = []
    for s in a.scenarios:
        if not s.weights:
            continue
        out += ["", f"UCMP weights after losing {s.kind} {s.name}: {len(s.weights)} devices change", ""]
        rows = (
            f"- {device} -> {dest}: "
            + (", ".join(f"{k} {v:.1%}" for k, v in shares.items()) if shares else "no next hop left")
            for device, by_dest in s.weights.items()
            for dest, shares in by_dest.items()
        )
        out += itertools.islice(rows, WEIGHT_LINES)
        more = sum(len(by_dest) for by_dest in s.weights.values()) - WEIGHT_LINES
        if more > 0:
            out.append(f"- ... {more} more in analysis.json")
    return out


def tables(a: Analysis) -> list[Table]:
    planes = Table(title="L2 -> BAG oversubscription (worst plane per fabric)")
    for column in ("region", "fabric", "southbound", "uplinks", "oversubscription"):
        planes.add_column(column)
    worst: dict[tuple[str, str], PlaneCapacity] = {}
    for p in a.planes:
        key = (p.region, p.fabric)
        if key not in worst or p.oversubscription > worst[key].oversubscription:
            worst[key] = p
    for p in worst.values():
        planes.add_row(
            p.region, p.fabric, format_bps(p.downlink_bps), format_bps(p.uplink_bps), ratio(p.oversubscription)
        )
    pairs = Table(title="Region pairs")
    for column in ("pair", "topology", "capacity"):
        pairs.add_column(column)
    for k, v in a.pair_bps.items():
        pairs.add_row(k, a.pair_topology[k], format_bps(v))
    failures = Table(title="Failure domains: capacity left per region pair")
    for column in ("failure", "what", "left", "worst surviving BAG loses", "devices whose weights change"):
        failures.add_column(column)
    for s in a.scenarios:
        left = ", ".join(f"{k} {s.pair_bps[k] / a.pair_bps[k]:.1%}" for k in a.pair_bps if a.pair_bps[k])
        failures.add_row(s.kind, s.name, left, f"{s.worst_remote_loss:.1%}", str(len(s.weights)))
    return [planes, pairs, failures]

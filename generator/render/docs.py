"""Fabric documentation a person reads: one page for the whole fabric, one per device.

`build` writes `out/docs/fabric.md` (regions, planes, fabrics, hardware, ASN plan, address pools,
capacity, the links between the planes of every region pair) with a Mermaid diagram, and
`out/docs/fabric.svg` (the same picture for places that do not render Mermaid). `build --docs` adds
`out/docs/devices/<device>.md` (its cabling table, neighbours with their ASNs, peer groups, policies
with link-bandwidth values in real units, prefix lists): opt-in, because at gigawatt scale it is
12,672 more files, 160 MB and about 3 s of CPU (built in the render workers, reused like the configs).

Everything shown comes from the plan and the device models; no secret is ever written (a BGP
password shows only as "set").
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from generator.analysis.capacity import Analysis
from generator.compile.addressing import p2p_pools
from generator.compile.network import Plan
from generator.model import Device, LinkBandwidth, with_groups
from generator.render import outdir
from generator.render.cabling import Cable, device_markdown
from generator.units import format_bps, speed_token

DIRECTORY, DEVICES, FABRIC_PAGE = outdir.DOCS_DIR, outdir.DOCS_DEVICES, outdir.FABRIC_PAGE
FABRIC_SVG = outdir.FABRIC_SVG


def _cell(value: object) -> str:
    text = str(value)
    return text.replace("|", "\\|").replace("\n", " ") if text else "-"


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _ranges(numbers: Iterable[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = prev = None
    for n in [*ordered, None]:
        if n is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(parts)


# ------------------------------------------------------------------------------ device pages


def lbw_text(lbw: LinkBandwidth | None, device: Device) -> str:
    """A link-bandwidth community in real units, with the platform's own spelling of it."""
    if lbw is None:
        return ""
    kind = "transitive" if lbw.transitive else "non-transitive"
    if lbw.mode == "cumulative":
        return f"cumulative (sum of the multipaths' values, {kind})"
    spelled = f"`{lbw.encoded}`"
    if device.platform == "frr":
        spelled += f" in units of {format_bps(device.lbw_unit_bps)}"
    return f"{format_bps(lbw.bps)} ({spelled}, {kind})"


def device_page(device: Device, cables: list[Cable]) -> str:
    """One device: identity, its cables (interfaces with line card, breakout, peer and addresses),
    BGP neighbours with ASNs, peer groups, policies, prefix lists."""
    d = device
    placement = " / ".join(x for x in (d.data_hall, d.power_domain) if x)
    facts = [
        ("role", d.role),
        ("region", d.region),
        ("plane", f"{d.plane}{' (drained: announces nothing)' if d.drained else ''}"),
        ("switch", d.switch),
        ("fabric", d.fabric),
        ("platform", d.platform),
        ("hardware", f"{d.hardware} ({d.model})" if d.model else d.hardware),
        ("OS version", d.os_version),
        ("data hall / power domain", placement),
        ("ASN", d.bgp.asn),
        ("router ID", d.bgp.router_id),
        ("loopbacks", ", ".join(x for x in (d.loopback_ipv4, d.loopback_ipv6) if x)),
        ("MTU", d.mtu),
    ]
    lines = [f"# {d.name}", "", *_table(("", ""), facts), ""]
    lines += [f"## Interfaces and cabling ({len(cables)} cables, in port order)", ""]
    lines.append(device_markdown(d.name, cables).rstrip("\n"))
    bgp = d.bgp
    bfd = f"{bgp.bfd.interval_ms} ms x {bgp.bfd.multiplier}" if bgp.bfd.enabled else "off"
    ucmp = f"on (paths without link bandwidth: {bgp.on_missing})" if bgp.ucmp else "off"
    lines += ["", "## BGP", ""]
    lines += _table(
        ("", ""),
        (
            ("ASN", bgp.asn),
            ("maximum paths", bgp.maximum_paths),
            ("multipath relax (across neighbour ASNs)", "yes" if bgp.multipath_relax else "no"),
            ("UCMP (link bandwidth)", ucmp),
            ("keepalive / hold", f"{bgp.keepalive} s / {bgp.hold} s"),
            ("BFD", bfd),
            *((f"announces ({af.family})", ", ".join(af.networks)) for af in bgp.address_families),
        ),
    )
    lines += ["", f"## Neighbours ({len(bgp.neighbors)} sessions)", ""]
    lines += _table(
        ("address", "family", "remote AS", "peer", "interface", "link", "peer group", "import", "export", "state"),
        (
            (
                n.address,
                n.family,
                n.remote_as,
                n.peer,
                n.interface,
                format_bps(n.speed),
                g.name,
                g.import_policy,
                g.export_policy,
                "shut down (drain)" if g.shutdown else "enabled",
            )
            for n, g in with_groups(d)
        ),
    )
    lines += ["", "## Peer groups", ""]
    lines += _table(
        ("peer group", "family", "import", "export", "allowas-in", "aggregate bandwidth", "password", "description"),
        (
            (
                g.name,
                g.family,
                g.import_policy,
                g.export_policy,
                g.allowas_in or "off",
                "yes" if g.aggregate_bandwidth else "no",
                "set" if g.password else "none",
                g.description,
            )
            for g in bgp.peer_groups
        ),
    )
    lines += ["", "## Policies", ""]
    for policy in d.policies:
        lines += [f"### {policy.name} ({policy.family})", ""]
        lines += _table(
            ("seq", "action", "match prefix-list", "set link bandwidth"),
            (
                (t.seq, t.action, t.match_prefix_list or "any route", lbw_text(t.link_bandwidth, d))
                for t in policy.terms
            ),
        )
        lines.append("")
    lines += ["## Prefix lists", ""]
    for plist in d.prefix_lists:
        lines += [f"### {plist.name} ({plist.family})", ""]
        lines += _table(
            ("seq", "action", "prefix", "ge", "le"),
            ((e.seq, e.action, e.prefix, e.ge or "", e.le or "") for e in plist.entries),
        )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------ the fabric


@dataclass
class LinkStats:
    """What the fabric page needs from the links, gathered in one pass (200,000 links at gigawatt scale)."""

    links: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # per pool scope
    top_slot: dict[str, int] = field(default_factory=lambda: defaultdict(lambda: -1))  # highest address slot
    in_service: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # inter bps, both ends undrained
    # per region pair: (plane of the first region, plane of the second) -> [links, bits per second]
    planes: dict[str, dict[tuple[int, int], list[int]]] = field(default_factory=dict)
    sessions: int = 0


def link_stats(plan: Plan) -> LinkStats:
    nodes = plan.wiring.nodes
    families = {scope: (p.ipv4 is not None) + (p.ipv6 is not None) for scope, p in p2p_pools(plan.intent).items()}
    stats = LinkStats()
    top, service = stats.top_slot, stats.in_service
    planes: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(dict)
    pools = list(map(attrgetter("pool"), plan.wiring.links))
    stats.links.update(Counter(pools))
    for pool, slot in zip(pools, plan.layout.slot, strict=True):
        top[pool] = max(top[pool], slot)
    for link in plan.wiring.links:
        if link.kind == "inter":
            a, b = nodes[link.a], nodes[link.b]
            cell = planes[link.pool].get((a.plane, b.plane))
            if cell is None:
                cell = planes[link.pool][(a.plane, b.plane)] = [0, 0]
            cell[0] += 1
            cell[1] += link.speed
            if not a.drained and not b.drained:
                service[link.pool] += link.speed
    stats.planes = {pair: dict(sorted(cells.items())) for pair, cells in planes.items()}
    stats.sessions = sum(families.get(pool, 0) * n for pool, n in stats.links.items())
    return stats


def fabric_page(plan: Plan, capacity: Analysis, device_pages: bool, stats: LinkStats | None = None) -> str:
    """The fabric page (Markdown, with the Mermaid diagram)."""
    stats = stats or link_stats(plan)
    intent = plan.intent
    nodes = plan.wiring.nodes
    links = plan.wiring.links
    roles: dict[str, int] = defaultdict(int)
    for node in nodes.values():
        roles[node.role] += 1
    lines = [f"# Fabric {intent.name}", ""]
    if intent.description:
        lines += [intent.description, ""]
    lines += [
        f"{len(nodes):,} devices ({roles['bag']:,} BAG switches, {roles['spine']:,} NSF spine switches, "
        f"{roles['edge']:,} DSF edge switches), {len(links):,} links, {stats.sessions:,} eBGP sessions. "
        f"Cabling plan: [`cabling.csv`](../cabling.csv), and one CSV per region plane in [`cabling/`](../cabling/)"
        + ("; a page per device, with its cables, in [`devices/`](devices/)." if device_pages else "."),
        "",
        "## Diagram",
        "",
        "Regions with their BAG planes; edges carry the BAG-to-BAG links between planes of a region pair.",
        f"The same picture as SVG: [{FABRIC_SVG}]({FABRIC_SVG}).",
        "",
        "```mermaid",
        mermaid(plan, stats).rstrip("\n"),
        "```",
        "",
    ]

    lines += ["## Regions", ""]
    fabrics_of = {r.name: ", ".join(f.name for f in r.fabrics) for r in intent.regions}
    lines += _table(
        ("region", "BAG planes", "switches per plane", "BAG hardware", "drained planes", "fabrics", "loopbacks"),
        (
            (
                r.name,
                r.bag.planes,
                r.bag.switches_per_plane,
                r.bag.hardware,
                _ranges(r.bag.drained_planes) or "none",
                fabrics_of[r.name],
                ", ".join(str(p) for p in (r.addressing.loopback_ipv4, r.addressing.loopback_ipv6) if p),
            )
            for r in intent.regions
        ),
    )

    lines += ["", "## Planes", ""]
    per_plane: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])  # fabric switches, uplink bps
    for node in nodes.values():
        if node.role != "bag":
            per_plane[(node.region, node.plane)][0] += 1
    worst: dict[tuple[str, int], float] = {}
    for p in capacity.planes:
        per_plane[(p.region, p.plane)][1] += p.uplink_bps
        worst[(p.region, p.plane)] = max(worst.get((p.region, p.plane), 0.0), p.oversubscription)
    places: dict[tuple[str, int], set[str]] = defaultdict(set)
    for node in nodes.values():
        if node.role == "bag":
            places[(node.region, node.plane)].add(" / ".join(x for x in (node.data_hall, node.power_domain) if x))
    rows: list[tuple[object, ...]] = []
    for r in intent.regions:
        for plane in range(1, r.bag.planes + 1):
            fabric_switches, uplink = per_plane[(r.name, plane)]
            over = worst.get((r.name, plane), math.inf)
            rows.append(
                (
                    r.name,
                    plane,
                    r.bag.switches_per_plane,
                    fabric_switches,
                    format_bps(uplink),
                    f"{over:.2f}:1" if over != math.inf else "-",
                    ", ".join(sorted(x for x in places[(r.name, plane)] if x)),
                    "drained" if plane in r.bag.drained_planes else "in service",
                )
            )
    lines += _table(
        (
            "region",
            "plane",
            "BAG switches",
            "fabric switches",
            "fabric uplinks",
            "L2 -> BAG oversubscription",
            "data hall / power",
            "state",
        ),
        rows,
    )

    lines += ["", "## Fabrics", ""]
    asn = plan.layout.asn
    fabric_asns: dict[str, set[int]] = defaultdict(set)
    bag_asns: dict[str, set[int]] = defaultdict(set)
    for name, node in nodes.items():
        (bag_asns[node.region] if node.role == "bag" else fabric_asns[node.fabric]).add(asn[name])
    rows = []
    for r in intent.regions:
        for f in r.fabrics:
            speed = f.uplink_speed or intent.hardware[f.hardware].port_speed
            rows.append(
                (
                    f.name,
                    r.name,
                    f.kind.upper(),
                    f.switches_per_plane,
                    f"{f.uplinks_per_switch} x {speed_token(speed)}",
                    f"{f.downlinks.count} x {speed_token(f.downlinks.speed)}",
                    f.hardware,
                    ", ".join(str(p) for p in f.prefixes),
                    _asn_text(fabric_asns[f.name]),
                )
            )
    lines += _table(
        (
            "fabric",
            "region",
            "kind",
            "switches per plane",
            "uplinks per switch",
            "downlinks per switch",
            "hardware",
            "prefixes",
            "ASNs",
        ),
        rows,
    )

    lines += ["", "## Hardware", ""]
    lines += _table(
        ("profile", "platform", "model", "line cards", "ports", "port speed", "breakouts", "OS version"),
        (
            (
                name,
                hw.platform,
                hw.model,
                hw.line_cards,
                f"{hw.line_cards} x {hw.ports_per_line_card}",
                speed_token(hw.port_speed),
                ", ".join(f"{b.lanes}x{speed_token(b.speed)}" for b in hw.breakouts),
                hw.os_version,
            )
            for name, hw in intent.hardware.items()
        ),
    )

    plan_asn = intent.asn
    lines += [
        "",
        "## ASN plan",
        "",
        f"BAG switches share an ASN per {plan_asn.bag_scope} from {plan_asn.bag_base}; fabric switches per "
        f"{plan_asn.fabric_scope} from {plan_asn.fabric_base} (RFC 7938 section 5.2; private ASNs, RFC 6996).",
        "",
    ]
    lines += _table(
        ("scope", "ASNs"),
        [*((f"BAG {region}", _asn_text(v)) for region, v in bag_asns.items())]
        + [(f"fabric {fabric}", _asn_text(v)) for fabric, v in fabric_asns.items()],
    )

    lines += ["", "## Address pools", ""]
    rows = []
    for scope, pools in p2p_pools(intent).items():
        for pool in (pools.ipv4, pools.ipv6):
            if pool is None:
                continue
            size = pool.network.num_addresses // 2
            count, top = stats.links[scope], stats.top_slot[scope]
            total = f"{size:,}" if size < 10**9 else f"2^{size.bit_length() - 1}"
            reserved = f"{top + 1:,} of {total} ({(top + 1) / size:.1%})"
            rows.append((scope.replace("~", " - "), pool.network, f"{count:,}", reserved))
    lines += _table(("scope", "point-to-point pool", "links", "/31 or /127 slots reserved"), rows)

    lines += ["", "## Capacity", ""]
    lines += ["### Region pairs", ""]
    service = stats.in_service
    pair_links = stats.links
    lines += _table(
        ("region pair", "topology", "links", "installed", "in service"),
        (
            (
                pair.replace("~", " - "),
                capacity.pair_topology.get(pair, ""),
                f"{pair_links[pair]:,}",
                format_bps(bps),
                format_bps(service.get(pair, 0)),
            )
            for pair, bps in capacity.pair_bps.items()
        ),
    )
    lines += ["", "### Oversubscription", ""]
    lines += _table(
        ("region", "BAG fabric-facing : inter-region", "worst L2 -> BAG plane", "budget"),
        (
            (
                r.name,
                f"{capacity.region_bag_oversubscription[r.name]:.2f}:1"
                if r.name in capacity.region_bag_oversubscription
                else "-",
                f"{max((v for (reg, _), v in worst.items() if reg == r.name), default=0.0):.2f}:1",
                f"{intent.budgets.l2_to_bag_oversubscription}:1",
            )
            for r in intent.regions
        ),
    )
    lines += ["", "### Links between planes", ""]
    lines.append("BAG-to-BAG links between the planes of each region pair (links, capacity).")
    for pair, cells in stats.planes.items():
        a, b = pair.split("~")
        lines += ["", f"#### {a} - {b} ({capacity.pair_topology.get(pair, '')})", ""]
        lines += _table(
            (f"{a} plane", f"{b} plane", "links", "capacity"),
            ((pa, pb, n, format_bps(bps)) for (pa, pb), (n, bps) in cells.items()),
        )
    return "\n".join(lines) + "\n"


def _asn_text(values: set[int]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "-"
    if len(ordered) <= 4:
        return ", ".join(map(str, ordered))
    return f"{ordered[0]}-{ordered[-1]} ({len(ordered)})"


# ------------------------------------------------------------------------------ diagrams


def _node_id(region: str, plane: int) -> str:
    return f"{region.replace('-', '_')}_p{plane}"


def mermaid(plan: Plan, stats: LinkStats) -> str:
    """Regions as subgraphs of their planes; one edge per pair of planes that has links."""
    lines = ["flowchart LR"]
    for r in plan.intent.regions:
        lines.append(f'  subgraph {r.name.replace("-", "_")}["{r.name}"]')
        for plane in range(1, r.bag.planes + 1):
            drained = " (drained)" if plane in r.bag.drained_planes else ""
            lines.append(f'    {_node_id(r.name, plane)}["plane {plane}: {r.bag.switches_per_plane} BAG{drained}"]')
        lines.append("  end")
    for pair, cells in stats.planes.items():
        a, b = pair.split("~")
        for (pa, pb), (n, bps) in cells.items():
            lines.append(f'  {_node_id(a, pa)} ---|"{n} x {format_bps(bps // n)}"| {_node_id(b, pb)}')
    return "\n".join(lines) + "\n"


_PLANE_W, _PLANE_H, _GAP, _PAD, _HEAD = 150, 34, 8, 14, 40


def fabric_svg(plan: Plan, capacity: Analysis, stats: LinkStats | None = None) -> str:
    """Regions on a circle, each a box of its planes; between two regions one band per pair of planes
    that has links, its width growing with capacity; the pair's totals at the middle of the band."""
    regions = plan.intent.regions
    # two regions face each other: planes in one column each, so the bands between planes stay apart
    columns = {r.name: 1 if len(regions) == 2 else min(4, r.bag.planes) for r in regions}
    sizes = {}
    for r in regions:
        cols = columns[r.name]
        rows = -(-r.bag.planes // cols)
        sizes[r.name] = (
            max(2 * _PAD + cols * _PLANE_W + (cols - 1) * _GAP, 260),  # room for the name and the plane count
            _HEAD + _PAD + rows * _PLANE_H + (rows - 1) * _GAP + 22,
        )
    width_max = max(w for w, _ in sizes.values())
    height_max = max(h for _, h in sizes.values())
    n = len(regions)
    radius = 0 if n == 1 else (width_max + 260) / (2 * math.sin(math.pi / n)) if n > 2 else (width_max + 320) / 2
    cx, cy = radius + width_max / 2 + 40, radius * (0.75 if n > 2 else 0) + height_max / 2 + 80
    centers = {}
    for k, r in enumerate(regions):
        angle = math.pi + 2 * math.pi * k / n if n > 1 else 0.0
        scale_y = 0.75 if n > 2 else 1.0
        centers[r.name] = (cx + radius * math.cos(angle), cy + scale_y * radius * math.sin(angle))
    plane_xy: dict[tuple[str, int], tuple[float, float]] = {}
    boxes = []
    for r in regions:
        w, h = sizes[r.name]
        x0, y0 = centers[r.name][0] - w / 2, centers[r.name][1] - h / 2
        boxes.append((r, x0, y0, w, h))
        for plane in range(1, r.bag.planes + 1):
            col, row = (plane - 1) % columns[r.name], (plane - 1) // columns[r.name]
            grid = columns[r.name] * _PLANE_W + (columns[r.name] - 1) * _GAP
            px = x0 + (w - grid) / 2 + col * (_PLANE_W + _GAP)
            py = y0 + _HEAD + row * (_PLANE_H + _GAP)
            plane_xy[(r.name, plane)] = (px, py)
    total_w = max(x + w for _, x, _, w, _ in boxes) + 40
    total_h = max(y + h for _, _, y, _, h in boxes) + 50
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>Fabric {html.escape(plan.intent.name)}: regions, BAG planes and region pairs</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    links = (stats or link_stats(plan)).planes
    biggest = max((bps for cells in links.values() for _, bps in cells.values()), default=1)
    for _, x0, y0, w, h in boxes:
        out.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.0f}" height="{h:.0f}" rx="10" fill="#f3f6fa" '
            'stroke="#33475b" stroke-width="1.5"/>'
        )
    labels = []
    for pair, cells in links.items():
        a, b = pair.split("~")
        for (pa, pb), (_, bps) in cells.items():
            ax, ay = plane_xy[(a, pa)]
            bx, by = plane_xy[(b, pb)]
            x1, y1, x2, y2 = ax + _PLANE_W / 2, ay + _PLANE_H / 2, bx + _PLANE_W / 2, by + _PLANE_H / 2
            stroke = 1.0 + 5.0 * bps / biggest
            out.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#4a78b5" '
                f'stroke-opacity="0.45" stroke-width="{stroke:.1f}"/>'
            )
        (ax, ay), (bx, by) = centers[a], centers[b]
        total = capacity.pair_bps.get(pair, sum(bps for _, bps in cells.values()))
        count = sum(n for n, _ in cells.values())
        text = f"{a} - {b}: {capacity.pair_topology.get(pair, '')}, {count:,} links, {format_bps(total)}"
        lift = height_max / 2 + 24 if abs(ay - by) < 1 else 0.0  # side by side: above the bands, not on them
        labels.append(((ax + bx) / 2, (ay + by) / 2 - lift, text))
    for r, x0, y0, w, h in boxes:
        fabrics = ", ".join(f"{f.name} ({f.kind.upper()})" for f in r.fabrics)
        out.append(
            f'<text x="{x0 + _PAD:.1f}" y="{y0 + 24:.1f}" font-size="15" font-weight="bold" fill="#1b2a38">'
            f"{html.escape(r.name)}</text>"
        )
        out.append(
            f'<text x="{x0 + w - _PAD:.1f}" y="{y0 + 24:.1f}" text-anchor="end" fill="#4d5f70">'
            f"{r.bag.planes} planes x {r.bag.switches_per_plane} BAG</text>"
        )
        out.append(
            f'<text x="{x0 + _PAD:.1f}" y="{y0 + h - 10:.1f}" fill="#4d5f70">fabrics: {html.escape(fabrics)}</text>'
        )
        for plane in range(1, r.bag.planes + 1):
            px, py = plane_xy[(r.name, plane)]
            drained = plane in r.bag.drained_planes
            fill, dash = ("#e4e4e4", ' stroke-dasharray="4 3"') if drained else ("#ffffff", "")
            out.append(
                f'<rect x="{px:.1f}" y="{py:.1f}" width="{_PLANE_W}" height="{_PLANE_H}" rx="5" fill="{fill}" '
                f'stroke="#4a78b5"{dash}/>'
            )
            label = f"plane {plane}" + (" (drained)" if drained else "")
            out.append(
                f'<text x="{px + _PLANE_W / 2:.1f}" y="{py + _PLANE_H / 2 + 4:.1f}" text-anchor="middle" '
                f'fill="#1b2a38">{html.escape(label)}</text>'
            )
    for x, y, text in labels:
        width = 6.6 * len(text) + 12
        out.append(
            f'<rect x="{x - width / 2:.1f}" y="{y - 12:.1f}" width="{width:.0f}" height="22" rx="4" '
            'fill="#fff8e6" stroke="#c9a227"/>'
        )
        out.append(f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle" fill="#3d3000">{html.escape(text)}</text>')
    legend = "line width grows with the capacity between two planes; a grey dashed plane is drained"
    out.append(f'<text x="20" y="{total_h - 16:.0f}" fill="#4d5f70">{legend}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"

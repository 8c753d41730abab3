"""Print a Review: terminal (rich), Markdown for a merge-request comment, or JSON for tools."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from generator.review.compare import DiffGroup, Review
from generator.units import format_bps

MAX_GROUPS = 40  # a review that needs more than this many distinct diffs is read in the JSON
MAX_NAMES = 8
MAX_CABLES = 500  # re-patched ports listed in Markdown and on the terminal; JSON lists them all
_STYLE = {"+": "green", "-": "red", "@": "cyan"}


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else "")


def _headline(r: Review) -> str:
    if not r.changed:
        return f"No change: {r.base} and {r.head} give identical configs."
    return (
        f"{len(r.changes)} device(s) change ({r.count('changed')} changed, {r.count('added')} added, "
        f"{r.count('removed')} removed), {r.sessions_touched} eBGP session(s) touched; "
        f"planes {', '.join(map(str, r.planes)) or '-'}; regions {', '.join(r.regions) or '-'}"
    )


def _group_title(g: DiffGroup) -> str:
    planes = ", ".join(map(str, g.planes))
    where = f"plane{'s' if len(g.planes) > 1 else ''} {planes} of {', '.join(g.regions)}"
    if len(g.devices) == 1:
        return f"{g.devices[0]} ({g.role}, {where}): {g.changed_lines} changed line(s)"
    return f"the same {g.changed_lines}-line change on {len(g.devices)} {g.role} switches of {where}"


def _delta(bps: int) -> str:
    return ("+" if bps >= 0 else "-") + format_bps(abs(bps))


def as_json(r: Review) -> str:
    data: dict[str, Any] = {
        "base": r.base,
        "head": r.head,
        "changed": r.changed,
        "valid": True,  # both sides validate (an invalid side gives {"valid": false, "findings": [...]})
        "blast_radius": {
            "devices": len(r.changes),
            "changed": r.count("changed"),
            "added": r.count("added"),
            "removed": r.count("removed"),
            "sessions_touched": r.sessions_touched,
            "planes": r.planes,
            "regions": r.regions,
        },
        "warnings": r.warnings,
        "summary": [{"kind": k, "change": t, "devices": n, "where": w} for k, t, n, w in r.summary],
        "repatched_cables": [
            {
                "device": m.device,
                "port": m.port,
                "before": {"peer": m.old_peer, "peer_port": m.old_peer_port},
                "after": {"peer": m.new_peer, "peer_port": m.new_peer_port},
            }
            for m in r.repatched
        ],
        "capacity": r.capacity,
        "oversubscription": r.oversubscription,
        "devices": [
            {
                "name": c.name,
                "status": c.status,
                "role": c.role,
                "region": c.region,
                "plane": c.plane,
                "semantic": [{"kind": k, "change": t} for k, t in c.semantic],
                "sessions_touched": c.sessions_touched,
            }
            for c in r.changes
        ],
        "diff_groups": [
            {"devices": g.devices, "role": g.role, "planes": g.planes, "regions": g.regions, "diff": "\n".join(g.diff)}
            for g in r.groups
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True)


def as_markdown(r: Review) -> str:
    lines = ["## BAG intent review", "", f"`{r.base}` → `{r.head}`", "", f"**{_headline(r)}**", ""]
    lines += [f"> :warning: {w}" for w in r.warnings]
    if r.summary:
        lines += ["", "### What changes", "", "| change | devices | where |", "|---|---:|---|"]
        lines += [f"| {t} | {n} | {', '.join(w[:6])}{' …' if len(w) > 6 else ''} |" for _, t, n, w in r.summary]
    moves = r.repatched
    if moves:
        lines += [
            "",
            f"### Re-patched cables: {len(moves)} port(s) whose cable now ends elsewhere",
            "",
            "| device | port | before | after |",
        ]
        lines.append("|---|---|---|---|")
        lines += [
            f"| {m.device} | {m.port} | {m.old_peer} {m.old_peer_port} | {m.new_peer} {m.new_peer_port} |"
            for m in moves[:MAX_CABLES]
        ]
        if len(moves) > MAX_CABLES:
            lines.append(f"\n{len(moves) - MAX_CABLES} more re-patched ports: see `--format json`.")
    if r.capacity:
        lines += ["", "### Capacity per region pair", "", "| region pair | capacity | before | after | delta |"]
        lines.append("|---|---|---:|---:|---:|")
        for c in r.capacity:
            before, after = format_bps(c["base_bps"]), format_bps(c["head_bps"])
            lines.append(f"| {c['region_pair']} | {c['kind']} | {before} | {after} | {_delta(c['delta_bps'])} |")
    if r.oversubscription:
        lines += ["", "### Oversubscription", "", "| scope | before | after |", "|---|---:|---:|"]
        lines += [f"| {o['scope']} | {_fmt_ratio(o['base'])} | {_fmt_ratio(o['head'])} |" for o in r.oversubscription]
    if r.groups:
        lines += ["", "### Config diffs", ""]
        for g in r.groups[:MAX_GROUPS]:
            lines += [
                "<details>",
                f"<summary>{_group_title(g)}: {_names(g.devices)}</summary>",
                "",
                "```diff",
                *g.diff,
                "```",
                "</details>",
            ]
        if len(r.groups) > MAX_GROUPS:
            lines.append(f"\n{len(r.groups) - MAX_GROUPS} more distinct diffs: see `--format json`.")
    return "\n".join(lines) + "\n"


def _fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}:1"


def print_terminal(r: Review, console: Console) -> None:
    console.print(f"[bold]{escape(r.base)}[/] → [bold]{escape(r.head)}[/]", markup=True)
    console.print(_headline(r), markup=False)
    for w in r.warnings:
        console.print(f"warning: {w}", style="yellow", markup=False)
    if r.summary:
        table = Table(title="what changes", title_justify="left")
        for column in ("kind", "change", "devices", "where"):
            table.add_column(column, justify="right" if column == "devices" else "left")
        for kind, text, n, where in r.summary:
            table.add_row(kind, text, str(n), ", ".join(where[:4]) + (" …" if len(where) > 4 else ""))
        console.print(table)
    moves = r.repatched
    if moves:
        table = Table(
            title=f"re-patched cables: {len(moves)} port(s) whose cable now ends elsewhere", title_justify="left"
        )
        for column in ("device", "port", "before", "after"):
            table.add_column(column)
        for m in moves[:MAX_CABLES]:
            table.add_row(m.device, m.port, f"{m.old_peer} {m.old_peer_port}", f"{m.new_peer} {m.new_peer_port}")
        console.print(table)
        if len(moves) > MAX_CABLES:
            console.print(f"{len(moves) - MAX_CABLES} more re-patched ports: see --format json", markup=False)
    if r.capacity:
        table = Table(title="capacity per region pair", title_justify="left")
        for column in ("region pair", "capacity", "before", "after", "delta"):
            table.add_column(column, justify="left" if column in ("region pair", "capacity") else "right")
        for c in r.capacity:
            delta = _delta(c["delta_bps"])
            table.add_row(c["region_pair"], c["kind"], format_bps(c["base_bps"]), format_bps(c["head_bps"]), delta)
        console.print(table)
    if r.oversubscription:
        table = Table(title="oversubscription", title_justify="left")
        for column in ("scope", "before", "after"):
            table.add_column(column, justify="left" if column == "scope" else "right")
        for o in r.oversubscription:
            table.add_row(o["scope"], _fmt_ratio(o["base"]), _fmt_ratio(o["head"]))
        console.print(table)
    for g in r.groups[:MAX_GROUPS]:
        console.print(
            f"\n[bold]{escape(_group_title(g))}[/]: {escape(_names(g.devices))}", markup=True, highlight=False
        )
        for line in g.diff:
            console.print(line, style=_STYLE.get(line[:1]), markup=False, highlight=False)
    if len(r.groups) > MAX_GROUPS:
        console.print(f"\n{len(r.groups) - MAX_GROUPS} more distinct diffs: see --format json", markup=False)

"""Pre-merge review: `diff --base REV [--head REV|worktree]`, what a change does to every device.

Fast because almost nothing is rendered: both revisions are planned (no device expanded; the base
in a forked worker while this process plans the head), and forked workers that inherit both plans
fingerprint the devices whose inputs may differ and expand, render and compare only those whose
fingerprints do. Equal texts end there; equal models skip the semantic
comparison. Draining one plane of one region of the 12,672-device example renders 234 devices, twice.

Both sides are built by this generator with these templates: the review shows what the *intent*
change does. The intent files of a revision come from `git archive`, so the working tree is never
touched.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.analysis.capacity import Analysis
from generator.compile.fingerprint import device_fingerprint, network_digest
from generator.compile.network import Plan, expand, paused_gc
from generator.findings import Finding, FindingsError, Location
from generator.forked import fork_map, in_background
from generator.intent.loader import check_intent_path, load_intent
from generator.pipeline import plan_checked
from generator.progress import ProgressFactory, no_progress
from generator.render.engine import TEMPLATES, compile_templates, render_device
from generator.review.gitrev import ReviewError, materialize, repo_root, resolve
from generator.review.semantic import Item, Repatch, Shares, repatched, semantic, ucmp_change, ucmp_shares
from generator.textsafety import redact

WORKTREE = "worktree"
PARALLEL_THRESHOLD = 64


class SideInvalidError(ReviewError):
    """The intent at one side does not validate; carries its findings."""

    def __init__(self, label: str, findings: list[Finding]) -> None:
        self.label = label
        self.findings = findings
        super().__init__(f"the intent at {label} does not validate ({len(findings)} finding(s))")


# ----------------------------------------------------------------------------------- sides


@dataclass
class Side:
    label: str  # "base 1a2b3c4d5e6f" / "worktree"
    plan: Plan
    analysis: Analysis
    digest: str  # network-wide inputs; device fingerprints are computed by the compare workers


def plan_side(label: str, intent: Path, extracted: tuple[Path, str] | None = None) -> Side:
    """Plan one side. `extracted` = (temporary root, revision): findings then point at `REV:path`,
    the way `git show` names a file, instead of a temporary directory that is gone."""
    return _side(label, _planned(intent), extracted)


def _planned(intent: Path) -> tuple[Plan, Analysis] | FindingsError:
    """The plan and capacity of an intent, or the findings that stop it: returned, not raised, so
    that they cross from a forked worker as they are (a raised error would arrive re-wrapped)."""
    try:
        planned = plan_checked(load_intent(intent))
    except FindingsError as exc:
        return exc
    return planned.plan, planned.capacity


def _side(label: str, planned: tuple[Plan, Analysis] | FindingsError, extracted: tuple[Path, str] | None) -> Side:
    if isinstance(planned, FindingsError):
        findings = planned.findings if extracted is None else [_at_revision(f, *extracted) for f in planned.findings]
        raise SideInvalidError(label, findings) from planned
    plan, capacity = planned
    return Side(label, plan, capacity, network_digest(plan))


def plan_sides(
    base: tuple[str, Path, tuple[Path, str]],
    head: tuple[str, Path, tuple[Path, str] | None],
    meanwhile: Callable[[Side], None] | None = None,
) -> tuple[Side, Side]:
    """Both sides, planned at once: the base in a forked worker while this process plans the head
    (at x1 each plan takes 0.7 s, and the base's plan comes back pickled in 0.15 s), then runs
    `meanwhile(head)` while the base is still on its way. When both are invalid the base is
    reported, as when they were planned one after the other."""
    with in_background(_planned, base[1]) as base_planned:
        try:
            head_side = plan_side(*head)
        except SideInvalidError:
            _side(base[0], base_planned(), base[2])  # raises when the base is invalid too
            raise
        if meanwhile is not None:
            meanwhile(head_side)
        return _side(base[0], base_planned(), base[2]), head_side


def _at_revision(finding: Finding, root: Path, rev: str) -> Finding:
    loc = finding.location
    if loc is None or not loc.file.startswith(str(root)):
        return finding
    relative = Path(loc.file).relative_to(root).as_posix()
    return replace(finding, location=Location(f"{rev}:{relative}", loc.line, loc.column))


# ----------------------------------------------------------------------------------- per device


@dataclass
class DeviceChange:
    name: str
    region: str
    plane: int
    role: str
    status: str  # "changed" | "added" | "removed"
    diff: list[str]  # unified diff lines, secrets redacted
    semantic: list[Item]  # (kind, device-independent description)
    sessions_touched: int  # neighbour entries added, removed or changed on this device
    repatched: list[Repatch] = field(default_factory=list)  # ports whose cable now ends elsewhere


def changed_lines(diff: list[str]) -> list[str]:
    """The added and removed lines of a unified diff (not its file headers or context)."""
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _diff(name: str, old: str, new: str) -> list[str]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), f"a/{name}.cfg", f"b/{name}.cfg", lineterm="", n=2)
    return [redact(line) for line in lines]


def _compare(
    base: Plan, head: Plan, name: str, shares: tuple[Shares, Shares], templates: Path = TEMPLATES
) -> DeviceChange | None:
    in_base, in_head = name in base.wiring.nodes, name in head.wiring.nodes
    old = expand(base, name) if in_base else None
    new = expand(head, name) if in_head else None
    old_text = render_device(old, templates) if old else ""
    new_text = render_device(new, templates) if new else ""
    if old_text == new_text:
        return None
    device = new or old
    assert device is not None
    status = "changed" if old and new else "added" if new else "removed"
    items: list[Item] = []
    moves: list[Repatch] = []
    touched = len((new or old).bgp.neighbors) if status != "changed" else 0  # type: ignore[union-attr]
    if old and new and old != new:
        items, touched = semantic(old, new)
        moves = repatched(old, new)
        if name in shares[0] and name in shares[1]:
            items += ucmp_change(shares[0][name], shares[1][name])
    return DeviceChange(
        name, device.region, device.plane, device.role, status, _diff(name, old_text, new_text), items, touched, moves
    )


def _differs(side_a: Side, side_b: Side, name: str) -> bool:
    """Whether a device's inputs differ (present on one side only counts as differing)."""
    a, b = side_a.plan.wiring.nodes, side_b.plan.wiring.nodes
    if name not in a or name not in b:
        return True
    return device_fingerprint(side_a.plan, name, side_a.digest) != device_fingerprint(side_b.plan, name, side_b.digest)


def _compare_chunk(sides: tuple[Side, Side, Path], candidates: list[str]) -> list[DeviceChange]:
    base_side, head_side, templates = sides
    base, head = base_side.plan, head_side.plan
    with paused_gc():
        names = [n for n in candidates if _differs(base_side, head_side, n)]
        shares: tuple[Shares, Shares] = ({}, {})
        if base.intent.link_bandwidth.enabled or head.intent.link_bandwidth.enabled:
            both = [n for n in names if n in base.wiring.nodes and n in head.wiring.nodes]
            fabric = [n for n in both if head.wiring.nodes[n].role != "bag"]  # spines weight BAG switches
            shares = (ucmp_shares(base, fabric), ucmp_shares(head, fabric))
        return [c for c in (_compare(base, head, n, shares, templates) for n in names) if c is not None]


def candidates(base: Side, head: Side) -> list[str] | None:
    """The devices whose fingerprint inputs may differ, found by comparing the two plans directly
    (whole lists at C speed first); None when the plans are too different for that to pay (a
    network-wide input changed, or links were added or removed and every index moved).

    A device's fingerprint reads the network digest, its node, ASN and loopback index, the indexes
    of its links and, per link, the link, its address slot, its far-side port and the peer's ASN.
    So a device whose fingerprint differs has one of those differ, and is in this superset; the
    workers still decide by fingerprint, so the review is the same as comparing every device."""
    a, b = base.plan, head.plan
    if base.digest != head.digest or len(a.wiring.links) != len(b.wiring.links):
        return None
    names: set[str] = set(a.wiring.nodes).symmetric_difference(b.wiring.nodes)
    la, lb = a.layout, b.layout
    if a.wiring.links != b.wiring.links or la.slot != lb.slot or la.b_port != lb.b_port:
        for i, (x, y) in enumerate(zip(a.wiring.links, b.wiring.links, strict=True)):
            if x != y or la.slot[i] != lb.slot[i] or la.b_port[i] != lb.b_port[i]:
                names.update((x.a, x.b, y.a, y.b))
    new_asn = {n for n in b.wiring.nodes if n in a.wiring.nodes and la.asn[n] != lb.asn[n]}
    names |= new_asn
    for name, node in b.wiring.nodes.items():
        if name in names or name not in a.wiring.nodes:
            continue
        if (
            node != a.wiring.nodes[name]
            or la.loopback_index[name] != lb.loopback_index[name]
            or a.wiring.links_of[name] != b.wiring.links_of[name]
        ):
            names.add(name)
    for name in new_asn:  # its peers see another remote AS
        for plan in (a, b):
            for i in plan.wiring.links_of.get(name, ()):
                names.update((plan.wiring.links[i].a, plan.wiring.links[i].b))
    order = {n: k for k, n in enumerate(b.wiring.nodes)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def compare_devices(
    base: Side, head: Side, jobs: int, templates: Path = TEMPLATES, progress: ProgressFactory = no_progress
) -> list[DeviceChange]:
    """Every device whose config differs, from workers that inherit both plans."""
    # before the workers fork (a no-op for what is compiled already: review compiles the head's
    # templates while the base is still being planned)
    compile_templates({*base.plan.platforms, *head.plan.platforms}, templates)
    names = candidates(base, head)
    if names is None:
        names = [*head.plan.wiring.nodes, *(n for n in base.plan.wiring.nodes if n not in head.plan.wiring.nodes)]
    chunks = [names[i :: jobs * 4] for i in range(jobs * 4)]
    workers = 1 if len(names) < PARALLEL_THRESHOLD else jobs
    shared = (base, head, templates)
    with progress("compare devices", len(names)) as advance:
        changes = fork_map(_compare_chunk, shared, chunks, workers, lambda c: advance(len(c)))
    return sorted(changes, key=lambda c: c.name)


# ----------------------------------------------------------------------------------- the review


@dataclass
class DiffGroup:
    devices: list[str]
    role: str
    planes: list[int]
    regions: list[str]
    diff: list[str]  # of the first device

    @property
    def changed_lines(self) -> int:
        return len(changed_lines(self.diff))


@dataclass
class Review:
    base: str
    head: str
    changes: list[DeviceChange]
    groups: list[DiffGroup]
    summary: list[tuple[str, str, int, list[str]]]  # (kind, description, device count, planes)
    capacity: list[dict[str, Any]]
    oversubscription: list[dict[str, Any]]
    planes: list[int]
    regions: list[str]
    sessions_touched: int
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.capacity or self.oversubscription)

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def repatched(self) -> list[Repatch]:
        """Every port whose cable now ends at another device or port, by device and port."""
        return [move for c in self.changes for move in c.repatched]


def group_diffs(changes: Iterable[DeviceChange]) -> list[DiffGroup]:
    """Devices of one role whose changed lines are identical form one group (context lines, file names
    and line numbers may differ: a peer-group name next to the change does not make it another change)."""
    groups: dict[tuple[str, tuple[str, ...]], list[DeviceChange]] = defaultdict(list)
    for c in changes:
        body = tuple(line for line in c.diff if line[:1] in "+-" and not line.startswith(("---", "+++")))
        groups[(c.role, body)].append(c)
    result = [
        DiffGroup(
            [c.name for c in members],
            role,
            sorted({c.plane for c in members}),
            sorted({c.region for c in members}),
            members[0].diff,
        )
        for (role, _), members in groups.items()
    ]
    return sorted(result, key=lambda g: (-len(g.devices), g.devices[0]))


def _summary(changes: list[DeviceChange]) -> list[tuple[str, str, int, list[str]]]:
    by_item: dict[tuple[str, str], list[DeviceChange]] = defaultdict(list)
    for c in changes:
        if c.status != "changed":
            by_item[("devices", f"{c.role} switch {c.status}")].append(c)
        for kind, text in c.semantic:
            by_item[(kind, text)].append(c)
    rows = []
    for (kind, text), members in by_item.items():
        where = sorted({f"{c.region} plane {c.plane}" for c in members})
        rows.append((kind, text, len(members), where))
    return sorted(rows, key=lambda r: (r[0], -r[2], r[1]))


def in_service_bps(plan: Plan) -> dict[str, int]:
    """BAG-to-BAG capacity per region pair that carries traffic: links with a drained end do not."""
    nodes = plan.wiring.nodes
    total: dict[str, int] = defaultdict(int)
    for link in plan.wiring.links:
        if link.kind == "inter" and not nodes[link.a].drained and not nodes[link.b].drained:
            total[link.pool] += link.speed
    return dict(total)


def _capacity_delta(base: Side, head: Side) -> list[dict[str, Any]]:
    """Installed capacity per region pair (the analysis) and capacity in service (drains excluded)."""
    rows = []
    for kind, a, b in (
        ("installed", base.analysis.pair_bps, head.analysis.pair_bps),
        ("in service", in_service_bps(base.plan), in_service_bps(head.plan)),
    ):
        for pair in sorted(set(a) | set(b)):
            x, y = a.get(pair, 0), b.get(pair, 0)
            if x != y:
                rows.append({"region_pair": pair, "kind": kind, "base_bps": x, "head_bps": y, "delta_bps": y - x})
    return rows


def _oversubscription_delta(base: Analysis, head: Analysis) -> list[dict[str, Any]]:
    def index(a: Analysis) -> dict[str, float]:
        planes = {f"{p.region} plane {p.plane} fabric {p.fabric}": p.oversubscription for p in a.planes}
        regions = {f"{r} BAG-to-BAG": v for r, v in a.region_bag_oversubscription.items()}
        return planes | regions

    a, b = index(base), index(head)
    rows = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if x is None or y is None or abs(x - y) > 1e-9:
            rows.append({"scope": key, "base": _ratio(x), "head": _ratio(y)})
    return rows


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3) if value != float("inf") else None


def review(
    intent: str | Path,
    base_rev: str,
    head_rev: str = WORKTREE,
    jobs: int | None = None,
    templates: Path = TEMPLATES,
    progress: ProgressFactory = no_progress,
) -> Review:
    intent = Path(intent)
    check_intent_path(intent)  # BAG001 missing, BAG212 a path the system refuses (a name over 255 bytes)
    root = repo_root(intent)
    relpath = intent.resolve().relative_to(root).as_posix()
    base_commit = resolve(root, base_rev)
    head_commit = None if head_rev == WORKTREE else resolve(root, head_rev)
    with tempfile.TemporaryDirectory(prefix="bag-review-") as tmp:
        base_path = materialize(root, base_commit, relpath, Path(tmp) / "base")
        base_spec = (f"base {base_rev} ({base_commit[:12]})", base_path, (Path(tmp) / "base", base_rev))
        if head_commit is None:
            head_spec: tuple[str, Path, tuple[Path, str] | None] = ("the working tree", intent, None)
        else:
            head_path = materialize(root, head_commit, relpath, Path(tmp) / "head")
            head_spec = (f"head {head_rev} ({head_commit[:12]})", head_path, (Path(tmp) / "head", head_rev))
        base, head = plan_sides(base_spec, head_spec, lambda side: compile_templates(side.plan.platforms, templates))
    changes = compare_devices(base, head, jobs or os.cpu_count() or 1, templates, progress)
    planes = sorted({c.plane for c in changes})
    regions = sorted({c.region for c in changes})
    result = Review(
        base.label,
        head.label,
        changes,
        group_diffs(changes),
        _summary(changes),
        _capacity_delta(base, head),
        _oversubscription_delta(base.analysis, head.analysis),
        planes,
        regions,
        (sum(c.sessions_touched for c in changes) + 1) // 2,
    )
    if len(planes) > 1:
        result.warnings.append(
            f"this change touches {len(planes)} planes ({', '.join(map(str, planes))}): it cannot be rolled out "
            "one plane at a time without the other planes changing under it; split it into one change per plane "
            "if you can"
        )
    return result

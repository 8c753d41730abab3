"""Every device's UCMP shares, with nothing failed and under one failure scenario.

`compile.ucmp.expected_paths` is the specification (the lab compares kernels with it, and the tests
compare this module with it on every scenario). `analyze` needs the shares of every device a failure
changes, for dozens of scenarios: tens of thousands of devices at gigawatt scale. Three facts make
that cheap:
- a failure only changes what its lost links served: a BAG switch's totals and shares are the
  baseline's, minus its lost links, toward the destinations those links led to;
- a fabric switch's shares depend only on its *shape* (which BAG switch sits behind which uplink
  interface, at what speed) and on those BAG switches' totals. The switches of one plane share a
  handful of shapes, so shares are computed once per shape and failure state, and every switch of
  that shape gets the same result object;
- liveness is one set lookup: a scenario lists the links it takes out once.
"""

from __future__ import annotations

from typing import Any

from generator.compile.network import Plan

Shares = dict[str, dict[str, float]]  # destination -> outgoing interface -> share of the traffic
Totals = dict[str, int]  # destination -> bandwidth (bps) a BAG switch has toward it
Shape = tuple[str, tuple[tuple[str, str, int], ...]]  # own destination, (interface, BAG, speed) per uplink


def _as_shares(by_dest: dict[str, dict[str, int]]) -> Shares:
    result: Shares = {}
    for dest in sorted(by_dest):
        ifaces = by_dest[dest]
        total = sum(ifaces.values())
        result[dest] = {k: ifaces[k] / total for k in sorted(ifaces)} if total else {}
    return result


def _rounded(changes: Shares) -> Shares:
    return {dest: {k: round(v, 4) for k, v in s.items()} for dest, s in changes.items()}


class Failure:
    """One scenario's lost links, per surviving device, and the BAG totals they change."""

    def __init__(self, weights: Weights, dead: set[int], failed_nodes: set[str]) -> None:
        wiring = weights.plan.wiring
        links = wiring.links
        gone = set(dead)
        for name in failed_nodes:
            gone.update(wiring.links_of[name])
        gone -= weights.idle  # drained links carried nothing before either
        self.failed = failed_nodes
        self.gone = gone | weights.idle
        self.lost: dict[str, list[int]] = {}  # surviving device -> its links that stopped carrying
        for i in sorted(gone):
            for end in (links[i].a, links[i].b):
                if end not in failed_nodes:
                    self.lost.setdefault(end, []).append(i)
        self.totals: dict[str, Totals] = {
            name: weights.intern({}) for name in failed_nodes if wiring.nodes[name].role == "bag"
        }
        for name, lost in self.lost.items():
            if wiring.nodes[name].role == "bag":
                totals = dict(weights.bag_totals(name))
                for i in lost:
                    link = links[i]
                    totals[weights.dest_of[link.b if link.a == name else link.a]] -= link.speed
                self.totals[name] = weights.intern({d: t for d, t in totals.items() if t})
        self.fabric_cache: dict[Any, Shares] = {}  # by the inputs' identities
        self.by_shape: dict[tuple[int, tuple[bool, ...] | None], Shares] = {}  # by the (interned) shape
        self.changes_cache: dict[tuple[int, int], Shares] = {}  # by ids of objects this scenario keeps alive
        self.interned: dict[str, Shares] = {}  # one object per distinct result


class Weights:
    """Shares per device, baseline and per scenario; one instance serves every scenario of a plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        wiring = plan.wiring
        if not wiring.links_of:
            wiring.index_links()
        lbw = plan.intent.link_bandwidth
        self.cumulative = lbw.enabled and lbw.bag_to_fabric == "cumulative"
        nodes = wiring.nodes
        drained = {name for name, n in nodes.items() if n.drained}
        self.idle = {i for name in drained for i in wiring.links_of[name]}  # links that never carry
        self.dest_of = {
            name: f"region:{n.region}" if n.role == "bag" else f"fabric:{n.fabric}" for name, n in nodes.items()
        }
        self._totals: dict[str, Totals] = {}  # baseline, per BAG switch
        self._bag_base: dict[tuple[str, str], dict[str, float]] = {}  # (BAG, destination) -> baseline shares
        self._toward: dict[str, dict[str, list[tuple[int, str, int]]]] = {}  # BAG -> dest -> (link, interface, bps)
        self._switches: dict[str, list[str]] = {}  # BAG -> the fabric switches it serves
        self._shape: dict[str, Shape] = {}  # switch -> its shape, one object per distinct shape
        self._shapes: dict[Shape, Shape] = {}
        self._static: dict[int, tuple[str, tuple[tuple[str, int], ...]]] = {}  # id(shape) -> (own, (iface, speed)s)
        self._statics: dict[tuple[str, tuple[tuple[str, int], ...]], tuple[str, tuple[tuple[str, int], ...]]] = {}
        self._fabric_base: dict[Shape, Shares] = {}
        self._interned: dict[tuple[tuple[str, int], ...], Totals] = {}  # one object per distinct totals

    def warm(self) -> None:
        """Compute the baseline of every device now (workers forked afterwards share it)."""
        for name, node in self.plan.wiring.nodes.items():
            if node.role == "bag":
                self.bag_totals(name)
                self._toward_each(name)
            elif not node.drained:
                self.fabric_baseline(name)

    def intern(self, totals: Totals) -> Totals:
        """One object per distinct totals (kept alive here), so a fabric switch's inputs compare by identity:
        switches of different planes whose BAG switches have the same totals share their result."""
        return self._interned.setdefault(tuple(totals.items()), totals)

    def dest_across(self, i: int, device: str) -> str:
        """The destination link `i` leads to, seen from `device` (a BAG switch)."""
        link = self.plan.wiring.links[i]
        return self.dest_of[link.b if link.a == device else link.a]

    # ------------------------------------------------------------------ BAG switches

    def bag_totals(self, bag: str) -> Totals:
        """A BAG switch's baseline bandwidth per destination (what `cumulative` advertises)."""
        found = self._totals.get(bag)
        if found is None:
            links, idle = self.plan.wiring.links, self.idle
            totals: Totals = {}
            for i in self.plan.wiring.links_of[bag]:
                if i not in idle:
                    dest = self.dest_across(i, bag)
                    totals[dest] = totals.get(dest, 0) + links[i].speed
            found = self._totals[bag] = self.intern(dict(sorted(totals.items())))
        return found

    def _toward_each(self, bag: str) -> dict[str, list[tuple[int, str, int]]]:
        """A BAG switch's links per destination, in one pass over its links."""
        found = self._toward.get(bag)
        if found is None:
            links, dest_of = self.plan.wiring.links, self.dest_of
            found = self._toward[bag] = {}
            for i, interface in zip(self.plan.wiring.links_of[bag], self.plan.interfaces(bag), strict=True):
                link = links[i]
                toward = dest_of[link.b if link.a == bag else link.a]
                found.setdefault(toward, []).append((i, interface, link.speed))
        return found

    def _links_toward(self, bag: str, dest: str) -> list[tuple[int, str, int]]:
        return self._toward_each(bag).get(dest, [])

    def _bag_shares(self, bag: str, dest: str, gone: set[int]) -> dict[str, float]:
        ifaces: dict[str, int] = {}
        for i, name, speed in self._links_toward(bag, dest):
            if i not in gone:
                ifaces[name] = ifaces.get(name, 0) + speed
        return _as_shares({dest: ifaces})[dest] if ifaces else {}

    def _bag_changes(self, bag: str, failure: Failure) -> Shares:
        """A BAG weights by link speed: only the destinations its lost links served change."""
        changes: Shares = {}
        for dest in sorted({self.dest_across(i, bag) for i in failure.lost[bag]}):
            old = self._bag_base.get((bag, dest))
            if old is None:
                old = self._bag_base[(bag, dest)] = self._bag_shares(bag, dest, self.idle)
            new = self._bag_shares(bag, dest, failure.gone)
            if new != old:
                changes[dest] = new
        return changes

    # ------------------------------------------------------------------ fabric switches

    def shape(self, switch: str) -> Shape:
        """What a fabric switch's shares depend on besides the BAG totals."""
        found = self._shape.get(switch)
        if found is None:
            links = self.plan.wiring.links
            mine = self.plan.wiring.links_of[switch]
            names = self.plan.interfaces(switch)
            uplinks = tuple((name, links[i].a, links[i].speed) for i, name in zip(mine, names, strict=True))
            value = (self.dest_of[switch], uplinks)
            found = self._shape[switch] = self._shapes.setdefault(value, value)
        return found

    def _fabric_shares(self, shape: Shape, alive: tuple[bool, ...] | None, totals: dict[str, Totals]) -> Shares:
        own, uplinks = shape
        by_dest: dict[str, dict[str, int]] = {}
        cumulative = self.cumulative
        for n, (iface, bag, speed) in enumerate(uplinks):
            if alive is not None and not alive[n]:
                continue
            bag_totals = totals.get(bag)
            if bag_totals is None:
                bag_totals = self.bag_totals(bag)
            for dest, total in bag_totals.items():
                if dest != own:
                    ifaces = by_dest.setdefault(dest, {})
                    ifaces[iface] = ifaces.get(iface, 0) + (total if cumulative else speed)
        return _as_shares(by_dest)

    def _alive_uplinks(self, switch: str, gone: set[int]) -> tuple[bool, ...] | None:
        """Which uplinks carry (None: all of them, the common case)."""
        mine = self.plan.wiring.links_of[switch]
        if not gone.intersection(mine):
            return None
        return tuple(i not in gone for i in mine)

    def fabric_baseline(self, switch: str) -> Shares:
        shape = self.shape(switch)
        found = self._fabric_base.get(shape)
        if found is None:
            found = self._fabric_base[shape] = self._fabric_shares(shape, self._alive_uplinks(switch, self.idle), {})
        return found

    def _totals_in(self, bag: str, failure: Failure) -> Totals:
        found = failure.totals.get(bag)
        return self.bag_totals(bag) if found is None else found

    def _fabric_after(self, switch: str, failure: Failure) -> Shares:
        shape = self.shape(switch)
        alive = self._alive_uplinks(switch, failure.gone) if switch in failure.lost else None
        found = failure.by_shape.get((id(shape), alive))
        if found is None:
            static = self._static.get(id(shape))
            if static is None:
                own, uplinks = shape
                value = (own, tuple((iface, speed) for iface, _, speed in uplinks))
                static = self._static[id(shape)] = self._statics.setdefault(value, value)
            # shapes whose BAG switches have equal totals (interned: compared by identity) share one result
            key = (id(static), tuple(id(self._totals_in(bag, failure)) for _, bag, _ in shape[1]), alive)
            found = failure.fabric_cache.get(key)
            if found is None:
                found = failure.fabric_cache[key] = self._fabric_shares(shape, alive, failure.totals)
            failure.by_shape[(id(shape), alive)] = found
        return found

    # ------------------------------------------------------------------ scenarios

    def affected(self, failure: Failure) -> set[str]:
        """Devices whose next hops can change: the surviving ends of lost links, and the fabric
        switches of every BAG switch whose totals changed (they weight by its cumulative bandwidth)."""
        wiring = self.plan.wiring
        links = wiring.links
        result = set(failure.lost)
        for bag in failure.totals:
            served = self._switches.get(bag)
            if served is None:
                served = self._switches[bag] = sorted(
                    {links[i].b for i in wiring.links_of[bag] if links[i].kind == "fabric"}
                )
            result.update(served)
        return result - failure.failed

    def changed(self, dead: set[int], failed_nodes: set[str]) -> dict[str, Shares]:
        """device -> destination -> interface -> share (rounded to 4 places), for every device whose
        shares the failure changes; devices of one shape and fate share one result object."""
        failure = Failure(self, dead, failed_nodes)
        nodes = self.plan.wiring.nodes
        result: dict[str, Shares] = {}
        for device in sorted(self.affected(failure)):
            if nodes[device].drained:
                continue
            if nodes[device].role == "bag":
                changes = _rounded(self._bag_changes(device, failure)) if device in failure.lost else {}
            else:
                old, new = self.fabric_baseline(device), self._fabric_after(device, failure)
                memo = (id(old), id(new))
                cached = failure.changes_cache.get(memo)
                if cached is None:
                    diff = {d: new.get(d, {}) for d in sorted(old.keys() | new.keys()) if old.get(d) != new.get(d)}
                    rounded = _rounded(diff)
                    cached = failure.changes_cache[memo] = failure.interned.setdefault(repr(rounded), rounded)
                changes = cached
            if changes:
                result[device] = changes
        return result

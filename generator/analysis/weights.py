"""Every device's UCMP shares, with nothing failed and under one failure scenario.

`compile.ucmp.expected_paths` is the specification (the lab compares kernels with it, and the tests
compare this module with it on every scenario). `analyze` needs the shares of every device a failure
changes, for dozens of scenarios: tens of thousands of devices at gigawatt scale. Four facts make
that cheap:
- a failure only changes what its lost links served: a BAG switch's totals and shares are the
  baseline's, minus its lost links, toward the destinations those links led to;
- a failed device takes its links per neighbour (see neighbours): a BAG switch reaches a peer-region
  switch over up to 144 parallel links, which fail together;
- a fabric switch's shares depend only on its *shape* (which BAG switch sits behind which uplink
  port, at what speed) and on those BAG switches' totals, and a BAG switch's shares toward a region
  only on its ports toward it and which peers survive. The switches of one plane share a handful of
  shapes, so shares are computed once per shape and fate, and every switch of that shape gets the
  same result object;
- interface names are made only for the results computed, not for every link of the network.
"""

from __future__ import annotations

from typing import Any

from generator.analysis.neighbours import Neighbours
from generator.compile.network import Plan
from generator.model import PortRef

Shares = dict[str, dict[str, float]]  # destination -> outgoing interface -> share of the traffic
Totals = dict[str, int]  # destination -> bandwidth (bps) a BAG switch has toward it
# own destination, hardware, (port, BAG, speed) per uplink: ports, not interface names, which are made
# only for the shapes whose shares are computed (a few thousand of 145k uplinks at x1)
Shape = tuple[str, str, tuple[tuple[PortRef, str, int], ...]]
Static = tuple[str, str, tuple[tuple[PortRef, int], ...]]  # a shape without the BAG switches behind its uplinks
Rounded = tuple[dict[str, float], dict[str, float]]  # shares, and the same rounded to 4 places (reported)
BagStatic = tuple[str, tuple[tuple[tuple[PortRef, int], ...], ...]]  # hardware, (port, bps) per link per peer
Toward = tuple[tuple[str, ...], tuple[list[int], ...], BagStatic]  # the peers toward a destination, their links


def _split(ifaces: dict[str, int]) -> dict[str, float]:
    """Each interface's share of the bandwidth, by interface name."""
    total = sum(ifaces.values())
    return {k: ifaces[k] / total for k in sorted(ifaces)} if total else {}


def _as_shares(by_dest: dict[str, dict[str, int]]) -> Shares:
    return {dest: _split(by_dest[dest]) for dest in sorted(by_dest)}


_NO_SHARES: dict[str, float] = {}  # a destination without next hops (never mutated)


class Failure:
    """One scenario: what stopped carrying, the surviving devices it touches, and the BAG totals it
    changes. Built from each failed device's sums per neighbour (see neighbours), so a data hall of
    72 BAG switches costs a few hundred steps and set unions, not a step per each of its 41,472 links."""

    def __init__(self, weights: Weights, dead: set[int], failed_nodes: set[str]) -> None:
        wiring = weights.plan.wiring
        links, nodes, dest_of = wiring.links, wiring.nodes, weights.dest_of
        self.failed = failed_nodes
        # links that stopped carrying besides those of the failed devices (drained links never carried)
        self.cut = weights.idle.union(dead)
        live = [name for name in failed_nodes if not nodes[name].drained]
        self.touched: set[str] = set().union(*(weights.neighbours(name).peers for name in live))
        lost: dict[str, dict[str, int]] = {}  # surviving BAG switch -> destination -> bandwidth it lost
        for name in live:
            adjacent = weights.neighbours(name)
            for peer, bps in (adjacent.inter if nodes[name].role == "bag" else adjacent.peers).items():
                if peer not in failed_nodes and not nodes[peer].drained:
                    toward = lost.setdefault(peer, {})
                    toward[dest_of[name]] = toward.get(dest_of[name], 0) + bps
        for i in dead:  # of devices that survive
            _, a, b, speed, _ = links[i]
            if a in failed_nodes or b in failed_nodes or i in weights.idle:
                continue
            self.touched.update((a, b))
            for end, other in ((a, b), (b, a)):
                if nodes[end].role == "bag":
                    toward = lost.setdefault(end, {})
                    toward[dest_of[other]] = toward.get(dest_of[other], 0) + speed
        self.touched -= weights.drained
        self.touched -= failed_nodes
        self.lost = lost
        self.totals: dict[str, Totals] = {
            name: weights.intern({}) for name in failed_nodes if nodes[name].role == "bag"
        }
        for name, toward in lost.items():
            totals = dict(weights.bag_totals(name))
            for dest, bps in toward.items():
                totals[dest] -= bps
            self.totals[name] = weights.intern({d: t for d, t in totals.items() if t})
        self.fabric_cache: dict[Any, Shares] = {}  # by the inputs' identities
        self.by_shape: dict[tuple[int, tuple[bool, ...] | None], Shares] = {}  # by the (interned) shape
        self.changes_cache: dict[tuple[int, int], Shares] = {}  # by ids of objects this scenario keeps alive
        self.interned: dict[str, Shares] = {}  # one object per distinct result
        self.rounded: dict[int, dict[str, float]] = {}  # id of a destination's shares -> rounded to 4 places
        self.bag_interned: dict[tuple[tuple[str, int], ...], Shares] = {}  # by ids of interned shares


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
        self.drained = {name for name, n in nodes.items() if n.drained}
        self.idle = {i for name in self.drained for i in wiring.links_of[name]}  # links that never carry
        self.neighbours = Neighbours(wiring)
        self.dest_of = {
            name: f"region:{n.region}" if n.role == "bag" else f"fabric:{n.fabric}" for name, n in nodes.items()
        }
        self._totals: dict[str, Totals] = {}  # baseline, per BAG switch
        self._peers_toward: dict[str, dict[str, list[str]]] = {}  # BAG -> destination -> its neighbours there
        self._towards: dict[tuple[str, str], Toward] = {}  # (BAG, destination) -> its links there
        self._bag_statics: dict[BagStatic, BagStatic] = {}  # one object per distinct ports and speeds
        self._bag_cache: dict[tuple[int, tuple[bool | tuple[bool, ...], ...]], Rounded] = {}  # (id, fate) -> shares
        self._bag_base: dict[tuple[str, str], Rounded] = {}  # (BAG, destination) -> baseline shares
        self._bag_rounded: dict[str, dict[str, float]] = {}  # one object per distinct rounded shares
        self._switches: dict[str, frozenset[str]] = {}  # BAG -> the fabric switches it serves
        self._shape: dict[str, Shape] = {}  # switch -> its shape, one object per distinct shape
        self._shapes: dict[Shape, Shape] = {}
        self._static: dict[int, Static] = {}  # id(shape) -> the same without the BAG switches
        self._statics: dict[Static, Static] = {}
        self._fabric_base: dict[int, Shares] = {}  # id(shape) -> its baseline (shapes are interned: no tuple hashing)
        self._bags: dict[int, tuple[str, ...]] = {}  # id(shape) -> the BAG switch behind each uplink
        self._base_ids: dict[int, tuple[int, ...]] = {}  # id(shape) -> ids of those BAG switches' baseline totals
        self._interned: dict[tuple[tuple[str, int], ...], Totals] = {}  # one object per distinct totals

    def warm(self) -> None:
        """Compute the baseline of every device now (workers forked afterwards share it)."""
        for name, node in self.plan.wiring.nodes.items():
            if node.role == "bag":
                self.bag_totals(name)
            elif not node.drained:
                self.fabric_baseline(name)

    def intern(self, totals: Totals) -> Totals:
        """One object per distinct totals (kept alive here), so a fabric switch's inputs compare by identity:
        switches of different planes whose BAG switches have the same totals share their result."""
        return self._interned.setdefault(tuple(totals.items()), totals)

    # ------------------------------------------------------------------ BAG switches

    def bag_totals(self, bag: str) -> Totals:
        """A BAG switch's baseline bandwidth per destination (what `cumulative` advertises)."""
        found = self._totals.get(bag)
        if found is None:
            peers, drained = self.neighbours(bag).peers, self.drained
            totals: Totals = {}
            if bag not in drained:
                for peer, bps in peers.items():
                    if peer not in drained:
                        dest = self.dest_of[peer]
                        totals[dest] = totals.get(dest, 0) + bps
            found = self._totals[bag] = self.intern(dict(sorted(totals.items())))
        return found

    def _toward(self, bag: str, dest: str) -> Toward:
        """A BAG switch's links toward one destination, grouped per peer (a peer-region switch is one
        group of up to 144 links: a failed peer takes its group in one step)."""
        found = self._towards.get((bag, dest))
        if found is None:
            peers_toward = self._peers_toward.get(bag)
            if peers_toward is None:
                peers_toward = self._peers_toward[bag] = {}
                for peer in self.neighbours(bag).links:
                    peers_toward.setdefault(self.dest_of[peer], []).append(peer)
            by_peer, links = self.neighbours(bag).links, self.plan.wiring.links
            a_port, b_port = self.plan.layout.a_port, self.plan.layout.b_port
            peers = tuple(peers_toward.get(dest, ()))
            groups = tuple(by_peer[peer] for peer in peers)
            ports = tuple(
                tuple((a_port[i] if links[i].a == bag else b_port[i], links[i].speed) for i in group)
                for group in groups
            )
            value = (self.plan.wiring.nodes[bag].hardware, ports)
            found = self._towards[(bag, dest)] = (peers, groups, self._bag_statics.setdefault(value, value))
        return found

    def _bag_shares(self, toward: Toward, failed: set[str], cut: set[int]) -> Rounded:
        """Shares toward a destination (and rounded), once per structure and fate: BAG switches of
        one plane have the same interfaces toward a region (interned), so most share their result."""
        peers, groups, static = toward
        mask: list[bool | tuple[bool, ...]] = []
        for peer, group in zip(peers, groups, strict=True):
            if peer in failed:
                mask.append(False)
            elif cut.isdisjoint(group):
                mask.append(True)
            else:
                alive = tuple(i not in cut for i in group)
                mask.append(alive if any(alive) else False)
        key = (id(static), tuple(mask))
        found = self._bag_cache.get(key)
        if found is None:
            hardware, ports = static
            name = self.plan.interface_namer(hardware)
            ifaces: dict[str, int] = {}
            for ends, alive_ends in zip(ports, mask, strict=True):
                if alive_ends is False:
                    continue
                for n, (port, speed) in enumerate(ends):
                    if alive_ends is True or alive_ends[n]:
                        iface = name(port, speed)
                        ifaces[iface] = ifaces.get(iface, 0) + speed
            shares = _split(ifaces)
            rounded = {k: round(v, 4) for k, v in shares.items()}
            found = self._bag_cache[key] = (shares, self._bag_rounded.setdefault(repr(rounded), rounded))
        return found

    def _bag_changes(self, bag: str, failure: Failure) -> Shares:
        """A BAG weights by link speed: only the destinations its lost links served change (rounded)."""
        changes: Shares = {}
        for dest in sorted(failure.lost[bag]):
            toward = self._toward(bag, dest)
            old = self._bag_base.get((bag, dest))
            if old is None:
                old = self._bag_base[(bag, dest)] = self._bag_shares(toward, self.drained, self.idle)
            new = self._bag_shares(toward, failure.failed, failure.cut)
            if new is not old and new[0] != old[0]:
                changes[dest] = new[1]
        # BAG switches of one fate share one result object (the report groups them without comparing values)
        return failure.bag_interned.setdefault(tuple((d, id(s)) for d, s in changes.items()), changes)

    # ------------------------------------------------------------------ fabric switches

    def shape(self, switch: str) -> Shape:
        """What a fabric switch's shares depend on besides the BAG totals."""
        found = self._shape.get(switch)
        if found is None:
            links, b_port = self.plan.wiring.links, self.plan.layout.b_port  # a switch is `b` of its uplinks
            uplinks = tuple((b_port[i], links[i].a, links[i].speed) for i in self.plan.wiring.links_of[switch])
            value = (self.dest_of[switch], self.plan.wiring.nodes[switch].hardware, uplinks)
            found = self._shape[switch] = self._shapes.setdefault(value, value)
        return found

    def _fabric_shares(self, shape: Shape, alive: tuple[bool, ...] | None, totals: dict[str, Totals]) -> Shares:
        own, hardware, uplinks = shape
        name = self.plan.interface_namer(hardware)
        by_dest: dict[str, dict[str, int]] = {}
        cumulative = self.cumulative
        for n, (port, bag, speed) in enumerate(uplinks):
            if alive is not None and not alive[n]:
                continue
            bag_totals = totals.get(bag)
            if bag_totals is None:
                bag_totals = self.bag_totals(bag)
            iface = name(port, speed)
            for dest, total in bag_totals.items():
                if dest != own:
                    ifaces = by_dest.setdefault(dest, {})
                    ifaces[iface] = ifaces.get(iface, 0) + (total if cumulative else speed)
        return _as_shares(by_dest)

    def _alive_uplinks(self, switch: str, failed: set[str], cut: set[int]) -> tuple[bool, ...] | None:
        """Which uplinks carry: not to a failed (or drained) BAG switch, not cut (None: all of them,
        the common case). Per uplink, not from the set of every dead link: a data hall's is 41,472."""
        mine = self.plan.wiring.links_of[switch]
        bags = self._uplink_bags(self.shape(switch))
        if failed.isdisjoint(bags) and cut.isdisjoint(mine):
            return None
        return tuple(bag not in failed and i not in cut for bag, i in zip(bags, mine, strict=True))

    def _uplink_bags(self, shape: Shape) -> tuple[str, ...]:
        """The BAG switch behind each uplink of a shape."""
        found = self._bags.get(id(shape))
        if found is None:
            found = self._bags[id(shape)] = tuple(bag for _, bag, _ in shape[2])
        return found

    def fabric_baseline(self, switch: str) -> Shares:
        shape = self.shape(switch)
        found = self._fabric_base.get(id(shape))
        if found is None:
            alive = self._alive_uplinks(switch, self.drained, set())
            found = self._fabric_base[id(shape)] = self._fabric_shares(shape, alive, {})
        return found

    def _totals_in(self, bag: str, failure: Failure) -> Totals:
        found = failure.totals.get(bag)
        return self.bag_totals(bag) if found is None else found

    def _fabric_after(self, shape: Shape, alive: tuple[bool, ...] | None, failure: Failure) -> Shares:
        found = failure.by_shape.get((id(shape), alive))
        if found is None:
            static = self._static.get(id(shape))
            if static is None:
                own, hardware, uplinks = shape
                value = (own, hardware, tuple((port, speed) for port, _, speed in uplinks))
                static = self._static[id(shape)] = self._statics.setdefault(value, value)
                self._base_ids[id(shape)] = tuple(id(self.bag_totals(bag)) for bag in self._uplink_bags(shape))
            # shapes whose BAG switches have equal totals (interned: compared by identity) share one result
            bags = self._uplink_bags(shape)
            if failure.totals.keys().isdisjoint(bags):
                totals = self._base_ids[id(shape)]
            else:
                totals = tuple([id(self._totals_in(bag, failure)) for bag in bags])
            key = (id(static), totals, alive)
            found = failure.fabric_cache.get(key)
            if found is None:
                found = failure.fabric_cache[key] = self._fabric_shares(shape, alive, failure.totals)
            failure.by_shape[(id(shape), alive)] = found
        return found

    # ------------------------------------------------------------------ scenarios

    def affected(self, failure: Failure) -> set[str]:
        """Devices whose next hops can change: the surviving ends of lost links, and the fabric
        switches of every BAG switch whose totals changed (they weight by its cumulative bandwidth)."""
        served = self._switches
        for bag in failure.totals.keys() - served.keys():
            adjacent = self.neighbours(bag)
            served[bag] = frozenset(adjacent.peers.keys() - adjacent.inter.keys())
        return failure.touched.union(*(served[bag] for bag in failure.totals)) - failure.failed

    def _fabric_changes(self, switch: str, alive: tuple[bool, ...] | None, failure: Failure) -> Shares:
        old = self.fabric_baseline(switch)
        new = self._fabric_after(self.shape(switch), alive, failure)
        memo = (id(old), id(new))
        found = failure.changes_cache.get(memo)
        if found is None:
            diff: Shares = {}
            for dest in sorted(old.keys() | new.keys()):
                now = new.get(dest, _NO_SHARES)
                if old.get(dest) != now:
                    rounded = failure.rounded.get(id(now))  # `now` is kept alive by the scenario's caches
                    if rounded is None:
                        rounded = failure.rounded[id(now)] = {k: round(v, 4) for k, v in now.items()}
                    diff[dest] = rounded
            found = failure.changes_cache[memo] = failure.interned.setdefault(repr(diff), diff)
        return found

    def changed(self, dead: set[int], failed_nodes: set[str]) -> dict[str, Shares]:
        """device -> destination -> interface -> share (rounded to 4 places), for every device whose
        shares the failure changes; devices of one shape and fate share one result object."""
        failure = Failure(self, dead, failed_nodes)
        nodes = self.plan.wiring.nodes
        result: dict[str, Shares] = {}
        untouched: dict[int, Shares] = {}  # id(shape) -> changes of a switch of that shape that lost no uplink
        for device in sorted(self.affected(failure)):
            node = nodes[device]
            if node.drained:
                continue
            if node.role == "bag":
                changes = self._bag_changes(device, failure) if device in failure.lost else {}
            elif device in failure.touched:
                alive = self._alive_uplinks(device, failure.failed, failure.cut)
                changes = self._fabric_changes(device, alive, failure)
            else:
                shape = self.shape(device)
                same = untouched.get(id(shape))
                if same is None:
                    same = untouched[id(shape)] = self._fabric_changes(device, None, failure)
                changes = same
            if changes:
                result[device] = changes
        return result

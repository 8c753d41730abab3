"""Parse-back audit: read each rendered config the way a router would and compare it with its model.

A template can drop a neighbour, attach the wrong policy or print a value in the wrong unit and still
render without error; only reading the output back catches that. `readback` turns the config into
facts, the model gives the expected facts (platform defaults made explicit the same way); `==`
decides, and only a mismatch pays for a DeepDiff that names each differing field.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.forked import fork_map
from generator.model import Device, Network, Policy, length_range, with_groups
from generator.platforms import PLATFORMS
from generator.safeio import NotRegularFileError, read_regular
from generator.validators.readback import CUMULATIVE, DENY_ALL, Facts, Term, canonical, rendered_facts, with_default


def _terms(policy: Policy, platform: str) -> list[Term]:
    terms: list[Term] = []
    for term in policy.terms:
        lbw = term.link_bandwidth
        value: Any = None
        if lbw is not None and lbw.mode == "value":
            value = lbw.bps
        elif lbw is not None and PLATFORMS[platform].AGGREGATE_IN_POLICY:  # else aggregated per neighbour
            value = CUMULATIVE
        terms.append((term.action, term.match_prefix_list, value))
    return with_default(terms, DENY_ALL)


def _physical(bps: int, unit_bps: int) -> int:
    """The real bandwidth an encoded value stands for (values are scaled network-wide, see bandwidth.py)."""
    return max(1, round(bps / unit_bps)) * unit_bps if bps else 0


def _management(device: Device) -> dict[str, Any] | None:
    """What the config must say to stay reachable; FRR renders none of it (the lab reaches FRR via nsenter)."""
    m = device.management
    if m is None or device.platform == "frr":
        return None
    return {
        "interface": m.interface,
        "vrf": m.vrf,
        "ipv4": m.ipv4,
        "gateway": m.gateway,
        "users": {u.name: u.secret for u in m.users},
        "tacacs": sorted(s.address for s in m.tacacs),
        "radius": sorted(s.address for s in m.radius),
        "ntp": sorted(m.ntp),
        "syslog": sorted(m.syslog),
        "services": sorted(m.services),
    }


def expected_facts(device: Device) -> Facts:
    bgp = device.bgp
    l2_rendered = device.platform != "frr"  # FRR leaves MTU and MACsec to the Linux interface
    policies = {p.name: _terms(p, device.platform) for p in device.policies}
    for terms in policies.values():
        for i, (action, match, lbw) in enumerate(terms):
            if isinstance(lbw, int):
                terms[i] = (action, match, _physical(lbw, device.lbw_unit_bps))
    return {
        "hostname": device.name,
        "management": _management(device),
        "macsec": {p.name: {"cipher": p.cipher, "ckn": p.ckn, "cak": p.cak} for p in device.macsec},
        "breakouts": sorted({(b.port, b.lanes, b.mode) for b in device.breakouts}),
        "loopback": {
            "ipv4": f"{device.loopback_ipv4}/32",
            "ipv6": canonical(f"{device.loopback_ipv6}/128") if device.loopback_ipv6 else "",
        },
        "interfaces": {
            i.name: {
                "ipv4": i.ipv4,
                "ipv6": canonical(i.ipv6),
                "mtu": device.mtu if l2_rendered else 0,  # the IP MTU, whatever the platform prints
                "macsec": i.macsec_profile if l2_rendered else "",
            }
            for i in device.interfaces
        },
        "bgp": {
            "asn": bgp.asn,
            "router_id": bgp.router_id,
            "maximum_paths": {bgp.maximum_paths},
            "multipath_relax": bgp.multipath_relax,
            "ucmp": bgp.ucmp,
        },
        "neighbors": {
            canonical(n.address): {
                "family": n.family,
                "remote_as": n.remote_as,
                "import": g.import_policy,
                "export": g.export_policy,
                "shutdown": g.shutdown,
                "aggregate_bandwidth": g.aggregate_bandwidth,
            }
            for n, g in with_groups(device)
        },
        "prefix_lists": {
            pl.name: [(canonical(e.prefix), *length_range(e)) for e in pl.entries] for pl in device.prefix_lists
        },
        "policies": policies,
    }


# ----------------------------------------------------------------------------- comparison


@contextmanager
def _collector_paused(lines: int) -> Iterator[None]:
    """The cyclic collector paused for one parse, and run after it only if the parse left garbage.

    ciscoconfparse2's trees are reference cycles; `rendered_facts` breaks them (confparse.release),
    so reference counting frees a tree as soon as its facts are read. Left running during a parse,
    the collector would re-walk the young trees every 700 allocations, and in its older generations
    everything the process holds (a build worker's plan, `validate`'s whole network): on EOS configs
    118k lines/s per core. The safety net: a parse that left more new container objects than a fact
    needs (a tree is three per line, the facts at most about one) is collected, with everything older
    frozen for that collection so it walks only what the parse allocated (freezing and unfreezing
    are list splices, not walks)."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # also restarts the count of new objects at 0
    try:
        yield
    finally:
        if gc.get_count()[0] > 2 * lines:
            gc.collect()
        gc.unfreeze()
        if enabled:
            gc.enable()


def audit_device(device: Device, text: str) -> list[str]:
    """Every fact where the rendered config and the model disagree, as 'field: model X, config Y'."""
    expected = expected_facts(device)
    try:
        with _collector_paused(text.count("\n")):
            found = rendered_facts(device.platform, text, device.lbw_unit_bps)
    except (ValueError, IndexError, KeyError) as exc:  # a line the parser cannot read is itself a finding
        return [f"config cannot be read back: {type(exc).__name__}: {exc}"]
    if found == expected:
        return []
    from deepdiff import DeepDiff  # only for a mismatch: it imports numpy (0.2 s of every audited build)

    return _describe(DeepDiff(expected, found, verbose_level=2, view="tree"))


def _describe(diff: Any) -> list[str]:
    problems = []
    for kind, items in sorted(diff.items()):
        for item in items:
            field = _field(item.path(output_format="list"))
            if kind == "dictionary_item_removed":
                problems.append(f"{field}: in the model, missing from the config")
            elif kind == "dictionary_item_added":
                problems.append(f"{field}: in the config, not in the model ({_short(item.t2)})")
            elif item.t2 is None:
                problems.append(f"{field}: model {_short(item.t1)}, missing from the config")
            else:
                problems.append(f"{field}: model {_short(item.t1)}, config {_short(item.t2)}")
    return sorted(problems)


CONFIG_LIMIT = 256 * 2**20  # far above the largest config a build writes (a few MB)

_SINGULAR = {"interfaces": "interface", "neighbors": "neighbor", "prefix_lists": "prefix-list", "policies": "policy"}
_TERM_PARTS = ("action", "match", "link-bandwidth")


def _field(path: list[Any]) -> str:
    """['policies', 'TO-BAG-V4', 0, 2] -> 'policy TO-BAG-V4 term 1 link-bandwidth'."""
    if not path:
        return "config"
    head, rest = str(path[0]), path[1:]
    words = [_SINGULAR.get(head, head)]
    if head in ("policies", "prefix_lists") and len(rest) >= 2:
        words += [str(rest[0]), f"{'term' if head == 'policies' else 'entry'} {int(rest[1]) + 1}"]
        if head == "policies" and len(rest) == 3:
            words.append(_TERM_PARTS[int(rest[2])])
        return " ".join(words)
    return " ".join(words + [str(p) for p in rest])


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def audit_file(device: Device, out: Path) -> list[str]:
    path = out / f"{device.name}.cfg"
    try:  # a regular file only: a named pipe would wait forever, a link to /dev/zero never end
        text = read_regular(path, CONFIG_LIMIT).decode()
    except OSError as exc:
        return [f"{path}: cannot read ({os.strerror(exc.errno or 0)}); run `python -m generator build`"]
    except NotRegularFileError as exc:
        return [f"{path}: not read, it is {exc.what}; run `python -m generator build`"]
    except UnicodeDecodeError:
        return [f"{path}: not UTF-8 text, not a config a build wrote; run `python -m generator build`"]
    return audit_device(device, text)


def _audit_chunk(state: tuple[Network, Path], names: list[str]) -> list[tuple[str, list[str]]]:
    network, out = state
    return [(name, audit_file(network.devices[name], out)) for name in names]


def audit_outdir(
    network: Network, out: Path, jobs: int | None = None, advance: Callable[[int], None] | None = None
) -> dict[str, list[str]]:
    """Audit every device's config in `out/` (`validate --rendered`), spread over all cores;
    `advance(n)` reports n more devices audited (a progress bar)."""
    names = list(network.devices)
    jobs = jobs or os.cpu_count() or 1
    chunks = [names[i :: jobs * 8] for i in range(jobs * 8)]  # interleaved: big and small devices mix
    done = (lambda chunk: advance(len(chunk))) if advance else None
    results = fork_map(_audit_chunk, (network, out), chunks, 1 if len(names) < 64 else jobs, done)
    return {name: problems for name, problems in sorted(results) if problems}

"""`build`: intent -> checked plan -> rendered configs in `out/`, incrementally and in parallel.

- The cache key covers every input byte (intent, templates, generator code): an unchanged input
  with an intact `out/` is recognised in milliseconds without planning anything.
- Devices are expanded and rendered in forked worker processes that inherit the plan (nothing is
  pickled on the way in), one shard per region and plane so a worker derives the links it needs once.
- A device whose input fingerprint matches the previous build is not expanded or rendered at all:
  its previous config is hard-linked into the new tree. Of the rest, only changed bytes are written.
- The cabling plan (see cabling) is written beside the configs: a plane's CSV is reused while its
  BAG switches' fingerprints are unchanged. The device pages of `--docs` (see docs, with each
  device's cabling table) are reused with the configs. The fabric page is rewritten by every build
  that plans (0.15 s at gigawatt scale).
- The new tree replaces `out/` atomically (see outdir).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import yaml

import generator
from generator.catalogue import CATALOGUE
from generator.compile.fingerprint import device_fingerprint, network_digest
from generator.compile.network import Plan, expand, paused_gc
from generator.findings import AuditError, Finding, Severity, audit_mismatch
from generator.forked import bounded_jobs, fork_map
from generator.intent.loader import LoadedIntent, load_intent
from generator.model import Device
from generator.pipeline import Planned, provisional_plan
from generator.progress import ProgressFactory, no_progress
from generator.render import cabling, docs, uptodate
from generator.render.engine import TEMPLATES, compile_templates, render_device
from generator.render.outdir import (
    AVD,
    Staging,
    claim_build_dir,
    locked,
    resolve_target,
    write_failed,
)
from generator.safeio import open_directory

PARALLEL_THRESHOLD = 256  # below this many devices, forking costs more than it saves


class Rendered(NamedTuple):
    """One device's entry in the manifest."""

    name: str
    fingerprint: str
    sha256: str
    lines: int
    size: int
    written: bool  # False: the previous file was reused
    rendered: bool  # False: inputs unchanged, not even rendered
    platform: str
    role: str
    region: str
    plane: int
    fabric: str
    sessions: int
    audited: bool  # this exact config was read back and matched its model (now or in an earlier build)
    problems: tuple[str, ...] = ()  # what the audit found

    def entry(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "sha256": self.sha256,
            "lines": self.lines,
            "bytes": self.size,
            "platform": self.platform,
            "role": self.role,
            "region": self.region,
            "plane": self.plane,
            "fabric": self.fabric,
            "sessions": self.sessions,
            "audited": self.audited,
        }


@dataclass
class BuildReport:
    intent: str
    out: Path
    devices: int = 0
    sessions: int = 0
    lines: int = 0
    size: int = 0
    rendered: int = 0
    written: int = 0
    removed: int = 0
    up_to_date: bool = False
    audited: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)


def drift_findings(out: Path, changed: list[str], action: str) -> list[Finding]:
    """BAG202: configs that are not what the build wrote (never reported as audited)."""
    return [
        Finding(
            "BAG202",
            f"{out}/{name}.cfg is not the config the last build wrote (its sha256 differs from the manifest); {action}",
            device=name,
            hint=CATALOGUE["BAG202"].fix,
            severity=Severity.WARNING,
        )
        for name in changed
    ]


# ------------------------------------------------------------------ workers (fork inherits the job)


@dataclass(frozen=True)
class _Job:
    plan: Plan
    network_digest: str
    previous: dict[str, Any]
    staging: Path
    out: Path
    audit: bool
    templates: Path
    previous_cabling: dict[str, str] = field(default_factory=dict)  # plane CSV label -> its key
    docs: bool = False  # write a documentation page per device
    # `out` and `staging` opened as directories (build_devices): a file is named relative to them,
    # not by a path the kernel walks again per file (12,672 links of a one-plane build: 0.10 -> 0.03 s)
    out_fd: int = -1
    staging_fd: int = -1


def _reuse(job: _Job, files: list[str]) -> bool:
    """Hard-link these files of the previous build into the new tree: all of them, or none."""
    if job.out_fd < 0:
        return False
    linked: list[str] = []
    try:
        for relative in files:
            os.link(relative, relative, src_dir_fd=job.out_fd, dst_dir_fd=job.staging_fd)
            linked.append(relative)
        return True
    except OSError:
        for relative in linked:
            with suppress(FileNotFoundError):
                os.unlink(relative, dir_fd=job.staging_fd)
        return False


def _write(job: _Job, relative: str, data: bytes) -> None:
    """A new file of the staging tree (mode 0666 less the umask, as Path.write_bytes makes it)."""
    with open(relative, "wb", opener=partial(os.open, mode=0o666, dir_fd=job.staging_fd)) as handle:
        handle.write(data)


@contextmanager
def _directories(job: _Job) -> Iterator[_Job]:
    """The job with `out/` (when it exists) and the staging tree open as directories."""
    staging_fd = open_directory(job.staging)
    try:
        out_fd = open_directory(job.out)
    except OSError:  # the first build: nothing to reuse
        out_fd = -1
    try:
        yield dataclasses.replace(job, out_fd=out_fd, staging_fd=staging_fd)
    finally:
        os.close(staging_fd)
        if out_fd >= 0:
            os.close(out_fd)


def _outputs(name: str, pages: bool) -> list[str]:
    """The files of one device, relative to `out/`."""
    return [f"{name}.cfg", *([f"{docs.DEVICES}/{name}.md"] if pages else [])]


def _write_page(job: _Job, device: Device) -> None:
    """With --docs, the device's documentation page (with its cabling table)."""
    if job.docs:
        page = docs.device_page(device, cabling.device_cables(job.plan, device.name))
        _write(job, f"{docs.DEVICES}/{device.name}.md", page.encode())


def _audit(device: Device, text: str) -> tuple[str, ...]:
    from generator.validators.audit import audit_device  # imported before the fork when auditing, see build_devices

    return tuple(audit_device(device, text))


def _build_one(job: _Job, name: str) -> Rendered:
    fingerprint = device_fingerprint(job.plan, name, job.network_digest)
    old = job.previous.get(name)
    problems: tuple[str, ...] = ()
    if old is not None and old.get("fingerprint") == fingerprint and _reuse(job, _outputs(name, job.docs)):
        audited = bool(old.get("audited"))
        if job.audit and not audited:  # built earlier with --no-audit: audit the config we keep
            problems = _audit(expand(job.plan, name), (job.staging / f"{name}.cfg").read_text())
            audited = not problems
        return Rendered(
            name,
            fingerprint,
            old["sha256"],
            old["lines"],
            old["bytes"],
            False,
            False,
            old["platform"],
            old["role"],
            old["region"],
            old["plane"],
            old["fabric"],
            old["sessions"],
            audited,
            problems,
        )
    device = expand(job.plan, name)
    text = render_device(device, job.templates)
    data = text.encode()
    sha = hashlib.sha256(data).hexdigest()
    written = not (old is not None and old.get("sha256") == sha and _reuse(job, [f"{name}.cfg"]))
    if written:
        _write(job, f"{name}.cfg", data)
    _write_page(job, device)
    # Same bytes as an audited config: the parse-back would read the same facts again.
    audited = not written and bool(old and old.get("audited"))
    if job.audit and not audited:
        problems = _audit(device, text)
        audited = not problems
    return Rendered(
        name,
        fingerprint,
        sha,
        data.count(b"\n"),
        len(data),
        written,
        True,
        device.platform,
        device.role,
        device.region,
        device.plane,
        device.fabric,
        len(device.bgp.neighbors),
        audited,
        problems,
    )


def _build_shard(job: _Job, names: list[str]) -> list[Rendered]:
    with paused_gc():
        results = [_build_one(job, name) for name in names]
        _plane_csv(job, results)
        return results


def _plane_csv(job: _Job, results: list[Rendered]) -> None:
    """The CSV of the cables anchored in this shard (one region's plane), reused while its key holds."""
    anchors = [r for r in results if r.role == "bag"]
    if not anchors:
        return
    label = cabling.shard_label(anchors[0].region, anchors[0].plane)
    relative = f"{cabling.DIRECTORY}/{label}.csv"
    if job.previous_cabling.get(label) == plane_key(anchors) and _reuse(job, [relative]):
        return
    rows = cabling.plane_csv(job.plan, [r.name for r in anchors])
    _write(job, relative, (cabling.csv_header() + rows).encode())


def plane_key(anchors: list[Rendered]) -> str:
    return cabling.shard_key(r.fingerprint for r in anchors)


def plane_keys(results: list[Rendered]) -> dict[str, str]:
    """The cabling key of every region's plane (label -> key), in build order."""
    anchors: dict[str, list[Rendered]] = {}
    for r in results:
        if r.role == "bag":
            anchors.setdefault(cabling.shard_label(r.region, r.plane), []).append(r)
    return {label: plane_key(members) for label, members in anchors.items()}


def write_cabling_csv(staging: Path, labels: list[str]) -> int:
    """`cabling.csv`: the planes' CSVs under one header, in build order; returns its size."""
    header = cabling.csv_header().encode()
    with (staging / cabling.CSV_NAME).open("wb") as whole:
        whole.write(header)
        for label in labels:
            with (staging / cabling.DIRECTORY / f"{label}.csv").open("rb") as part:
                part.seek(len(header))
                whole.write(part.read())
        return whole.tell()


def shards(plan: Plan) -> list[list[str]]:
    """Devices grouped by region and plane: the fabric links of a group stay inside it."""
    groups: dict[tuple[str, int], list[str]] = {}
    for name, node in plan.wiring.nodes.items():
        groups.setdefault((node.region, node.plane), []).append(name)
    return list(groups.values())


def build_devices(
    job: _Job, jobs: int, progress: ProgressFactory = no_progress, meanwhile: Callable[[], None] | None = None
) -> list[Rendered]:
    """Every device built into the staging tree; `meanwhile()` runs here while the workers work."""
    plan = job.plan
    compile_templates(plan.platforms, job.templates)  # once, before forking: every worker inherits the compiled code
    plan.scale  # noqa: B018 - computed on first use (see Plan.scale): once, before forking, not in every worker
    if job.audit:  # the read-back takes 0.5 s to import: once, before forking, and only when auditing
        import generator.validators.audit  # noqa: F401

    small = jobs <= 1 or len(plan.wiring.nodes) < PARALLEL_THRESHOLD
    (job.staging / cabling.DIRECTORY).mkdir(exist_ok=True)
    (job.staging / (docs.DEVICES if job.docs else docs.DIRECTORY)).mkdir(parents=True, exist_ok=True)
    what = "render + audit" if job.audit else "render"
    groups = shards(plan)
    workers = 1 if small else bounded_jobs(jobs, len(groups))
    with progress(f"{what} devices", len(plan.wiring.nodes)) as advance, _directories(job) as opened:
        results = fork_map(_build_shard, opened, groups, workers, lambda c: advance(len(c)), meanwhile)
    order = {name: i for i, name in enumerate(plan.wiring.nodes)}
    return sorted(results, key=lambda r: order[r.name])


def manifest_for(
    name: str,
    plan: Plan,
    key: str,
    results: list[Rendered],
    cabling_planes: dict[str, str],
    cabling_bytes: int,
    device_pages: bool = False,
) -> dict[str, Any]:
    return {
        "cabling": {"bytes": cabling_bytes, "planes": cabling_planes},
        "docs": device_pages,
        "generator": generator.__version__,
        "intent": name,
        "input_key": key,
        "link_bandwidth_unit_bps": plan.scale.unit_bps,
        "summary": {
            "devices": len(results),
            "sessions": sum(r.sessions for r in results) // 2,
            "lines": sum(r.lines for r in results),
            "bytes": sum(r.size for r in results),
        },
        "devices": {r.name: r.entry() for r in results},
    }


def write_fabric_docs(staging: Path, planned: Planned, device_pages: bool) -> None:
    """`docs/fabric.md` and `docs/fabric.svg`: one pass over the links (0.15 s at 207,360 links)."""
    stats = docs.link_stats(planned.plan)
    page = docs.fabric_page(planned.plan, planned.capacity, device_pages, stats)
    (staging / docs.DIRECTORY / docs.FABRIC_PAGE).write_text(page)
    (staging / docs.DIRECTORY / docs.FABRIC_SVG).write_text(docs.fabric_svg(planned.plan, planned.capacity, stats))


def audit_findings(results: list[Rendered], out: Path, plan: Plan | None = None) -> list[Finding]:
    """One BAG080 error per device whose rendered config does not say what its model says. A device
    with `management.raw` lines is most likely overridden by one of them (the escape hatch is
    checked for safety, not for meaning), so the hint points there first."""

    def hint(r: Rendered) -> str:
        management = plan.management(r.name, r.platform) if plan is not None else None
        if management is not None and management.raw:
            return (
                f"a `management.raw` line for {r.platform} may override what the intent says (remove or fix it), "
                f"else a template in templates/{r.platform}/ renders this device wrongly; {out}/ was left as it was"
            )
        return f"a template in templates/{r.platform}/ renders this device wrongly; {out}/ was left as it was"

    return [audit_mismatch(r.name, r.platform, r.problems, hint(r)) for r in results if r.problems]


def write_avd(plan: Plan, directory: Path) -> None:
    """One AVD structured config (eos_cli_config_gen schema) per EOS device, as YAML."""
    from generator.platforms.eos_avd import structured_config

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    directory.mkdir()
    hardware = plan.intent.hardware
    for name, node in plan.wiring.nodes.items():
        if hardware[node.hardware].platform == "eos":
            text = yaml.dump(structured_config(expand(plan, name)), Dumper=dumper, sort_keys=False, width=1000)
            (directory / f"{name}.yml").write_text(text)


def build(
    intent_path: str | Path,
    out: str | Path = "out",
    jobs: int | None = None,
    force: bool = False,
    audit: bool = True,
    templates: str | Path = TEMPLATES,
    avd: bool = False,
    progress: ProgressFactory = no_progress,
    device_pages: bool = False,
) -> BuildReport:
    """Build configs for every device of the intent; raises FindingsError on an invalid intent or when
    the parse-back audit finds a config that does not match its model (then `out/` is left untouched).
    With `avd`, out/avd/<device>.yml holds the Arista AVD structured config of every EOS device."""
    shown_out = Path(out)
    jobs = bounded_jobs(jobs or os.cpu_count() or 1)
    start = time.perf_counter()
    loaded = load_intent(intent_path)
    templates = Path(templates).resolve()
    target = resolve_target(shown_out)  # refuses a file, `.` and its parents
    try:
        with locked(target):  # one build per output directory at a time
            previous = claim_build_dir(shown_out, target)  # refuses someone else's files, untouched
            return _build_locked(
                loaded, shown_out, target, previous, jobs, force, audit, templates, start, avd, progress, device_pages
            )
    except OSError as exc:  # no space, read-only file system, permissions: out/ is as it was
        raise write_failed(shown_out, exc) from exc


def _build_locked(
    loaded: LoadedIntent,
    shown_out: Path,
    out: Path,
    previous: dict[str, Any] | None,
    jobs: int,
    force: bool,
    audit: bool,
    templates: Path,
    start: float,
    avd: bool = False,
    progress: ProgressFactory = no_progress,
    device_pages: bool = False,
) -> BuildReport:
    code_and_templates = uptodate.code_and_templates(templates)
    key = uptodate.input_key(loaded.digest, code_and_templates, avd)
    changed = uptodate.changed_configs(out, previous) if previous is not None else []
    timings = {"load": time.perf_counter() - start}
    report = BuildReport(loaded.intent.name, shown_out)
    drift = drift_findings(shown_out, changed, "it is rendered again")
    if not force and previous and uptodate.fresh(out, previous, key, audit, device_pages, changed):
        summary = previous.get("summary", {})
        report.devices, report.sessions = summary.get("devices", 0), summary.get("sessions", 0)
        report.lines, report.size = summary.get("lines", 0), summary.get("bytes", 0)
        report.up_to_date = True
        report.timings = {**timings, "total": time.perf_counter() - start}
        return report

    t = time.perf_counter()
    provisional = provisional_plan(loaded)
    timings["validate+plan"] = time.perf_counter() - t
    t = time.perf_counter()
    # configs that are not the bytes the manifest records are never reused (nor taken as audited)
    stale = set(changed)
    old_devices = (
        {}
        if previous is None or force
        else {name: entry for name, entry in previous["devices"].items() if name not in stale}
    )
    staging = Staging(out)
    try:
        digest = network_digest(provisional.plan, code_and_templates)
        old_cabling = previous.get("cabling", {}).get("planes", {}) if previous and old_devices else {}
        plan = provisional.plan
        job = _Job(plan, digest, old_devices, staging.path, out, audit, templates, old_cabling, device_pages)
        checked: list[Planned] = []

        def meanwhile() -> None:
            """While the workers render: the plan's last checks (their errors stop the workers and
            abandon the staging tree, as if nothing had been rendered), then the fabric page."""
            checked.append(provisional.checked())
            write_fabric_docs(staging.path, checked[0], device_pages)

        results = build_devices(job, jobs, progress, meanwhile)
        planned = checked[0]
        timings["expand+render+write" + ("+audit" if audit else "")] = time.perf_counter() - t
        problems = audit_findings(results, shown_out, planned.plan)
        if problems:
            raise AuditError(problems)
        t = time.perf_counter()
        if avd:
            write_avd(planned.plan, staging.path / AVD)
            timings["avd"] = time.perf_counter() - t
            t = time.perf_counter()
        planes = plane_keys(results)
        cabling_bytes = write_cabling_csv(staging.path, list(planes))
        manifest = manifest_for(loaded.intent.name, planned.plan, key, results, planes, cabling_bytes, device_pages)
        staging.commit(manifest)
    except BaseException:
        staging.abandon()
        raise
    uptodate.record_verified(out, [r.name for r in results])
    timings["commit"] = time.perf_counter() - t
    summary = manifest["summary"]
    report.devices, report.sessions = summary["devices"], summary["sessions"]
    report.lines, report.size = summary["lines"], summary["bytes"]
    report.rendered = sum(1 for r in results if r.rendered)
    report.written = sum(1 for r in results if r.written)
    report.removed = len(set(previous["devices"] if previous else ()) - set(planned.plan.wiring.nodes))
    report.audited = sum(1 for r in results if r.audited) if audit else 0
    report.warnings = [*drift, *planned.findings]
    report.timings = {**timings, "total": time.perf_counter() - start}
    return report

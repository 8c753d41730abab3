"""`build`: intent -> checked plan -> rendered configs in `out/`, incrementally and in parallel.

- The cache key covers every input byte (intent, templates, generator code): an unchanged input
  with an intact `out/` is recognised in milliseconds without planning anything.
- Devices are expanded and rendered in forked worker processes that inherit the plan (nothing is
  pickled on the way in), one shard per region and plane so a worker derives the links it needs once.
- A device whose input fingerprint matches the previous build is not expanded or rendered at all:
  its previous config is hard-linked into the new tree. Of the rest, only changed bytes are written.
- The new tree replaces `out/` atomically (see outdir).
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

import generator
from generator.compile.fingerprint import device_fingerprint, network_digest
from generator.compile.network import Plan, expand, paused_gc
from generator.findings import AuditError, Finding, FindingsError, Location, audit_mismatch
from generator.forked import fork_map
from generator.intent.loader import load_intent
from generator.model import Device
from generator.pipeline import plan_checked
from generator.render import uptodate
from generator.render.engine import TEMPLATES, environment, render_device, template_for
from generator.render.outdir import Staging, read_manifest

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


code_digest = uptodate.code_digest  # the cache key and the up-to-date decision live in uptodate
_intact = uptodate.intact


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


def _reuse(job: _Job, name: str, old: dict[str, Any]) -> bool:
    try:  # str paths: 12,672 pathlib joins cost more than the links themselves
        os.link(f"{job.out}/{name}.cfg", f"{job.staging}/{name}.cfg")
        return True
    except OSError:
        return False


def _audit(device: Device, text: str) -> tuple[str, ...]:
    """Audit one config with the cyclic collector on for just this parse.

    Workers run with the collector paused (millions of acyclic model tuples); ciscoconfparse2's parse
    trees and pyparsing's results are cycles, so without a collection every parse would stay in
    memory (4 GB per worker on Junos configs). Freezing first keeps the plan and the models out of
    the collection, which then only walks this parse's garbage."""
    from generator.validators.audit import audit_device  # imported before the fork when auditing, see build_devices

    was_enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        return tuple(audit_device(device, text))
    finally:
        gc.collect()
        if not was_enabled:
            gc.disable()


def _build_one(job: _Job, name: str) -> Rendered:
    fingerprint = device_fingerprint(job.plan, name, job.network_digest)
    old = job.previous.get(name)
    problems: tuple[str, ...] = ()
    if old is not None and old.get("fingerprint") == fingerprint and _reuse(job, name, old):
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
    written = not (old is not None and old.get("sha256") == sha and _reuse(job, name, old))
    if written:
        (job.staging / f"{name}.cfg").write_bytes(data)
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
        return [_build_one(job, name) for name in names]


def shards(plan: Plan) -> list[list[str]]:
    """Devices grouped by region and plane: the fabric links of a group stay inside it."""
    groups: dict[tuple[str, int], list[str]] = {}
    for name, node in plan.wiring.nodes.items():
        groups.setdefault((node.region, node.plane), []).append(name)
    return list(groups.values())


def compile_template(platform: str, templates: Path) -> None:
    """Load a platform's templates (includes too: Jinja compiles those only when first rendered),
    turning a missing or malformed one into a located finding."""
    try:
        template_for(platform, templates)
        for path in sorted((templates / platform).glob("*.j2")):
            environment(templates).get_template(f"{platform}/{path.name}")
    except jinja2.TemplateNotFound as exc:
        hint = f"add {platform}/device.j2 to {templates}, or build with the shipped templates"
        raise FindingsError([Finding("BAG081", f"no template {exc.name} in {templates}", hint=hint)]) from exc
    except jinja2.TemplateSyntaxError as exc:
        where = Location(str(exc.filename or exc.name or platform), exc.lineno, 1)
        raise FindingsError([Finding("BAG081", f"template syntax error: {exc.message}", location=where)]) from exc


def build_devices(job: _Job, jobs: int) -> list[Rendered]:
    plan = job.plan
    for platform in sorted({plan.intent.hardware[n.hardware].platform for n in plan.wiring.nodes.values()}):
        compile_template(platform, job.templates)  # once, before forking: every worker inherits the compiled code
    if job.audit:  # ciscoconfparse2 takes 0.8 s to import: once, before forking, and only when auditing
        import generator.validators.audit  # noqa: F401

    small = jobs <= 1 or len(plan.wiring.nodes) < PARALLEL_THRESHOLD
    try:
        results = fork_map(_build_shard, job, shards(plan), 1 if small else jobs)
    finally:
        gc.unfreeze()  # what the audits froze in this process becomes collectable again
    order = {name: i for i, name in enumerate(plan.wiring.nodes)}
    return sorted(results, key=lambda r: order[r.name])


def manifest_for(name: str, plan: Plan, key: str, results: list[Rendered]) -> dict[str, Any]:
    return {
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


def audit_findings(results: list[Rendered], out: Path) -> list[Finding]:
    """One BAG080 error per device whose rendered config does not say what its model says."""
    return [
        audit_mismatch(
            r.name,
            r.platform,
            r.problems,
            f"a template in templates/{r.platform}/ renders this device wrongly; {out}/ was left as it was",
        )
        for r in results
        if r.problems
    ]


def build(
    intent_path: str | Path,
    out: str | Path = "out",
    jobs: int | None = None,
    force: bool = False,
    audit: bool = True,
    templates: str | Path = TEMPLATES,
) -> BuildReport:
    """Build configs for every device of the intent; raises FindingsError on an invalid intent or when
    the parse-back audit finds a config that does not match its model (then `out/` is left untouched)."""
    out = Path(out)
    jobs = jobs or os.cpu_count() or 1
    start = time.perf_counter()
    loaded = load_intent(intent_path)
    templates = Path(templates).resolve()
    code_and_templates = uptodate.code_and_templates(templates)
    key = uptodate.input_key(loaded.digest, code_and_templates)
    previous = read_manifest(out)
    intact = previous is not None and _intact(out, previous)
    timings = {"load": time.perf_counter() - start}
    report = BuildReport(loaded.intent.name, out)
    if not force and previous and uptodate.current(out, key, audit, previous):
        summary = previous.get("summary", {})
        report.devices, report.sessions = summary.get("devices", 0), summary.get("sessions", 0)
        report.lines, report.size = summary.get("lines", 0), summary.get("bytes", 0)
        report.up_to_date = True
        report.timings = {**timings, "total": time.perf_counter() - start}
        return report

    t = time.perf_counter()
    planned = plan_checked(loaded)
    timings["validate+plan"] = time.perf_counter() - t
    t = time.perf_counter()
    old_devices = previous.get("devices", {}) if previous and intact and not force else {}
    staging = Staging(out)
    try:
        digest = network_digest(planned.plan, code_and_templates)
        job = _Job(planned.plan, digest, old_devices, staging.path, out, audit, templates)
        results = build_devices(job, jobs)
        timings["expand+render+write" + ("+audit" if audit else "")] = time.perf_counter() - t
        problems = audit_findings(results, out)
        if problems:
            raise AuditError(problems)
        t = time.perf_counter()
        manifest = manifest_for(loaded.intent.name, planned.plan, key, results)
        staging.commit(manifest)
    except BaseException:
        staging.abandon()
        raise
    timings["commit"] = time.perf_counter() - t
    summary = manifest["summary"]
    report.devices, report.sessions = summary["devices"], summary["sessions"]
    report.lines, report.size = summary["lines"], summary["bytes"]
    report.rendered = sum(1 for r in results if r.rendered)
    report.written = sum(1 for r in results if r.written)
    report.removed = len(set(old_devices) - set(planned.plan.wiring.nodes))
    report.audited = sum(1 for r in results if r.audited) if audit else 0
    report.warnings = planned.findings
    report.timings = {**timings, "total": time.perf_counter() - start}
    return report

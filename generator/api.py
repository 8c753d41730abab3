"""The Python API: the verbs of the command line as typed functions, for people who script the tool.

    from generator import api

    loaded = api.load("intent/lab.yaml")          # parse and locate (raises IntentLoadError)
    planned = api.plan(loaded)                    # check and plan (raises FindingsError)
    network = api.compile(loaded)                 # every device model, cross-checked
    text = api.render(network.devices["east-bag-p1-s1"])
    report = api.build("intent/lab.yaml", "out")  # what `build` does, incremental and audited
    analysis = api.analyze(loaded)                # capacity, budgets, failure scenarios

Every function raises `generator.findings.FindingsError` (with located findings) for an intent that
does not validate and `generator.errors.UsageError` for a problem of environment or usage; nothing
here prints. The stages stay importable on their own (generator.intent, .compile, .render, ...).
"""

from __future__ import annotations

from pathlib import Path

from generator.analysis.capacity import Analysis
from generator.findings import Finding
from generator.intent.loader import LoadedIntent, load_intent
from generator.model import Device, Network
from generator.pipeline import Planned, checked_network, compile_loaded, plan_analyzed, plan_checked
from generator.render.build import BuildReport
from generator.render.build import build as _build
from generator.render.engine import TEMPLATES, render_device

__all__ = ["TEMPLATES", "analyze", "build", "compile", "load", "plan", "render", "validate"]


def _loaded(intent: str | Path | LoadedIntent) -> LoadedIntent:
    return intent if isinstance(intent, LoadedIntent) else load_intent(intent)


def load(path: str | Path) -> LoadedIntent:
    """An intent file or directory, parsed, schema-checked, with the position of every value."""
    return load_intent(path)


def validate(intent: str | Path | LoadedIntent) -> list[Finding]:
    """Every finding of every stage (errors included); an empty list means the intent is clean."""
    return checked_network(_loaded(intent))[0]


def plan(intent: str | Path | LoadedIntent) -> Planned:
    """Checked wiring, ports, addresses and capacity budgets: what every device model is expanded from."""
    return plan_checked(_loaded(intent))


def compile(intent: str | Path | LoadedIntent) -> Network:
    """Every device's vendor-neutral model (interfaces, BGP, policies, link bandwidth), cross-checked."""
    return compile_loaded(_loaded(intent)).network


def render(device: Device, templates: str | Path = TEMPLATES) -> str:
    """One device's config in its platform's syntax."""
    return render_device(device, Path(templates))


def build(
    intent: str | Path,
    out: str | Path = "out",
    *,
    jobs: int | None = None,
    force: bool = False,
    audit: bool = True,
    templates: str | Path = TEMPLATES,
) -> BuildReport:
    """Render every device into `out/` atomically and incrementally, auditing what changed."""
    return _build(intent, out, jobs=jobs, force=force, audit=audit, templates=templates)


def analyze(intent: str | Path | LoadedIntent, failures: bool = True) -> Analysis:
    """Capacity per plane and region pair, oversubscription against the budgets, failure scenarios."""
    loaded = _loaded(intent)
    return plan_analyzed(loaded)[1] if failures else plan_checked(loaded).capacity

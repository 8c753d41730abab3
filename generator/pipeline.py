"""Load -> check -> plan -> (expand), stopping at the first stage that has errors.

Each stage only runs on input the previous checks accepted, so the compiler never sees a dangling
reference or an impossible port count, and every problem reaches the user as a located finding.
`plan_checked` is what most commands need; a build takes the `provisional_plan` (every check the
plan's construction depends on has passed) and runs the last checks while its workers render into a
staging tree that an error abandons. `compile_loaded` also expands every device and cross-checks the
result (validate, diff, analysis).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.analysis.capacity import PARALLEL_FROM, Analysis, analyze_plan, base_capacity, failure_scenarios
from generator.analysis.weights import Weights
from generator.compile.layout import layout
from generator.compile.network import Plan, compile_network, paused_gc, plan_from
from generator.compile.wiring import wire
from generator.findings import Finding, FindingsError, errors, sort_findings
from generator.forked import in_background
from generator.intent.loader import LoadedIntent, load_intent
from generator.model import Network
from generator.validators.intent import check_intent
from generator.validators.model import check_network
from generator.validators.physical import check_pools, check_ports
from generator.validators.plan import check_plan
from generator.validators.system import check_system


@dataclass(frozen=True)
class Planned:
    loaded: LoadedIntent
    plan: Plan
    findings: list[Finding]  # warnings only: errors raise
    capacity: Analysis  # capacities and budgets without failure scenarios (the review's deltas use it)


@dataclass(frozen=True)
class Compiled(Planned):
    network: Network


def _stop_on_errors(findings: list[Finding]) -> None:
    if errors(findings):
        raise FindingsError(findings)


@dataclass(frozen=True)
class Provisional:
    """A plan that passed every check its construction depends on (references, ports, pools), with the
    checks of the finished plan still to run (`checked`): multipath, link bandwidth, injection, the
    capacity budgets. A build renders into its staging tree while they run (see render.build) and
    commits nothing unless they pass; everything else asks for `plan_checked`."""

    loaded: LoadedIntent
    plan: Plan
    findings: list[Finding]  # warnings so far

    def checked(self) -> Planned:
        """The checked plan; raises FindingsError when the last checks find errors."""
        findings = list(self.findings)
        with paused_gc():
            findings += check_plan(self.loaded, self.plan)
            capacity = analyze_plan(self.loaded, self.plan, failures=False)
            findings += capacity.findings  # capacity budgets (BAG070, BAG071)
        _stop_on_errors(findings)
        return Planned(self.loaded, self.plan, sort_findings(findings), capacity)


def provisional_plan(loaded: LoadedIntent) -> Provisional:
    intent = loaded.intent
    findings = check_intent(loaded)
    _stop_on_errors(findings)
    with paused_gc():
        wiring = wire(intent)
        findings += check_ports(loaded, wiring)
        findings += check_system(loaded, Counter(node.region for node in wiring.nodes.values()))
        _stop_on_errors(findings)
        lay = layout(intent, wiring)
        findings += check_pools(loaded, wiring, lay)
        _stop_on_errors(findings)
        p = plan_from(intent, wiring, lay)
    return Provisional(loaded, p, findings)


def plan_checked(loaded: LoadedIntent) -> Planned:
    return provisional_plan(loaded).checked()


def _last_checks(provisional: Provisional, _: object = None) -> tuple[list[Finding], Analysis]:
    planned = provisional.checked()
    return planned.findings, planned.capacity  # not the plan: a background worker pickles its result


def plan_analyzed(loaded: LoadedIntent) -> tuple[Planned, Analysis]:
    """The checked plan and its capacity analysis with the failure scenarios. On a large network the
    plan's last checks run in a forked worker while this process prepares the failure scenarios (the
    baseline every scenario starts from), and their result is awaited while the scenario workers
    run: an error stops them, so what the user sees is the finding, as with `plan_checked`."""
    provisional = provisional_plan(loaded)
    plan = provisional.plan
    checks = partial(_last_checks, provisional)
    large = len(plan.wiring.nodes) >= PARALLEL_FROM
    results: list[tuple[list[Finding], Analysis]] = []
    with in_background(checks, None) if large else nullcontext(checks) as checked:
        weights = Weights(plan)
        base = base_capacity(plan, weights.neighbours)  # sums the failures need anyway
        scenarios = failure_scenarios(plan, base, meanwhile=lambda: results.append(checked()), weights=weights)
    findings, capacity = results[0]
    return Planned(loaded, plan, findings, capacity), dataclasses.replace(capacity, scenarios=scenarios)


def compile_loaded(loaded: LoadedIntent, cross_check: bool = True) -> Compiled:
    planned = plan_checked(loaded)
    network = compile_network(planned.plan)
    findings = list(planned.findings)
    if cross_check:
        with paused_gc():  # acyclic tables over the whole network: the collector would re-walk it
            findings += check_network(network)
        _stop_on_errors(findings)
    return Compiled(loaded, planned.plan, sort_findings(findings), planned.capacity, network)


def compile_path(path: str | Path, cross_check: bool = True) -> Compiled:
    """Load, check and compile an intent file or directory (raises FindingsError / IntentLoadError)."""
    return compile_loaded(load_intent(path), cross_check)


def validate_loaded(loaded: LoadedIntent) -> list[Finding]:
    """Every finding of every stage, errors included (validate reports, it does not stop at the first)."""
    return checked_network(loaded)[0]


def checked_network(loaded: LoadedIntent) -> tuple[list[Finding], Network | None]:
    """validate_loaded, plus the compiled network when no stage stopped (validate --rendered audits it)."""
    try:
        compiled = compile_loaded(loaded, cross_check=True)
    except FindingsError as exc:
        return exc.findings, None
    return compiled.findings, compiled.network

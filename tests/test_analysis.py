"""Capacity and failure-domain analysis, budgets, and the validator's refusal of broken intents."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.analysis import capacity
from generator.analysis.capacity import Analysis, analyze_plan, base_capacity, failure_specs
from generator.analysis.weights import Weights
from generator.compile.network import Plan
from generator.findings import FindingsError
from generator.intent.loader import load_intent
from generator.pipeline import plan_analyzed, plan_checked, validate_loaded
from generator.validators.plan import multipath_widths, widest_multipath

from .conftest import LAB, PROMETHEUS
from .test_weights import unusual_failures

TBPS = 10**12


def big_pair(lab_data: dict[str, Any], topology: str) -> dict[str, Any]:
    """2 regions x 8 planes x 4 BAG switches (12 x 36 ports), 36 x 800G per switch toward the other region."""
    lab_data["hardware"]["lab-bag"].update(line_cards=12, ports_per_line_card=36)
    for i, region in enumerate(lab_data["regions"]):
        region["bag"].update(planes=8, switches_per_plane=4, placement=[])
        region["addressing"]["p2p_ipv4"] = f"10.{i + 1}0.0.0/16"
        region["addressing"]["p2p_ipv6"] = f"fd00:1:{i + 1}0::/64"
    lab_data["inter_region"][0].update(topology=topology, links_per_switch=36, spread_width=4)
    lab_data["inter_region"][0]["addressing"] = {"p2p_ipv4": "10.30.0.0/16", "p2p_ipv6": "fd00:1:30::/64"}
    lab_data["link_bandwidth"]["frr_unit"] = "auto"
    return lab_data


def analyze(path: Any) -> Analysis:
    loaded = load_intent(path)
    return analyze_plan(loaded, plan_checked(loaded).plan)


def test_planar_pair_capacity_matches_the_hand_calculation(lab_data, write_intent) -> None:
    a = analyze(write_intent(big_pair(lab_data, "planar")))
    assert a.pair_bps == {"east~west": 4 * 8 * 36 * 800 * 10**9}  # = 921.6 Tbps
    assert a.pair_bps["east~west"] / TBPS == pytest.approx(921.6)


def test_losing_a_bag_switch_strands_its_planar_partner_but_spread_shares_the_loss(lab_data, write_intent) -> None:
    planar = analyze(write_intent(big_pair(lab_data, "planar"), "planar.yaml"))
    spread = analyze(write_intent(big_pair(lab_data, "spread"), "spread.yaml"))
    lost_planar = next(s for s in planar.scenarios if s.kind == "BAG switch")
    lost_spread = next(s for s in spread.scenarios if s.kind == "BAG switch")
    # both lose one switch's 36 links of the pair's 1152...
    assert lost_planar.pair_bps == lost_spread.pair_bps == {"east~west": (4 * 8 - 1) * 36 * 800 * 10**9}
    # ...but with planar its partner loses everything, with spread 4 partners lose a quarter each
    assert lost_planar.worst_remote_loss == 1.0
    assert lost_spread.worst_remote_loss == pytest.approx(0.25)


def test_ucmp_after_a_bag_switch_failure_spreads_over_the_survivors(lab_data, write_intent) -> None:
    a = analyze(write_intent(big_pair(lab_data, "planar")))
    lost = next(s for s in a.scenarios if s.kind == "BAG switch")
    assert lost.name == "east-bag-p8-s4"
    # the spine of plane 8 wired to it (3 uplinks over 4 switches: stsw1's go to s1-s3) loses that
    # uplink and splits its traffic to west evenly over the other two; its planar partner in west is
    # cut off from east, and so are that switch's spines
    assert lost.weights["e1-p8-stsw2"] == {"region:west": {"swp1": 0.5, "swp2": 0.5}}
    assert lost.weights["west-bag-p8-s4"] == {"region:east": {}}
    assert "e1-p8-stsw1" not in lost.weights


def test_a_bag_switch_failure_predicts_the_weights_of_every_affected_device(lab_data, write_intent) -> None:
    """Hand calculation on the lab: west-bag-p2-s2 fails. Its 4 spread partners in east lose one of
    their two links to west; east's spines weight each BAG switch by its bandwidth toward west, so a
    spine with links to a full and a halved partner gets 40/40/20 (or 50/25/25); the far side's
    spines of plane 2 fall back to the surviving switch."""
    a = analyze(write_intent(lab_data))
    lost = next(s for s in a.scenarios if s.kind == "BAG switch" and s.name == "west-bag-p2-s2")
    assert lost.weights == {
        "e1-p1-stsw1": {"region:west": {"swp1": 0.4, "swp2": 0.4, "swp3": 0.2}},
        "e1-p1-stsw2": {"region:west": {"swp1": 0.5, "swp2": 0.25, "swp3": 0.25}},
        "e1-p2-stsw1": {"region:west": {"swp1": 0.4, "swp2": 0.4, "swp3": 0.2}},
        "e1-p2-stsw2": {"region:west": {"swp1": 0.5, "swp2": 0.25, "swp3": 0.25}},
        "east-bag-p1-s2": {"region:west": {"swp16": 1.0}},
        "east-bag-p2-s2": {"region:west": {"swp8": 1.0}},
        "w1-p2-stsw1": {"region:east": {"swp1": 0.5, "swp2": 0.5}},
        "w1-p2-stsw2": {"region:east": {"swp1": 1.0}},
    }
    plane = next(s for s in a.scenarios if s.kind == "plane" and s.name == "east plane 1")
    # east's plane-1 spines have nowhere to go; west's BAG switches lose their links into plane 1
    assert plane.weights["e1-p1-stsw1"] == {"region:west": {}}
    assert len(plane.weights) == 6 and not any(d.startswith("east-bag-p1") for d in plane.weights)


def test_prometheus_figures(tmp_path) -> None:
    a = analyze(PROMETHEUS)
    # north-hub is planar: 18 BAG switches x 8 planes x 144 links x 800G
    assert a.pair_bps["north~hub"] == 18 * 8 * 144 * 800 * 10**9  # 16.6 Pbps
    worst = max(p.oversubscription for p in a.planes)
    assert worst <= 4.5
    assert {s.kind for s in a.scenarios} >= {"link", "line card", "BAG switch", "plane"}


def test_oversubscription_over_budget_is_an_error_and_build_refuses(lab_data, write_intent, cli) -> None:
    lab_data["regions"][0]["fabrics"][0]["downlinks"]["count"] = 13  # 2 x 13 x 800G over 6 x 800G: 4.33:1
    lab_data["budgets"]["l2_to_bag_oversubscription"] = 4.0
    path = write_intent(lab_data)
    with pytest.raises(FindingsError) as exc:
        plan_checked(load_intent(path))
    found = [f for f in exc.value.findings if f.code == "BAG070"]
    assert [f.message.split()[1] for f in found] == ["1", "2"]  # both planes of east, west stays at 4.0:1
    finding = found[0]
    assert finding.field == "regions[0].fabrics[0].downlinks" and "4.33:1" in finding.message
    code, _, err = cli("build", path, "-o", path.parent / "out")
    assert code == 1 and "BAG070" in err and not (path.parent / "out").exists()  # a finding: 1, as validate


@pytest.mark.parametrize(
    ("mutate", "code", "field"),
    [
        (lambda d: d["regions"][0]["bag"].update(hardware="nope"), "BAG011", "regions[0].bag.hardware"),
        (lambda d: d["regions"][1].update(name="east"), "BAG010", "regions[1].name"),
        (lambda d: d["regions"][0]["bag"].update(drained_planes=[3]), "BAG012", "regions[0].bag.drained_planes"),
        (lambda d: d["inter_region"][0].update(links_per_switch=20), "BAG030", "regions[0].bag.hardware"),
        (
            lambda d: d["regions"][1]["addressing"].update(p2p_ipv4="10.1.0.0/24"),
            "BAG021",
            "regions[1].addressing.p2p_ipv4",
        ),
        (lambda d: d["asn"].update(bag_base=64000), "BAG022", "asn.bag_base"),
        (lambda d: d["bgp"].update(maximum_paths=1024), "BAG041", "bgp.maximum_paths"),
        (lambda d: d["link_bandwidth"].update(transitive=False), "BAG050", "link_bandwidth.transitive"),
    ],
)
def test_each_rule_reports_its_code_at_its_field(lab_data, write_intent, mutate, code, field) -> None:
    mutate(lab_data)
    findings = validate_loaded(load_intent(write_intent(lab_data)))
    matching = [f for f in findings if f.code == code]
    assert matching, [str(f) for f in findings]
    located = [f for f in matching if f.field.startswith(field)]
    assert located and located[0].location is not None and located[0].hint


def test_the_example_intents_have_no_findings() -> None:
    assert validate_loaded(load_intent(LAB)) == []


_LAB_TEXT = LAB.read_text()
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**10),
    st.text(max_size=12),
    st.sampled_from(["800G", "10.0.0.0/8", "fd00::/127", "spread", "planar", "frr", "eos"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_intents_give_a_build_or_clean_findings_never_a_crash(data, tmp_path_factory) -> None:
    doc = yaml.safe_load(_LAB_TEXT)
    for _ in range(data.draw(st.integers(1, 3))):
        node: Any = doc
        while True:  # walk to a random container, then replace or delete one of its entries
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = data.draw(st.sampled_from(keys))
            if isinstance(node[key], dict | list) and data.draw(st.booleans()):
                node = node[key]
                continue
            if data.draw(st.booleans()) and isinstance(node, dict):
                del node[key]
            else:
                node[key] = data.draw(_scalars)
            break
    path = tmp_path_factory.mktemp("fuzz") / "intent.yaml"
    path.write_text(yaml.safe_dump(doc))
    try:
        validate_loaded(load_intent(path))
    except FindingsError as exc:
        assert exc.findings and all(f.code.startswith("BAG") for f in exc.findings)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text_is_a_clean_error(text: str, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("text") / "intent.yaml"
    path.write_text(text)
    with pytest.raises(FindingsError):
        load_intent(path)


def test_the_json_lists_devices_with_the_same_new_weights_together(lab_data, write_intent) -> None:
    """analysis.json reads as groups ("these 216 switches: no next hop left"), covering every changed device."""
    a = analyze(write_intent(lab_data))
    for scenario, failure in zip(a.scenarios, a.as_dict()["failures"], strict=True):
        groups = failure["weights"]
        listed = [d for g in groups for d in g["devices"]]
        assert sorted(listed) == sorted(scenario.weights)  # every changed device, once
        for g in groups:
            assert all(scenario.weights[d] == g["weights"] for d in g["devices"])
        values = [repr(g["weights"]) for g in groups]
        assert len(values) == len(set(values))  # one group per distinct result


@pytest.mark.parametrize("path", [LAB, PROMETHEUS], ids=["lab", "prometheus"])
def test_the_quick_widest_multipath_count_is_the_full_counts_largest(path) -> None:
    plan = plan_checked(load_intent(path)).plan
    assert widest_multipath(plan) == max(multipath_widths(plan).values())


def test_maximum_paths_one_below_the_widest_set_names_that_set(lab_data, write_intent) -> None:
    plan = plan_checked(load_intent(LAB)).plan
    (device, cls), width = multipath_widths(plan).most_common(1)[0]
    lab_data["bgp"]["maximum_paths"] = width - 1
    findings = [f for f in validate_loaded(load_intent(write_intent(lab_data))) if f.code == "BAG041"]
    assert [f.message for f in findings] == [
        f"maximum_paths {width - 1} is below the {width} equal-cost sessions {device} has toward {cls}; "
        "the extra paths would carry no traffic"
    ]


def capacity_left(plan: Plan, gone: set[int]) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The specification of a scenario's capacity: sum what every link still up carries, per region
    pair, per fabric (BAG uplinks) and per BAG switch toward other regions."""
    nodes = plan.wiring.nodes
    pair = {f"{p.between[0]}~{p.between[1]}": 0 for p in plan.intent.inter_region}
    fabric = {f.name: 0 for r in plan.intent.regions for f in r.fabrics}
    inter: dict[str, int] = {}
    for i, link in enumerate(plan.wiring.links):
        if i in gone:
            continue
        if link.kind == "fabric":
            fabric[nodes[link.b].fabric] += link.speed
            continue
        key = f"{nodes[link.a].region}~{nodes[link.b].region}"
        pair[key if key in pair else f"{nodes[link.b].region}~{nodes[link.a].region}"] += link.speed
        for end in (link.a, link.b):
            inter[end] = inter.get(end, 0) + link.speed
    return pair, fabric, inter


@pytest.mark.parametrize("topology", ["planar", "spread"])
def test_every_scenarios_capacity_is_what_the_links_still_up_carry(lab_data, write_intent, topology) -> None:
    """analyze takes a failed device's capacity away per neighbour, not per link: the result must be
    the per-link sum, for its own scenarios and for the unusual ones the lab can ask for."""
    plan = plan_checked(load_intent(write_intent(big_pair(lab_data, topology)))).plan
    base = base_capacity(plan)
    weights = Weights(plan)
    cases = [(dead, failed) for _, _, dead, failed in failure_specs(plan, base)]
    cases += [(dead, failed) for _, dead, failed in unusual_failures(plan)]
    for dead, failed in cases:
        gone = dead | {i for name in failed for i in plan.wiring.links_of[name]}
        pair, fabric, inter = capacity_left(plan, gone)
        got = capacity.scenario(plan, "test", "test", dead, failed, base, weights)
        assert (got.pair_bps, got.fabric_bps) == (pair, fabric)
        survivors = [b for b, total in base[2].items() if total and b not in failed]
        worst = max((1 - inter.get(b, 0) / base[2][b] for b in survivors), default=0.0)
        assert got.worst_remote_loss == pytest.approx(worst)


def test_analyze_with_workers_reports_what_one_process_does(lab_data, write_intent, monkeypatch) -> None:
    """The failure scenarios run in forked workers beside the plan's last checks (PARALLEL_FROM
    lowered so the lab takes that path); the report is the one a single process computes."""
    path = write_intent(lab_data)
    alone = analyze(path)
    monkeypatch.setattr(capacity, "PARALLEL_FROM", 1)
    planned, analysis = plan_analyzed(load_intent(path))
    assert analysis.as_dict() == alone.as_dict()
    assert planned.capacity.scenarios == []


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_of_the_last_checks_stops_the_failure_workers(lab_data, write_intent, monkeypatch, workers) -> None:
    """The last checks run while the workers compute the scenarios: their error is what the user
    gets (exit 1 with the finding), and no worker is left behind."""
    lab_data["budgets"]["l2_to_bag_oversubscription"] = 0.5  # BAG070 on every plane
    monkeypatch.setattr(capacity, "PARALLEL_FROM", 1 if workers > 1 else 10**9)
    before = set(multiprocessing.active_children())
    with pytest.raises(FindingsError) as caught:
        plan_analyzed(load_intent(write_intent(lab_data)))
    assert "BAG070" in {f.code for f in caught.value.findings}
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.parametrize("topology", ["planar", "spread"])
def test_the_base_capacity_from_the_bag_switches_sums_is_the_per_link_one(lab_data, write_intent, topology) -> None:
    lab_data["regions"][0]["bag"]["drained_planes"] = [2]  # drained links still count: capacity, not traffic
    plan = plan_checked(load_intent(write_intent(big_pair(lab_data, topology)))).plan
    assert base_capacity(plan, Weights(plan).neighbours) == base_capacity(plan) == capacity_left(plan, set())

"""`diff --base` narrows the devices it fingerprints by comparing the two plans directly; the narrowed
set must hold every device whose inputs differ, so the review is the one comparing every device gives."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.review import compare
from generator.review.compare import Side, _differs, candidates, compare_devices, plan_side


def _swap_links(data: dict[str, Any]) -> None:  # same link count, other BAG switch: ports and slots move
    data["regions"][0]["fabrics"][0]["link_overrides"] = [
        {"plane": 1, "fabric_switch": 1, "bag_switch": 1, "links": 1},
        {"plane": 1, "fabric_switch": 1, "bag_switch": 2, "links": 2},
    ]


def _one_link_fewer(data: dict[str, Any]) -> None:
    data["regions"][0]["fabrics"][0]["link_overrides"] = [{"plane": 2, "fabric_switch": 1, "bag_switch": 1, "links": 1}]


def _drain(data: dict[str, Any]) -> None:
    data["regions"][1]["bag"]["drained_planes"] = [2]


def _placement(data: dict[str, Any]) -> None:
    data["regions"][0]["bag"]["placement"][0]["data_hall"] = "hall-z"


def _fabric_asn(data: dict[str, Any]) -> None:
    data["asn"]["fabric_scope"] = "switch"  # every fabric switch its own AS: their BAG peers see it


def _bgp_timers(data: dict[str, Any]) -> None:
    data["bgp"]["keepalive"], data["bgp"]["hold"] = 2, 6


CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "links swapped": _swap_links,
    "one link fewer": _one_link_fewer,
    "plane drained": _drain,
    "placement": _placement,
    "fabric ASNs": _fabric_asn,
    "network-wide timers": _bgp_timers,
}


def sides(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> tuple[Side, Side]:
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    (tmp_path / "head.yaml").write_text(yaml.safe_dump(head))
    return plan_side("base", tmp_path / "base.yaml"), plan_side("head", tmp_path / "head.yaml")


@pytest.mark.parametrize("change", CHANGES)
def test_the_narrowed_devices_hold_every_device_whose_inputs_differ(
    tmp_path: Path, lab_data: dict[str, Any], change: str
) -> None:
    lab_data["budgets"]["l2_to_bag_oversubscription"] = 6.0  # room for one uplink fewer, on both sides
    head = copy.deepcopy(lab_data)
    CHANGES[change](head)
    base_side, head_side = sides(tmp_path, lab_data, head)
    every = set(base_side.plan.wiring.nodes) | set(head_side.plan.wiring.nodes)
    differing = {n for n in every if _differs(base_side, head_side, n)}
    narrowed = candidates(base_side, head_side)
    assert differing, "the change must change some device"
    assert narrowed is None or differing <= set(narrowed)
    if change in ("links swapped", "plane drained", "placement"):
        assert narrowed is not None and len(narrowed) < len(every)  # the narrowing did narrow


@pytest.mark.parametrize("change", ["links swapped", "plane drained", "fabric ASNs"])
def test_the_review_is_the_same_with_and_without_narrowing(
    tmp_path: Path, lab_data: dict[str, Any], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = copy.deepcopy(lab_data)
    CHANGES[change](head)
    base_side, head_side = sides(tmp_path, lab_data, head)
    narrowed = compare_devices(base_side, head_side, jobs=1)
    monkeypatch.setattr(compare, "candidates", lambda base, head: None)
    assert compare_devices(base_side, head_side, jobs=1) == narrowed
    assert narrowed


def test_identical_plans_narrow_to_nothing(tmp_path: Path, lab_data: dict[str, Any]) -> None:
    base_side, head_side = sides(tmp_path, lab_data, copy.deepcopy(lab_data))
    assert candidates(base_side, head_side) == []

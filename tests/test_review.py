"""`diff --base REV`: the review of an intent change in a merge request, in a temporary git repository."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.textsafety import redact


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=ci@example.net", "-c", "user.name=ci", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, lab_data: dict[str, Any]) -> Path:
    """A git repository whose first commit holds intent/lab.yaml."""
    root = tmp_path / "repo"
    (root / "intent").mkdir(parents=True)
    (root / "intent" / "lab.yaml").write_text(yaml.safe_dump(lab_data, sort_keys=False))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def edit(repo: Path, data: dict[str, Any]) -> Path:
    path = repo / "intent" / "lab.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def review_json(cli, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, stdout, stderr = cli("diff", "--base", "HEAD", path, "--format", "json", *extra)
    assert code in (0, 1), stderr
    return code, json.loads(stdout)


def test_an_unchanged_intent_reviews_clean_with_exit_0(repo: Path, cli) -> None:
    code, report = review_json(cli, repo / "intent" / "lab.yaml")
    assert code == 0 and not report["changed"] and report["devices"] == []


def test_a_link_count_change_in_one_plane_stays_in_that_plane(repo: Path, lab_data, cli) -> None:
    """One link fewer between e1-p2-stsw1 and east-bag-p2-s1. The spines number their uplinks in
    order, so the links after the removed one move to other ports: the review shows that churn too."""
    lab_data["regions"][0]["fabrics"][0]["link_overrides"] = [
        {"plane": 2, "fabric_switch": 1, "bag_switch": 1, "links": 1}
    ]
    lab_data["budgets"]["l2_to_bag_oversubscription"] = 6.0  # the change trades uplink capacity, knowingly
    code, report = review_json(cli, edit(repo, lab_data))
    assert code == 1
    devices = {d["name"]: d for d in report["devices"]}
    assert set(devices) == {"east-bag-p2-s1", "east-bag-p2-s2", "e1-p2-stsw1", "e1-p2-stsw2"}
    assert report["blast_radius"]["planes"] == [2] and report["blast_radius"]["regions"] == ["east"]
    assert not report["warnings"]
    changes = {d: {s["change"] for s in devices[d]["semantic"]} for d in devices}
    assert {"sessions +0 -2", "links +0 -1"} <= changes["e1-p2-stsw1"]  # its IPv4 and IPv6 session on that link
    assert {"sessions +0 -2", "links +0 -1"} <= changes["east-bag-p2-s1"]
    # its peer's port number moved: the cable is re-patched on the spine's side
    assert changes["east-bag-p2-s2"] == {"1 port(s) re-patched to another peer or peer port"}
    moved = {(m["device"], m["port"]): m["after"]["peer_port"] for m in report["repatched_cables"]}
    assert moved[("east-bag-p2-s2", "swp1")] == "swp2"  # from e1-p2-stsw1 swp3
    assert {"sessions +2 -2", "1 interface(s) re-addressed", "1 port(s) re-patched to another peer or peer port"} == (
        changes["e1-p2-stsw2"]
    )
    assert any(c.startswith("UCMP toward region west: 2 next hop(s) re-weighted") for c in changes["e1-p2-stsw1"])
    over = {o["scope"]: (o["base"], o["head"]) for o in report["oversubscription"]}
    assert over["east plane 2 fabric e1"] == (4.0, 4.8)  # 12 downlinks over 3 uplinks, then over 2.5


def test_draining_a_plane_is_reported_as_a_drain_of_that_plane_only(repo: Path, lab_data, cli) -> None:
    lab_data["regions"][1]["bag"]["drained_planes"] = [1]
    code, stdout, _ = cli("diff", "--base", "HEAD", edit(repo, lab_data), "--format", "markdown")
    assert code == 1
    assert "| drained | 4 | west plane 1 |" in stdout  # two BAG switches and two spines
    assert "<details>" in stdout and "```diff" in stdout and "+route-map DRAIN-OUT deny 10" in stdout
    assert "UCMP toward region east: no path left" in stdout
    code, report = review_json(cli, repo / "intent" / "lab.yaml")
    assert {(d["region"], d["plane"]) for d in report["devices"]} == {("west", 1)}
    in_service = [c for c in report["capacity"] if c["kind"] == "in service"]
    assert [c["region_pair"] for c in in_service] == ["east~west"]  # installed capacity does not change
    assert in_service[0]["head_bps"] < in_service[0]["base_bps"]


def test_identical_diffs_are_grouped_so_a_pattern_is_read_once(repo: Path, lab_data, cli) -> None:
    lab_data["bgp"]["keepalive"], lab_data["bgp"]["hold"] = 3, 9
    _, report = review_json(cli, edit(repo, lab_data))
    assert len(report["devices"]) == 16
    assert len(report["diff_groups"]) == 2  # one change pattern for the BAG switches, one for the spines
    assert sorted(len(g["devices"]) for g in report["diff_groups"]) == [8, 8]
    assert report["warnings"] and "touches 2 planes" in report["warnings"][0]
    assert [(s["change"], s["devices"]) for s in report["summary"]] == [("timers (keepalive/hold) 1/3 -> 3/9", 16)]


def test_adding_a_region_lists_new_devices_sessions_and_capacity(repo: Path, lab_data, cli) -> None:
    north = copy.deepcopy(lab_data["regions"][1])
    north["name"] = "north"
    north["addressing"] = {
        "loopback_ipv4": "10.255.4.0/24",
        "loopback_ipv6": "fd00:ff:4::/64",
        "p2p_ipv4": "10.4.0.0/24",
        "p2p_ipv6": "fd00:1:4::/64",
    }
    north["bag"]["placement"] = [{"planes": [1, 2], "data_hall": "hall-n", "power_domain": "pdu-n"}]
    north["fabrics"][0] |= {"name": "n1", "prefixes": ["10.104.0.0/16", "fd00:104::/48"]}
    lab_data["regions"].append(north)
    lab_data["inter_region"].append(
        {
            "between": ["east", "north"],
            "topology": "planar",
            "links_per_switch": 1,
            "addressing": {"p2p_ipv4": "10.5.0.0/24", "p2p_ipv6": "fd00:1:5::/64"},
        }
    )
    _, report = review_json(cli, edit(repo, lab_data))
    added = {d["name"] for d in report["devices"] if d["status"] == "added"}
    assert added == {f"north-bag-p{p}-s{s}" for p in (1, 2) for s in (1, 2)} | {
        f"n1-p{p}-stsw{s}" for p in (1, 2) for s in (1, 2)
    }
    changed = {d["name"] for d in report["devices"] if d["status"] == "changed"}
    assert changed == {f"east-bag-p{p}-s{s}" for p in (1, 2) for s in (1, 2)}  # west is not paired with north
    capacity = {c["region_pair"]: c for c in report["capacity"] if c["kind"] == "installed"}
    assert capacity["east~north"]["base_bps"] == 0
    assert capacity["east~north"]["head_bps"] == 4 * 800 * 10**9  # 4 BAG switches x 1 planar link of 800G


def test_markdown_and_terminal_name_the_blast_radius(repo: Path, lab_data, cli) -> None:
    lab_data["regions"][0]["bag"]["drained_planes"] = [2]
    path = edit(repo, lab_data)
    code, stdout, _ = cli("diff", "--base", "HEAD", path)
    assert code == 1 and "4 device(s) change" in stdout and "planes 2; regions east" in stdout
    code, stdout, _ = cli("diff", "--base", "HEAD", path, "--format", "markdown")
    assert stdout.startswith("## BAG intent review") and "**4 device(s) change" in stdout


def test_two_committed_revisions_compare_without_touching_the_worktree(repo: Path, lab_data, cli) -> None:
    lab_data["regions"][0]["bag"]["drained_planes"] = [1]
    path = edit(repo, lab_data)
    git(repo, "commit", "-qam", "drain east plane 1")
    path.write_text("this: is [not a valid intent")  # the worktree is broken; the revisions are not
    code, stdout, stderr = cli("diff", "--base", "HEAD~1", "--head", "HEAD", path, "--format", "json")
    assert code == 1, stderr
    assert {d["plane"] for d in json.loads(stdout)["devices"]} == {1}
    assert path.read_text() == "this: is [not a valid intent"


def test_a_secret_never_reaches_the_review() -> None:
    assert redact(" neighbor BAG-V4 password s3cr3t") == " neighbor BAG-V4 password <redacted>"
    assert redact("   neighbor BAG-V4 password 0 s3cr3t") == "   neighbor BAG-V4 password 0 <redacted>"
    assert redact('            authentication-key "s3cr3t";') == "            authentication-key <redacted>"


def test_a_password_reference_change_is_shown_redacted(repo: Path, lab_data, cli) -> None:
    lab_data["bgp"]["password_env"] = "BAG_BGP_PASSWORD"
    code, stdout, _ = cli("diff", "--base", "HEAD", edit(repo, lab_data), "--format", "markdown")
    assert code == 1 and "password <redacted>" in stdout and "BAG_BGP_PASSWORD" not in stdout


# --------------------------------------------------------------------------------- errors: exit 2


def test_an_unknown_revision_is_a_clear_error(repo: Path, cli) -> None:
    code, _, stderr = cli("diff", "--base", "no-such-branch", repo / "intent" / "lab.yaml")
    assert code == 2 and "unknown revision 'no-such-branch'" in stderr


def test_an_intent_that_fails_validation_on_one_side_names_that_side(repo: Path, lab_data, cli) -> None:
    lab_data["regions"][0]["bag"]["planes"] = 0
    code, _, stderr = cli("diff", "--base", "HEAD", edit(repo, lab_data))
    assert code == 2 and "the intent at the working tree does not validate" in stderr
    assert "regions[0].bag.planes" in stderr


def test_a_semantic_error_at_one_side_is_a_finding_and_json_says_so(repo: Path, lab_data, cli) -> None:
    """Exit 1, as `validate` gives for the same finding; a JSON reader gets a document, not nothing."""
    lab_data["hardware"]["lab-bag"]["port_speed"] = "400G"  # the 2x400G breakout no longer fits: BAG222
    code, stdout, stderr = cli("diff", "--base", "HEAD", edit(repo, lab_data), "--format", "json")
    assert code == 1 and "error BAG222" in stderr
    document = json.loads(stdout)
    assert document["valid"] is False and document["side"] == "the working tree"
    assert "BAG222" in {f["code"] for f in document["findings"]} and document["errors"] >= 1


def test_outside_a_git_repository_the_review_says_so(tmp_path: Path, lab_data, write_intent, cli) -> None:
    code, _, stderr = cli("diff", "--base", "HEAD", write_intent(lab_data))
    assert code == 2 and "not in a git repository" in stderr


def test_an_intent_that_did_not_exist_at_the_base_is_a_clear_error(repo: Path, lab_data, cli) -> None:
    other = repo / "intent" / "other.yaml"
    other.write_text(yaml.safe_dump(lab_data))
    code, _, stderr = cli("diff", "--base", "HEAD", other)
    assert code == 2 and "intent/other.yaml does not exist at" in stderr


def test_base_and_running_are_mutually_exclusive(repo: Path, cli) -> None:
    code, _, stderr = cli("diff", repo / "intent" / "lab.yaml")
    assert code == 2 and "--base REV" in stderr


def test_a_base_that_does_not_validate_points_at_the_file_in_that_revision(repo: Path, lab_data, cli) -> None:
    path = repo / "intent" / "lab.yaml"
    path.write_text("name: lab\nregions: [\n")  # committed broken, then repaired in the worktree
    git(repo, "commit", "-qam", "broken")
    edit(repo, lab_data)
    code, _, stderr = cli("diff", "--base", "HEAD", path)
    assert code == 2 and "the intent at base HEAD" in stderr
    assert "HEAD:intent/lab.yaml:" in stderr and "bag-review-" not in stderr


def test_a_semantic_error_at_the_base_is_a_finding_as_at_the_head(repo: Path, lab_data, cli) -> None:
    """The base is planned in a forked worker: its findings come back with their kind (exit 1 for a
    rule a readable intent breaks, exit 2 for an unreadable one), as from the head."""
    broken = yaml.safe_load(yaml.safe_dump(lab_data))
    broken["hardware"]["lab-bag"]["port_speed"] = "400G"  # BAG222, as in the test above
    edit(repo, broken)
    git(repo, "commit", "-qam", "breakout no longer fits")
    code, stdout, stderr = cli("diff", "--base", "HEAD", edit(repo, lab_data), "--format", "json")
    assert code == 1 and "error BAG222" in stderr and "HEAD:intent/lab.yaml:" in stderr
    document = json.loads(stdout)
    assert document["valid"] is False and document["side"].startswith("base HEAD")


def test_when_both_sides_are_invalid_the_base_is_reported(repo: Path, lab_data, cli) -> None:
    path = repo / "intent" / "lab.yaml"
    path.write_text("name: lab\nregions: [\n")
    git(repo, "commit", "-qam", "broken")
    lab_data["regions"][0]["bag"]["planes"] = 0  # the worktree is broken another way
    code, _, stderr = cli("diff", "--base", "HEAD", edit(repo, lab_data))
    assert code == 2 and "the intent at base HEAD" in stderr and "working tree" not in stderr


def far_ends(data: dict[str, Any], tmp: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(device, port) -> (peer, peer port) of every cable, from the compiled models."""
    from generator.pipeline import compile_path

    path = tmp / "cabling-intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return {(d.name, i.name): (i.peer, i.peer_interface) for d in compile_path(path).network for i in d.interfaces}


def test_a_links_per_switch_change_names_every_moved_cable(repo: Path, lab_data, cli, tmp_path: Path) -> None:
    before = far_ends(lab_data, tmp_path)
    head = copy.deepcopy(lab_data)
    head["inter_region"][0]["links_per_switch"] = 3
    after = far_ends(head, tmp_path)
    moved = {port: (before[port], after[port]) for port in before.keys() & after.keys() if before[port] != after[port]}
    assert len(moved) >= 4  # the spread re-stripes existing BAG-to-BAG cables, not only adds new ones

    path = edit(repo, head)
    code, report = review_json(cli, path)
    assert code == 1
    listed = {
        (m["device"], m["port"]): (
            (m["before"]["peer"], m["before"]["peer_port"]),
            (m["after"]["peer"], m["after"]["peer_port"]),
        )
        for m in report["repatched_cables"]
    }
    assert listed == moved
    assert listed[("east-bag-p1-s1", "swp8")] == (("west-bag-p2-s1", "swp16"), ("west-bag-p1-s2", "swp16"))
    summary = {s["change"] for s in report["summary"] if s["kind"] == "cabling"}
    assert summary and all("re-patched" in text for text in summary)

    code, markdown, _ = cli("diff", "--base", "HEAD", path, "--format", "markdown")
    assert code == 1
    for (device, port), ((old_peer, old_port), (new_peer, new_port)) in moved.items():
        assert f"| {device} | {port} | {old_peer} {old_port} | {new_peer} {new_port} |" in markdown
    code, terminal, _ = cli("diff", "--base", "HEAD", path)
    assert "re-patched cables" in terminal and "west-bag-p1-s2 swp16" in terminal
    from generator.review.compare import review

    moves = [str(m) for m in review(path, "HEAD").repatched if m.device == "east-bag-p1-s1"]
    assert moves == ["east-bag-p1-s1 swp8: west-bag-p2-s1 swp16 -> west-bag-p1-s2 swp16"]


def test_a_change_that_keeps_the_cabling_lists_no_moved_cable(repo: Path, lab_data, cli) -> None:
    lab_data["regions"][1]["bag"]["drained_planes"] = [1]
    code, report = review_json(cli, edit(repo, lab_data))
    assert code == 1 and report["repatched_cables"] == []

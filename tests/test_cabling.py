"""The cabling plan `build` writes: every cable once, as the device models wire it, reused when unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from generator.intent.loader import load_intent
from generator.pipeline import compile_path, plan_checked
from generator.render.build import build
from generator.render.cabling import COLUMNS, anchored_cables, csv_rows, plane_csv

from .conftest import LAB


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_csv_lists_every_cable_once_as_the_device_models_wire_it(tmp_path: Path) -> None:
    build(LAB, tmp_path / "out", audit=False)
    cables = rows(tmp_path / "out" / "cabling.csv")
    network = compile_path(LAB).network
    ends = {(c["device"], c["port"]) for c in cables} | {(c["peer"], c["peer_port"]) for c in cables}
    interfaces = {(d.name, i.name) for d in network for i in d.interfaces}
    assert len(cables) == 32 and len(ends) == 64 and ends == interfaces  # 24 fabric + 8 inter-region cables
    models = {(d.name, i.name): i for d in network for i in d.interfaces}
    for c in cables:
        mine = models[(c["device"], c["port"])]
        assert (mine.peer, mine.peer_interface) == (c["peer"], c["peer_port"])
        assert (mine.ipv4, mine.ipv6, mine.kind) == (c["ipv4"], c["ipv6"], c["kind"])
        assert models[(c["peer"], c["peer_port"])].ipv4 == c["peer_ipv4"]
    first = cables[0]
    assert list(first) == list(COLUMNS)
    assert first == {
        "kind": "fabric",
        "device": "east-bag-p1-s1",
        "port": "swp1",
        "line_card": "1",
        "breakout": "",
        "peer": "e1-p1-stsw1",
        "peer_port": "swp1",
        "peer_line_card": "1",
        "peer_breakout": "",
        "speed": "800G",
        "region": "east",
        "plane": "1",
        "peer_region": "east",
        "peer_plane": "1",
        "ipv4": "10.1.0.0/31",
        "peer_ipv4": "10.1.0.1/31",
        "ipv6": "fd00:1:1::/127",
        "peer_ipv6": "fd00:1:1::1/127",
        "macsec_profile": "",
    }
    inter = [c for c in cables if c["kind"] == "inter"]
    assert all(c["region"] == "east" and c["peer_region"] == "west" for c in inter)
    assert {c["line_card"] for c in inter} == {"1", "2"}  # BAG-to-BAG links from the back, striped over cards


def test_each_plane_has_its_own_csv_and_the_whole_is_their_union(tmp_path: Path) -> None:
    build(LAB, tmp_path / "out", audit=False)
    tables = tmp_path / "out" / "cabling"
    per_plane = {p.stem: rows(p) for p in sorted(tables.glob("*.csv"))}
    assert sorted(per_plane) == ["east-p1", "east-p2", "west-p1", "west-p2"]
    assert all({c["region"] for c in v} == {k.split("-")[0]} for k, v in per_plane.items())
    assert [c for v in per_plane.values() for c in v] == rows(tmp_path / "out" / "cabling.csv")


def test_breakouts_name_their_lanes(tmp_path: Path, lab_data, write_intent) -> None:
    lab_data["inter_region"][0]["speed"] = "400G"  # the BAG ports run 2x400G toward the other region
    build(write_intent(lab_data), tmp_path / "out", audit=False)
    inter = [c for c in rows(tmp_path / "out" / "cabling.csv") if c["kind"] == "inter"]
    assert inter and all(c["breakout"] == c["peer_breakout"] == "2x400G" and c["speed"] == "400G" for c in inter)
    assert all(c["port"].startswith("swp") and "s" in c["port"][3:] for c in inter)  # swp16s0, swp16s1


def test_with_docs_every_device_page_has_a_table_of_its_cables(tmp_path: Path) -> None:
    build(LAB, tmp_path / "out", audit=False, device_pages=True)
    table = (tmp_path / "out" / "docs" / "devices" / "east-bag-p1-s1.md").read_text()
    body = [line for line in table.splitlines() if line.startswith("| swp")]
    assert [line.split(" | ")[0] for line in body] == ["| swp1", "| swp2", "| swp8", "| swp9", "| swp16"]
    assert "| swp8 | 1 | - | 800 Gbps | west-bag-p2-s1 | swp16 | 2 | - | inter | west 2 | 10.3.0.28/31 |" in table
    spine = (tmp_path / "out" / "docs" / "devices" / "e1-p1-stsw1.md").read_text()
    assert "| swp1 | 1 | - | 800 Gbps | east-bag-p1-s1 | swp1 |" in spine  # seen from the spine: its port first


def test_the_fast_csv_writer_says_what_the_cable_records_say(lab_data, write_intent) -> None:
    lab_data["inter_region"][0]["speed"] = "400G"  # breakouts on both ends
    lab_data["inter_region"][0]["macsec_profile"] = "lab-macsec"
    plan = plan_checked(load_intent(write_intent(lab_data))).plan
    bags = [n for n, node in plan.wiring.nodes.items() if node.role == "bag"]
    fast = plane_csv(plan, bags)
    assert fast == csv_rows(anchored_cables(plan, bags)) and "2x400G" in fast and ",lab-macsec\n" in fast


def test_a_one_plane_change_rewrites_only_that_planes_cabling(tmp_path: Path, lab_data, write_intent) -> None:
    out = tmp_path / "out"
    build(write_intent(lab_data), out, audit=False)
    inodes = {p.name: p.stat().st_ino for p in (out / "cabling").iterdir()}
    lab_data["regions"][0]["fabrics"][0]["link_overrides"] = [
        {"plane": 2, "fabric_switch": 1, "bag_switch": 1, "links": 3}
    ]
    build(write_intent(lab_data), out, audit=False)
    now = {p.name: p.stat().st_ino for p in (out / "cabling").iterdir()}
    rewritten = sorted(name for name in now if now[name] != inodes.get(name))
    assert rewritten == ["east-p2.csv"]
    assert len(rows(out / "cabling.csv")) == 33


def test_a_missing_cabling_file_makes_the_next_build_rebuild_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(LAB, out, audit=False)
    whole = (out / "cabling.csv").read_bytes()
    (out / "cabling.csv").unlink()
    again = build(LAB, out, audit=False)
    assert not again.up_to_date and (out / "cabling.csv").read_bytes() == whole
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cabling"]["bytes"] == len(whole)
    assert build(LAB, out, audit=False).up_to_date

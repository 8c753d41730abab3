"""Fabric documentation: the fabric page and its diagram on every build, device pages with --docs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.pipeline import compile_path
from generator.render.build import build

from .conftest import LAB


def test_every_build_writes_the_fabric_page_and_its_svg(tmp_path: Path, lab_data, write_intent) -> None:
    lab_data["regions"][1]["bag"]["drained_planes"] = [2]
    out = tmp_path / "out"
    build(write_intent(lab_data), out, audit=False)
    page = (out / "docs" / "fabric.md").read_text()
    assert "16 devices (8 BAG switches, 8 NSF spine switches, 0 DSF edge switches), 32 links, 64 eBGP sessions" in page
    assert "| west | 2 | 2 | 2 | 4.8 Tbps | 4.00:1 | hall-d / pdu-d | drained |" in page  # the planes table
    assert "| BAG east | 4200000001 |" in page and "| fabric w1 | 4200001002 |" in page  # the ASN plan
    assert "| east - west | 10.3.0.0/24 | 8 | 127 of 128 (99.2%) |" in page  # pool usage
    assert "| east - west | spread | 8 | 6.4 Tbps | 3.2 Tbps |" in page  # installed, and in service (drain)
    # the spread: every plane of east reaches every plane of west, 2 links each
    mermaid = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    edges = re.findall(r"(\w+) ---\|\"(\d+) x 800 Gbps\"\| (\w+)", mermaid)
    assert sorted(edges) == [(f"east_p{a}", "2", f"west_p{b}") for a in (1, 2) for b in (1, 2)]
    assert 'west_p2["plane 2: 2 BAG (drained)"]' in mermaid
    svg = ET.fromstring((out / "docs" / "fabric.svg").read_text())  # well-formed XML
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "east - west: spread, 8 links, 6.4 Tbps" in texts and "plane 2 (drained)" in texts
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}line"))) == 4  # one band per pair of planes
    assert not (out / "docs" / "devices").exists()  # device pages are opt-in


def test_docs_writes_a_page_per_device_with_neighbours_policies_and_real_units(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    code, _, stderr = cli("build", LAB, "-o", out, "--docs", "--no-audit")
    assert code == 0, stderr
    pages = sorted(p.stem for p in (out / "docs" / "devices").glob("*.md"))
    device = compile_path(LAB).network.devices["east-bag-p1-s1"]
    assert len(pages) == 16 and device.name in pages
    page = (out / "docs" / "devices" / "east-bag-p1-s1.md").read_text()
    assert "| ASN | 4200000001 |" in page and "| data hall / power domain | hall-a / pdu-a |" in page
    for n in device.bgp.neighbors:  # every session with the neighbour's ASN
        assert f"| {n.address} | {n.family} | {n.remote_as} | {n.peer} | {n.interface} |" in page
    rows = [line.split(" | ") for line in page.splitlines() if line.startswith("| swp")]
    by_port = {row[0][2:]: row for row in rows}
    for i in device.interfaces:  # every interface, as cabled: peer, peer port, own and peer addresses
        row = by_port[i.name]
        assert (row[3], row[4], row[5], row[10], row[12]) == ("800 Gbps", i.peer, i.peer_interface, i.ipv4, i.ipv6)
    # link bandwidth in real units, next to FRR's scaled spelling of it
    assert "| 20 | permit | PL-REGION-EAST-V4 | 800 Gbps (`1600` in units of 500 Mbps, transitive) |" in page
    assert "cumulative (sum of the multipaths' values, transitive)" in page
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["docs"] is True


def test_no_secret_reaches_a_device_page(tmp_path: Path, lab_data, write_intent, monkeypatch) -> None:
    monkeypatch.setenv("BAG_TEST_SECRET", "hunter2-never-printed")
    lab_data["bgp"]["password_env"] = "BAG_TEST_SECRET"
    out = tmp_path / "out"
    build(write_intent(lab_data), out, audit=False, device_pages=True)
    page = (out / "docs" / "devices" / "east-bag-p1-s1.md").read_text()
    assert "hunter2" not in page and "| set |" in page


def test_device_pages_are_reused_and_dropped_with_the_build(tmp_path: Path, lab_data, write_intent) -> None:
    out = tmp_path / "out"
    intent = write_intent(lab_data)
    build(intent, out, audit=False)
    again = build(intent, out, audit=False, device_pages=True)  # asking for pages is not "up to date"
    assert not again.up_to_date and again.rendered == 16 and len(list((out / "docs" / "devices").iterdir())) == 16
    inode = (out / "docs" / "devices" / "w1-p1-stsw1.md").stat().st_ino
    lab_data["regions"][0]["bag"]["drained_planes"] = [1]
    build(write_intent(lab_data), out, audit=False, device_pages=True)
    assert (out / "docs" / "devices" / "w1-p1-stsw1.md").stat().st_ino == inode  # unchanged device: same file
    assert "drained: announces nothing" in (out / "docs" / "devices" / "east-bag-p1-s1.md").read_text()
    assert build(write_intent(lab_data), out, audit=False).up_to_date  # pages of this input already exist


def test_a_forced_rebuild_gives_the_same_docs_and_cabling_bytes(tmp_path: Path) -> None:
    build(LAB, tmp_path / "a", audit=False, device_pages=True, jobs=1)
    build(LAB, tmp_path / "b", audit=False, device_pages=True, jobs=2, force=True)
    for name in ("docs/fabric.md", "docs/fabric.svg", "docs/devices/east-bag-p2-s2.md", "cabling.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()

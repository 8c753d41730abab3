"""Bad intent input: every problem is located (file:line, field), explained, and exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.findings import FindingsError
from generator.intent.loader import IntentLoadError, load_intent
from generator.pipeline import plan_checked

from .conftest import LAB, PROMETHEUS


def codes(exc: FindingsError) -> list[str]:
    return [f.code for f in exc.findings]


def test_example_intents_load() -> None:
    assert load_intent(LAB).intent.name == "lab"
    assert load_intent(PROMETHEUS).intent.name == "prometheus"


def test_yaml_syntax_error_names_file_and_line(write_intent, cli) -> None:
    path = write_intent("name: lab\nregions:\n  - name: east\n    bag: {planes: 2\n")
    code, out, err = cli("build", path, "-o", path.parent / "out")
    assert code == 2
    assert f"{path}:4:" in err or f"{path}:5:" in err
    assert "BAG001" in err and "Traceback" not in err + out
    assert not (path.parent / "out").exists()


def test_unknown_field_is_located_with_a_suggestion(lab_data, write_intent) -> None:
    lab_data["regions"][0]["bag"]["plains"] = 2
    path = write_intent(lab_data)
    with pytest.raises(IntentLoadError) as exc:
        load_intent(path)
    (finding,) = exc.value.findings
    assert finding.code == "BAG002"
    assert finding.field == "regions[0].bag.plains"
    assert finding.location is not None and finding.location.file == str(path)
    assert path.read_text().splitlines()[finding.location.line - 1].strip().startswith("plains:")
    assert "planes" in finding.hint


def test_wrong_type_names_the_field_and_expected_type(lab_data, write_intent) -> None:
    lab_data["regions"][1]["bag"]["switches_per_plane"] = "two"
    with pytest.raises(IntentLoadError) as exc:
        load_intent(write_intent(lab_data))
    (finding,) = exc.value.findings
    assert finding.field == "regions[1].bag.switches_per_plane"
    assert "integer" in finding.message


def test_duplicate_key_is_an_error(write_intent) -> None:
    path = write_intent("name: a\nname: b\n")
    with pytest.raises(IntentLoadError) as exc:
        load_intent(path)
    assert "BAG003" in codes(exc.value)
    assert exc.value.findings[0].location.line == 2  # type: ignore[union-attr]


def test_pool_too_small_says_how_many_addresses_are_missing(lab_data, write_intent) -> None:
    # the east BAG slots span 4 switches x 16 ports x 2 breakout lanes (+ the fabric's): far beyond 8 /31s
    lab_data["regions"][0]["addressing"]["p2p_ipv4"] = "10.1.0.0/28"
    with pytest.raises(FindingsError) as exc:
        plan_checked(load_intent(write_intent(lab_data)))
    (finding,) = [f for f in exc.value.findings if f.code == "BAG020"]
    assert finding.field == "regions[0].addressing.p2p_ipv4"
    assert "10.1.0.0/28" in finding.message and "210 more than the pool's 16" in finding.message
    assert "/2" in finding.hint  # a suggested larger prefix


@pytest.mark.parametrize("value", ["evil\n  neighbor 1.1.1.1 remote-as 1", "bad;name", "x" * 80, "a b"])
def test_strings_that_could_inject_config_lines_are_refused(lab_data, write_intent, value: str) -> None:
    lab_data["regions"][0]["fabrics"][0]["name"] = value
    with pytest.raises(IntentLoadError) as exc:
        load_intent(write_intent(lab_data))
    assert exc.value.findings[0].field == "regions[0].fabrics[0].name"


def test_description_with_newline_is_a_config_injection(lab_data, write_intent) -> None:
    lab_data["description"] = "lab\nhostname pwned"
    with pytest.raises(IntentLoadError) as exc:
        load_intent(write_intent(lab_data))
    assert codes(exc.value) == ["BAG060"]


def test_directory_of_files_merges_top_level_sections(tmp_path: Path) -> None:
    text = LAB.read_text()
    head, regions = text.split("\nregions:\n", 1)
    (tmp_path / "00-base.yaml").write_text(head)
    (tmp_path / "10-regions.yaml").write_text("regions:\n" + regions)
    assert load_intent(tmp_path).intent == load_intent(LAB).intent


def test_missing_file_is_a_clean_error(cli, tmp_path: Path) -> None:
    code, _, err = cli("build", tmp_path / "nope.yaml")
    assert code == 2 and "no such file" in err

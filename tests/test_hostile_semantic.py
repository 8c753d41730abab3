"""Hostile values that are valid YAML: ratios that switch a budget off, impossible counts, oversized
breakouts, prefixes shared between fabrics, keys that look like pydantic's own, text that forges
output or markup, secrets written where a reference belongs; and one exit code per kind of finding.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.intent.loader import load_intent
from generator.intent.schema import MAX_PLANES
from generator.validators.intent import MAX_DEVICES

from .hostile import assert_refused, dump, findings_in, lab


def five_to_one(data: dict[str, Any]) -> dict[str, Any]:
    """15 x 800G down over 3 x 800G up per spine: 5:1 on every plane."""
    data["hardware"]["lab-stsw"]["ports_per_line_card"] = 32
    for region in data["regions"]:
        region["fabrics"][0]["downlinks"]["count"] = 15
    return data


def write_raw(tmp_path: Path, data: dict[str, Any], raw: str) -> tuple[Path, int]:
    """The intent with the budget written exactly as `raw` (not as PyYAML would quote it)."""
    data["budgets"]["l2_to_bag_oversubscription"] = "__RAW__"
    text = dump(data).replace("__RAW__", raw)
    path = tmp_path / "intent.yaml"
    path.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "l2_to_bag_oversubscription" in t)
    return path, line


@pytest.mark.parametrize("command", ["validate", "build", "analyze"])
def test_an_unquoted_4_to_1_budget_means_4_in_every_command(command: str, tmp_path: Path, cli) -> None:
    path, _ = write_raw(tmp_path, five_to_one(lab()), "4:1")
    out = tmp_path / "out"
    rc, stdout, err = cli(command, path, *(["-o", out] if command != "validate" else ["--format", "json"]))
    assert rc == 1, stdout + err  # a finding on a readable intent: 1 in every command
    assert "BAG070" in stdout + err and "budget 4.0:1" in stdout + err
    assert not out.exists()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (".nan", "finite"),
        (".inf", "finite"),
        ("-.inf", "finite"),
        ("0", "greater than 0"),
        ("-1", "greater than 0"),
        ("'4.5:0'", "0 on its right-hand side"),
        ("'0:1'", "greater than 0"),
        ("'1e400'", "not a ratio"),
    ],
)
def test_a_budget_that_would_switch_its_check_off_is_refused(raw: str, words: str, tmp_path: Path, cli) -> None:
    path, line = write_raw(tmp_path, five_to_one(lab()), raw)
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG002", where=f"{path}:{line}:")
    assert "budgets.l2_to_bag_oversubscription" in err and words in err
    assert not (tmp_path / "out").exists()


def test_a_fabric_budget_of_nan_is_refused(tmp_path: Path, cli) -> None:
    data = five_to_one(lab())
    data["regions"][0]["fabrics"][0]["oversubscription_budget"] = float("nan")
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    rc, _, err = cli("validate", path)
    assert_refused(rc, err, exit_code=2, code="BAG002", where=str(path))
    assert "regions[0].fabrics[0].oversubscription_budget" in err


def set_path(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


COUNTS: list[tuple[tuple[Any, ...], int, str]] = [
    (("regions", 0, "bag", "planes"), 1_000_000_000, str(MAX_PLANES)),
    (("regions", 0, "bag", "planes"), 10**30, str(MAX_PLANES)),
    (("regions", 0, "bag", "switches_per_plane"), 10_000_000, "16384"),
    (("regions", 0, "fabrics", 0, "switches_per_plane"), 100_000_000, "16384"),
    (("regions", 0, "fabrics", 0, "uplinks_per_switch"), 10**9, "4096"),
    (("regions", 0, "fabrics", 0, "downlinks", "count"), 10**15, "262144"),
    (("hardware", "lab-bag", "line_cards"), 10**9, "64"),
    (("hardware", "lab-bag", "ports_per_line_card"), 10**12, "4096"),
    (("inter_region", 0, "links_per_switch"), 10**9, "4096"),
    (("link_bandwidth", "frr_unit"), 0, "greater than 0"),
    (("hardware", "lab-bag", "port_speed"), "0G", "greater than 0"),
]


@pytest.mark.parametrize(("path", "value", "limit"), COUNTS, ids=lambda v: str(v)[:40])
def test_an_impossible_count_is_refused_with_its_limit_before_expansion(
    path: tuple[Any, ...], value: int, limit: str, tmp_path: Path, cli
) -> None:
    data = lab()
    set_path(data, path, value)
    intent = tmp_path / "intent.yaml"
    intent.write_text(dump(data))
    started = time.perf_counter()
    rc, _, err = cli("build", intent, "-o", tmp_path / "out")
    assert time.perf_counter() - started < 10
    assert_refused(rc, err, exit_code=2, code="BAG002", where=str(intent))
    assert limit in err
    assert not (tmp_path / "out").exists()


def test_counts_that_multiply_past_the_network_limit_are_refused_before_wiring(tmp_path: Path, cli) -> None:
    data = lab()
    data["regions"][0]["bag"].update(planes=1000, switches_per_plane=1000, placement=[])
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    started = time.perf_counter()
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert time.perf_counter() - started < 10
    assert_refused(rc, err, exit_code=1, code="BAG220", where=str(path))
    assert f"{MAX_DEVICES:,}" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("breakout", ["3x300G", "16x100G", "2x800G"])
def test_a_breakout_larger_than_its_port_is_refused(breakout: str, tmp_path: Path, cli) -> None:
    data = lab()
    data["hardware"]["lab-bag"]["breakouts"] = [breakout]
    path = tmp_path / "intent.yaml"
    text = dump(data)
    path.write_text(text)
    line = text.splitlines().index(f"    - {breakout}") + 1
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=1, code="BAG222", where=f"{path}:{line}:")
    assert "hardware.lab-bag.breakouts[0]" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("west", "relation"),
    [
        (["10.101.0.0/16"], "is the same as 10.101.0.0/16 of fabric e1"),
        (["10.101.128.0/17"], "overlaps 10.101.0.0/16 of fabric e1"),
        (["10.102.0.0/16", "fd00:101:0:1::/64"], "overlaps fd00:101::/48 of fabric e1"),
        (["10.0.0.0/8"], "overlaps 10.101.0.0/16 of fabric e1"),
    ],
)
def test_fabric_prefixes_are_unique_network_wide(west: list[str], relation: str, tmp_path: Path, cli) -> None:
    data = lab()
    data["regions"][1]["fabrics"][0]["prefixes"] = west
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=1, code="BAG221", where=str(path))
    assert relation in err and "regions[1].fabrics[0].prefixes" in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------ keys and messages

KEYS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    # name: (mutation, field shown, key shown in the message)
    "key with a bracket": (lambda d: d.__setitem__("x[0]", 1), "x[0]", "'x[0]'"),
    "key like a pydantic tag": (lambda d: d.__setitem__("function-after", 1), "function-after", "'function-after'"),
    "nested key with a bracket": (lambda d: d["bgp"].__setitem__("a[b]", 1), "bgp.a[b]", "'a[b]'"),
    "nested pydantic-like key": (
        lambda d: d["regions"][0]["bag"].__setitem__("function-plain", 1),
        "regions[0].bag.function-plain",
        "'function-plain'",
    ),
    "nested misspelled key": (lambda d: d["bgp"].__setitem__("keeplive", 1), "bgp.keeplive", "'keeplive'"),
}


@pytest.mark.parametrize("name", KEYS)
def test_an_unknown_key_is_named_at_its_own_line(name: str, tmp_path: Path, cli) -> None:
    mutate, field, key = KEYS[name]
    data = lab()
    mutate(data)
    path = tmp_path / "intent.yaml"
    text = dump(data)
    path.write_text(text)
    bare = key.strip("'")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith(f"{bare}:"))
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG002", where=f"{path}:{line}:")
    assert f"{field}: unknown field {key}" in err
    assert f"did you mean '{bare}'" not in err  # never suggests the key itself


@pytest.mark.parametrize(
    "key", ["evil\nintent.yaml:1:1: error BAG000 forged", "evil\x1b[2Jx", "a\u202eb", "x\rforged", "b\x85c"]
)
def test_control_characters_in_keys_cannot_forge_output(key: str, tmp_path: Path, cli) -> None:
    data = lab()
    data[key] = 1
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data).encode("ascii", "backslashreplace").decode().replace("\\x", "\\x"))
    path.write_text(dump(data))
    rc, _, err = cli("validate", path)
    assert rc == 2 and "Traceback" not in err
    assert not any(c in err for c in "\x1b\r\u202e\x85")
    assert "BAG000" not in [code for _w, _s, code in findings_in(err)]
    assert len([line for line in err.splitlines() if " error " in line]) == 1


def test_a_very_long_name_is_not_echoed_in_full(tmp_path: Path, cli) -> None:
    data = lab()
    data["regions"][0]["name"] = "b" * 10_000
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG002", where=str(path))
    assert "b" * 100 not in err and "10000 characters" in err and len(err) < 2000


@pytest.mark.parametrize("secret", ["hunter2-S3cret!", "hunter2secret", "Pa55 word"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_literal_password_is_refused_and_never_echoed(secret: str, command: str, tmp_path: Path, cli) -> None:
    data = lab()
    data["bgp"]["password_env"] = secret
    path = tmp_path / "intent.yaml"
    text = dump(data)
    path.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "password_env" in t)
    args = (command, path, "-o", tmp_path / "out") if command == "build" else (command, path, "--format", "json")
    rc, stdout, err = cli(*args)
    assert rc == 2 and "BAG002" in stdout + err and f"{path}:{line}:" in err
    assert secret not in stdout + err and secret.lower() not in (stdout + err).lower()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("markup", ["[/]", "[red]x", "[bold]y[/bold]", "[link=http://x]z"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_rich_markup_in_user_text_prints_as_written(markup: str, command: str, tmp_path: Path, cli) -> None:
    data = lab()
    data[markup] = 1  # an unknown key: its name is in the message, the field column and the table
    folder = tmp_path / markup.replace("/", "_")  # and in the file name
    folder.mkdir()
    path = folder / "intent.yaml"
    path.write_text(dump(data))
    args = (command, path, "-o", tmp_path / "out") if command == "build" else (command, path)
    rc, stdout, err = cli(*args)
    assert rc == 2 and "Traceback" not in stdout + err and "internal error" not in err
    assert f"unknown field '{markup}'" in stdout + err
    assert str(path) in stdout + err


def test_markup_in_a_valid_description_is_printed_literally(tmp_path: Path, cli) -> None:
    data = five_to_one(lab())
    data["description"] = "[bold]x[/bold] [/] [red]"
    data["budgets"]["l2_to_bag_oversubscription"] = 4.0
    path = tmp_path / "[red]intent.yaml"
    path.write_text(dump(data))
    rc, stdout, _ = cli("validate", path)
    assert rc == 1 and "BAG070" in stdout and "[red]intent.yaml" in stdout


# ------------------------------------------------------------------------------ one exit-code rule


def overlapping_pools(data: dict[str, Any]) -> None:
    data["regions"][1]["addressing"]["p2p_ipv4"] = "10.1.0.0/24"  # BAG021


def over_budget(data: dict[str, Any]) -> None:
    five_to_one(data)  # BAG070 against the 4.5:1 budget


@pytest.mark.parametrize(("code", "mutate"), [("BAG021", overlapping_pools), ("BAG070", over_budget)])
@pytest.mark.parametrize("command", ["validate", "build", "analyze"])
def test_one_finding_one_exit_code_in_every_command(
    code: str, mutate: Callable[[dict[str, Any]], None], command: str, tmp_path: Path, cli
) -> None:
    data = lab()
    mutate(data)
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    out = tmp_path / "out"
    rc, stdout, err = cli(command, path, *(["-o", out] if command != "validate" else []))
    assert rc == 1 and code in stdout + err
    assert not out.exists()


@pytest.mark.parametrize("command", ["validate", "build", "analyze"])
def test_a_schema_error_is_exit_2_in_every_command(command: str, tmp_path: Path, cli) -> None:
    data = lab()
    data["regions"][0]["bag"]["planes"] = "two"
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data))
    rc, _, err = cli(command, path, *(["-o", tmp_path / "out"] if command != "validate" else []))
    assert_refused(rc, err, exit_code=2, code="BAG002", where=str(path))


@pytest.mark.parametrize(
    ("path", "value"),
    [(("regions", 0, "addressing", "loopback_ipv4"), True), (("regions", 1, "fabrics", 0, "prefixes", 0), 7)],
)
def test_a_prefix_must_be_written_as_a_prefix(path: tuple[Any, ...], value: Any, tmp_path: Path, cli) -> None:
    """pydantic alone reads `true` or 7 as the network 0.0.0.1/32 (found by the CLI fuzzer)."""
    data = lab()
    set_path(data, path, value)
    intent = tmp_path / "intent.yaml"
    intent.write_text(dump(data))
    rc, _, err = cli("build", intent, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG002", where=str(intent))
    assert "write a prefix such as" in err and not (tmp_path / "out").exists()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**16 - 1), st.integers(8, 32), st.booleans()), min_size=1, max_size=40))
def test_the_prefix_overlap_check_finds_exactly_the_overlaps_a_pairwise_check_finds(
    raw: list[tuple[int, int, bool]],
) -> None:
    """The check is linear (an intent may list tens of thousands of prefixes); pairwise is the specification:
    a prefix is reported when it overlaps any prefix listed before it, in any fabric."""
    import ipaddress

    from generator.validators.intent import _fabric_prefixes

    prefixes = []
    for value, length, six in raw:
        if six:
            prefixes.append(ipaddress.ip_network(f"fd00:{value:x}::/{length + 16}", strict=False))
        else:
            prefixes.append(ipaddress.ip_network(f"10.{value >> 8}.{value & 255}.0/{length}", strict=False))
    data = lab()
    data["regions"][0]["fabrics"][0]["prefixes"] = [str(p) for p in prefixes]
    data["regions"][1]["fabrics"][0]["prefixes"] = ["192.0.2.0/24"]  # apart from every generated one
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intent.yaml"
        path.write_text(dump(data))
        loaded = load_intent(path)
    reported = [f.path[-1] for f in _fabric_prefixes(loaded)]
    pairwise = [
        k for k, p in enumerate(prefixes) if any(p.version == q.version and p.overlaps(q) for q in prefixes[:k])
    ]
    assert reported == pairwise

"""The exported JSON Schema: what editors and CI check intents against (`python -m generator schema`).

It must agree with the loader: both example intents pass it under standard validators, values the
loader refuses are refused by it too, and every field explains itself (units and an example for speeds,
ratios and pools), including fields added later.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache, partial
from itertools import product
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from generator.intent.json_schema import (
    DIALECT,
    SCHEMA_ID,
    IntentJsonSchema,
    attribute_docstrings,
    intent_json_schema,
    schema_text,
)
from generator.intent.schema import BreakoutSpec, Intent, PositiveBandwidth, Text
from generator.units import (
    breakout_pattern,
    parse_bps,
    parse_ratio,
    positive_speed_pattern,
    ratio_pattern,
    speed_pattern,
)

from .conftest import LAB, PROMETHEUS, ROOT

COMMITTED = ROOT / "intent" / "schema.json"
EXAMPLES = [LAB, PROMETHEUS]
EXAMPLE_IDS = ["two-region", "prometheus"]  # not "lab": `-k "not lab"` deselects the real-FRR lab tests
SCHEMA = intent_json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_errors(data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def loader_accepts(data: Any) -> bool:
    try:
        Intent.model_validate(data)
    except (ValidationError, ArithmeticError):  # "4.5:0" still divides by zero in parse_ratio (issue 13)
        return False
    return True


@cache
def _compiled(pattern: str) -> regress.Regex:
    return regress.Regex(pattern)


def ecma(pattern: str, text: str) -> bool:
    """What an editor decides: JSON Schema patterns are ECMA-262 regexes (check-jsonschema uses regress)."""
    return _compiled(pattern).find(text) is not None


# --------------------------------------------------------------------------- the document


def test_schema_is_a_valid_draft_2020_12_document_with_identity() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == SCHEMA_ID
    assert re.fullmatch(r"urn:bag-intent-generator:schema:intent:\d+", SCHEMA_ID)
    assert SCHEMA["title"] == "BAG intent"


def test_every_pattern_compiles_as_ecma_262() -> None:
    """Editors use JavaScript regexes: a Python-only construct would break validation there."""
    patterns = [node["pattern"] for node in _walk(SCHEMA) if "pattern" in node]
    patterns += [
        node["propertyNames"]["pattern"] for node in _walk(SCHEMA) if "pattern" in node.get("propertyNames", {})
    ]
    assert len(patterns) > 10
    for pattern in patterns:
        regress.Regex(pattern)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _properties() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(model, field, schema) of every field of every model, the root included."""
    for model, body in [("Intent", SCHEMA), *SCHEMA["$defs"].items()]:
        for field, prop in body.get("properties", {}).items():
            yield model, field, prop


def test_every_field_and_every_model_has_a_description() -> None:
    """A field added without an attribute docstring fails here (write one under the field line)."""
    fields = list(_properties())
    assert len(fields) >= 90
    missing = [f"{model}.{field}" for model, field, prop in fields if not prop.get("description", "").strip()]
    assert missing == [], f"fields without a docstring: {missing}"
    undocumented = [name for name, body in SCHEMA["$defs"].items() if not body.get("description", "").strip()]
    assert undocumented == []
    assert all("\n" not in prop["description"] for _, _, prop in fields), "wrapped docstrings read as one line"


class _Base(BaseModel):
    speed: int = 0
    """Inherited docstring."""
    plain: int = 0


class _Child(_Base):
    speed: int = 1
    """The subclass's own docstring."""
    named: int = Field(0, description="explicit")
    """Loses to the explicit description."""


def test_descriptions_come_from_the_docstring_under_each_field_inherited_or_own() -> None:
    assert attribute_docstrings(_Child) == {
        "speed": "The subclass's own docstring.",
        "named": "Loses to the explicit description.",
    }
    props = _Child.model_json_schema(schema_generator=IntentJsonSchema)["properties"]
    assert {k: v.get("description") for k, v in props.items()} == {
        "speed": "The subclass's own docstring.",
        "plain": None,
        "named": "explicit",
    }


def _uses(prop: dict[str, Any], pattern: str) -> bool:
    return any(node.get("pattern") == pattern for node in _walk(prop))


def test_speeds_ratios_and_pools_say_their_unit_and_give_an_example() -> None:
    v4, v6 = (json.dumps(SCHEMA["$defs"]["Pools"]["properties"][key]) for key in ("p2p_ipv4", "p2p_ipv6"))
    kinds = {
        "speed": (speed_pattern(), re.compile(r"bits per second.*\d+(\.\d+)?[GT]\b")),
        "port speed": (positive_speed_pattern(), re.compile(r"bits per second.*\d+(\.\d+)?[GT]\b")),
        "ratio": (ratio_pattern(), re.compile(r"N:1.*e\.g\. \d+(\.\d+)?:1")),
        "IPv4 pool": (json.loads(v4)["anyOf"][0]["pattern"], re.compile(r"IPv4.*e\.g\. \[?\d+\.\d+\.\d+\.\d+/\d+")),
        "IPv6 pool": (json.loads(v6)["anyOf"][0]["pattern"], re.compile(r"IPv6.*e\.g\. .*[0-9a-f]+:[0-9a-f:]*/\d+")),
    }
    seen = dict.fromkeys(kinds, 0)
    for model, field, prop in _properties():
        for kind, (pattern, wanted) in kinds.items():
            if _uses(prop, pattern):
                seen[kind] += 1
                assert wanted.search(prop["description"]), f"{model}.{field}: {prop['description']}"
    # today's fields of each kind (more may come; each must then describe itself the same way)
    # (speeds: frr_unit may be any bandwidth; ports, links and breakouts are port speeds, above zero)
    assert {k: v >= n for (k, v), n in zip(seen.items(), (0, 6, 3, 4, 4), strict=True)} == dict.fromkeys(kinds, True)


def test_committed_schema_file_is_current() -> None:
    """intent/schema.json is what editors load: regenerate it when the intent models change."""
    assert COMMITTED.read_text() == schema_text(), "run: python -m generator schema -o intent/schema.json"


# --------------------------------------------------------------------------- the example intents


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_intent_declares_the_schema_for_editors(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema.json"
    assert (path.parent / "schema.json").is_file()


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_intent_passes_the_jsonschema_validator(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    assert schema_errors(data) == []
    assert loader_accepts(data)


def test_example_intents_pass_check_jsonschema(tmp_path: Path) -> None:
    """The command from the README: YAML 1.2 (ruamel) and ECMA-262 regexes, as an editor reads them."""
    tool = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(COMMITTED)]
    run = subprocess.run([*tool, *map(str, EXAMPLES)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(LAB.read_text().replace("port_speed: 800G", "port_speed: 800X", 1))
    run = subprocess.run([*tool, str(bad)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "$.hardware['lab-bag'].port_speed: '800X' is not valid under any of the given schemas" in run.stdout


# --------------------------------------------------------------------------- the schema refuses what the loader refuses

SPEED_FIELDS = [
    ("hardware", "lab-bag", "port_speed"),
    ("regions", 0, "fabrics", 0, "downlinks", "speed"),
]
RATIO_FIELDS = [("budgets", "l2_to_bag_oversubscription")]
BREAKOUT = ("hardware", "lab-bag", "breakouts", 0)


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _lab() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LAB.read_text())
    return data


BAD = [
    *((path, value) for path in SPEED_FIELDS for value in ["800X", "2x", "-800G", "800 G G", "1.5", "", -1, True]),
    *((path, value) for path in RATIO_FIELDS for value in ["4.5:0", "0:1", "-4.5", "4.5:1:1", "x", 0, -1, False]),
    *((BREAKOUT, value) for value in ["0x400G", "2x", "2x400X", "2x-400G", "2x400 G", "x400G", "2", 2]),
    *((BREAKOUT, value) for value in [{"lanes": 0, "speed": "400G"}, {"lanes": 2, "speed": "4O0G"}]),
    (("regions", 0, "name"), "East"),
    (("regions", 0, "name"), "a" * 25),
    (("hardware", "lab-bag", "model"), "PTX; inactive"),
    (("regions", 0, "addressing", "p2p_ipv4"), "10.1.0.0/33"),
    (("regions", 0, "addressing", "p2p_ipv4"), "10.1.0.256/24"),
    (("regions", 0, "addressing", "p2p_ipv6"), "fd00:1:1::/129"),
    (("regions", 0, "addressing", "p2p_ipv6"), "fd00:1:1:::/64"),
    (("bgp", "password_env"), "hunter2"),
    (("hardware", "Spine_HW"), {"platform": "frr", "ports_per_line_card": 8, "port_speed": "800G"}),
]

GOOD = [
    *((path, value) for path in SPEED_FIELDS for value in ["1.6T", "400Gbps", "100 Mb/s", "800g", 800_000_000_000]),
    *((path, value) for path in RATIO_FIELDS for value in ["4.5:1", "9:2", "4.5", 4, 4.5]),
    *((BREAKOUT, value) for value in ["8x100G", "2X400G", " 4 x 200G ", {"lanes": 2, "speed": "400G"}]),
    (("regions", 0, "addressing", "p2p_ipv6"), "fd00:1:1:0:0:0:0:0/64"),
    (("regions", 0, "addressing", "p2p_ipv4"), "10.1.0.0/255.255.255.0"),
]


def _case_id(case: tuple[tuple[str | int, ...], Any]) -> str:
    """`port_speed='800X'`: the field and the value (no profile names, so `-k "not lab"` keeps them)."""
    path, value = case
    return f"{[k for k in path if isinstance(k, str)][-1]}={value!r}"[:60]


@pytest.mark.parametrize(("path", "value"), BAD, ids=[_case_id(c) for c in BAD])
def test_schema_and_loader_both_refuse(path: tuple[str | int, ...], value: Any) -> None:
    data = _set(_lab(), path, value)
    assert schema_errors(data), f"schema accepted {value!r} at {path}"
    assert not loader_accepts(data), f"loader accepted {value!r} at {path}"


@pytest.mark.parametrize(("path", "value"), GOOD, ids=[_case_id(c) for c in GOOD])
def test_schema_and_loader_both_accept(path: tuple[str | int, ...], value: Any) -> None:
    data = _set(_lab(), path, value)
    assert schema_errors(data) == []
    assert loader_accepts(data)


# --------------------------------------------------------------------------- the patterns are the parsers' grammar
# Both sides take ASCII digits and spaces only: the parsers compile with re.ASCII and the patterns spell
# their spaces out, since ECMA-262's `\s` also takes U+00A0 (see generator/units.py).

_SPEEDISH = st.text(alphabet="0123456789.GgTtKMmPpbBpsS/ xX:-", max_size=12)


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except (ValueError, ValidationError, ArithmeticError):  # "4.5:0" still divides by zero (issue 13)
        return False
    return True


_BREAKOUTS = TypeAdapter(BreakoutSpec)
_PORT_SPEEDS = TypeAdapter(PositiveBandwidth)


def _port_speed_up_to_1p(text: str) -> Any:
    """The loader's port speed, where the schema is knowingly looser: above 1 Pbps no pattern can say."""
    return parse_bps(text) if parse_bps(text) > 10**15 else _PORT_SPEEDS.validate_python(text)


GRAMMARS = {  # pattern, the loader's parser, an alphabet and a length: every string that short is tried
    "speed": (speed_pattern(), parse_bps, "05.GkTbps/ -", 5),
    # a port speed is above zero (the loader's upper bound, 1 Pbps, is not a pattern: length 4 stays below it)
    "port speed": (positive_speed_pattern(), _port_speed_up_to_1p, "05.GkTbps/ -", 4),
    "ratio": (ratio_pattern(), parse_ratio, "015.: -x", 6),
    "breakout": (breakout_pattern(), _BREAKOUTS.validate_python, "02xX4G. -", 5),
}


@pytest.mark.parametrize("kind", GRAMMARS)
def test_pattern_accepts_exactly_what_the_loader_accepts_for_every_short_string(kind: str) -> None:
    pattern, parse, alphabet, length = GRAMMARS[kind]
    texts = ["".join(chars) for n in range(length + 1) for chars in product(alphabet, repeat=n)]
    disagree = [t for t in texts if ecma(pattern, t) != _parses(parse, t)]
    assert disagree == []
    assert sum(map(partial(ecma, pattern), texts)) > 50  # the alphabet reaches valid forms too


@settings(max_examples=200, deadline=None)
@given(
    _SPEEDISH | st.from_regex(r"[ \t]*[0-9]{1,4}(\.[0-9]{1,16})?[ \t]*[kKmMgGtTpP]?(bps|b/s|b)?[ \t]*", fullmatch=True)
)
def test_speed_pattern_accepts_exactly_what_parse_bps_accepts(text: str) -> None:
    assert ecma(speed_pattern(), text) == _parses(parse_bps, text) == bool(re.search(speed_pattern(), text))


@settings(max_examples=200, deadline=None)
@given(
    _SPEEDISH
    | st.from_regex(r"[ \t]*[0-9]{1,3}(\.[0-9]{1,3})?[ \t]*(:[ \t]*[0-9]{1,3}(\.[0-9]{1,3})?)?[ \t]*", fullmatch=True)
)
def test_ratio_pattern_accepts_exactly_what_parse_ratio_accepts(text: str) -> None:
    assert ecma(ratio_pattern(), text) == _parses(parse_ratio, text)


@settings(max_examples=200, deadline=None)
@given(
    _SPEEDISH
    | st.from_regex(r"[ \t]*[0-9]{1,2}[ \t]*[xX][ \t]*[0-9]{1,4}(\.[0-9]{1,3})?[GgTtM]?(bps|b)?[ \t]*", fullmatch=True)
)
def test_breakout_pattern_accepts_exactly_what_the_intent_accepts(text: str) -> None:
    _, _, speed = text.replace("X", "x").partition("x")
    if _parses(parse_bps, speed) and parse_bps(speed) > 10**15:
        return  # above 1 Pbps: the loader refuses what no pattern can say (the schema is knowingly looser)
    assert ecma(breakout_pattern(), text) == _parses(_BREAKOUTS.validate_python, text)


def test_text_pattern_refuses_exactly_the_characters_the_loader_refuses() -> None:
    """Free text reaches device configs: the editor must flag every character the loader refuses."""
    pattern = SCHEMA["$defs"]["Hardware"]["properties"]["model"]["pattern"]
    adapter = TypeAdapter(Text)
    codepoints = [*range(0x3000), 0xFEFF, 0x1F600]
    disagree = []
    for cp in codepoints:
        text = f"a{chr(cp)}b"
        try:
            adapter.validate_python(text)
            loader = True
        except ValidationError:
            loader = False
        if ecma(pattern, text) != loader:
            disagree.append(hex(cp))
    assert disagree == []


# --------------------------------------------------------------------------- the command


def _schema_stdout(seed: str, cwd: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "schema"], capture_output=True, cwd=cwd, env=env, check=True
    )
    return run.stdout


def test_schema_command_output_is_deterministic(tmp_path: Path) -> None:
    """Same code, same bytes: whatever the hash seed, so a committed copy can be compared byte for byte."""
    first, second = _schema_stdout("1", tmp_path), _schema_stdout("2", tmp_path)
    assert first == second == schema_text().encode()


def test_schema_output_file_matches_stdout_and_is_left_alone_when_current(cli, tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    code, stdout, _ = cli("schema")
    assert code == 0
    code, _, err = cli("schema", "-o", target)
    assert (code, err.strip()) == (0, f"wrote {target}")
    assert target.read_text() == stdout == schema_text()
    mtime = target.stat().st_mtime_ns
    code, _, err = cli("schema", "-o", target)
    assert (code, err.strip(), target.stat().st_mtime_ns) == (0, f"unchanged: {target}", mtime)


def test_schema_output_to_a_directory_or_missing_folder_is_a_usage_error(cli, tmp_path: Path) -> None:
    code, stdout, err = cli("schema", "-o", tmp_path)
    assert (code, stdout) == (2, "")
    assert "is a directory" in err and "Traceback" not in err
    code, _, err = cli("schema", "-o", tmp_path / "missing" / "schema.json")
    assert code == 2
    assert "No such file or directory" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []

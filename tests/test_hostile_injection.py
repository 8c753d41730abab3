"""Config injection: every string of the intent that reaches a device config, a file name or the
terminal gets every dangerous character class, on every platform.

The rule lives where intent strings enter (generator.intent.schema with generator.textsafety): only
printable ASCII without the characters and sequences that end or open a construct in any of the four
config syntaxes. A refusal names the field at its line; nothing is written. What the rule lets
through is shown to stay on its own line, inside its comment, on every platform.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from generator.intent import schema
from generator.intent.loader import IntentLoadError, load_intent

from .hostile import dump, findings_in, lab

PLATFORMS = ("eos", "frr", "iosxr", "junos")

DANGEROUS = {
    "line feed": "\n",
    "carriage return": "\r",
    "NUL": "\x00",
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "file separator": "\x1c",
    "record separator": "\x1e",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 0x80": "\x80",
    "next line U+0085": "\x85",
    "C1 0x9f": "\x9f",
    "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029",
    "right-to-left override U+202E": "\u202e",
    "left-to-right isolate U+2066": "\u2066",
    "zero width space": "\u200b",
    "byte order mark": "\ufeff",
    "no-break space": "\xa0",
    "ideographic space": "\u3000",
    "non-ASCII letter": "é",
    "Junos comment close": " */ inactive: /* ",
    "Junos comment open": " /* ",
    "double quote": '"',
    "open brace": "{",
    "close brace": "}",
    "semicolon": ";",
    "hash": "#",
    "bang": "!",
    "dollar": "$",
    "backslash": "\\",
    "backquote": "`",
}
INJECTED = "ip route 0.0.0.0/0 192.0.2.1"

# Every string field of the schema, where it lives in intent/lab.yaml (one example of each).
FIELDS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("Intent", "name"): ("name",),
    ("Intent", "description"): ("description",),
    ("Hardware", "model"): ("hardware", "lab-bag", "model"),
    ("Hardware", "os_version"): ("hardware", "lab-bag", "os_version"),
    ("Region", "name"): ("regions", 0, "name"),
    ("BagLayer", "hardware"): ("regions", 0, "bag", "hardware"),
    ("Placement", "data_hall"): ("regions", 0, "bag", "placement", 0, "data_hall"),
    ("Placement", "power_domain"): ("regions", 0, "bag", "placement", 0, "power_domain"),
    ("Fabric", "name"): ("regions", 0, "fabrics", 0, "name"),
    ("Fabric", "hardware"): ("regions", 0, "fabrics", 0, "hardware"),
    ("InterRegion", "between"): ("inter_region", 0, "between", 0),
    ("InterRegion", "macsec_profile"): ("inter_region", 0, "macsec_profile"),
    ("InterRegionOverride", "region"): ("inter_region", 0, "link_overrides", 0, "region"),
    ("BgpPolicy", "password_env"): ("bgp", "password_env"),
    ("Intent", "hardware"): ("hardware", "<key>"),  # the profile name is a mapping key
    ("Intent", "macsec_profiles"): ("macsec_profiles", "<key>"),
    ("MacsecProfile", "ckn_env"): ("macsec_profiles", "lab-macsec", "ckn_env"),
    ("MacsecProfile", "cak_env"): ("macsec_profiles", "lab-macsec", "cak_env"),
    ("AaaServer", "key_env"): ("management", "tacacs", 0, "key_env"),
    ("LocalUser", "name"): ("management", "users", 0, "name"),
    ("LocalUser", "secret_env"): ("management", "users", 0, "secret_env"),
    ("LocalUser", "hashed_secret"): ("management", "users", 0, "hashed_secret"),
    ("Snmp", "community_env"): ("management", "snmp", "community_env"),
    ("Snmp", "location"): ("management", "snmp", "location"),
    ("Snmp", "contact"): ("management", "snmp", "contact"),
    ("Management", "interface"): ("management", "interface"),
    ("Management", "vrf"): ("management", "vrf"),
    ("Management", "by_hardware"): ("management", "by_hardware", "<key>"),
    ("ManagementSettings", "interface"): ("management", "by_role", "bag", "interface"),
    ("ManagementSettings", "vrf"): ("management", "by_role", "bag", "vrf"),
}
# Raw lines are the escape hatch: braces, ';' and '!' are their syntax (a Junos statement, an EOS
# comment), so only what could add or hide a line is refused: every non-printable or non-ASCII
# character and the Junos comment delimiters.
RAW_FIELDS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("RawLines", platform): ("management", "raw", platform, 0) for platform in ("eos", "frr", "iosxr", "junos")
}
RAW_ALLOWED = {
    "double quote",
    "open brace",
    "close brace",
    "semicolon",
    "hash",
    "bang",
    "dollar",
    "backslash",
    "backquote",
}


def _is_string(annotation: Any) -> bool:
    """str, or a str inside Annotated, Optional or list (Literal values are fixed words, not user text)."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Literal, dict):
        return False
    return any(_is_string(arg) for arg in typing.get_args(annotation))


def _key_type(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is dict else None


def test_the_matrix_covers_every_string_field_of_the_schema() -> None:
    """A new string field in the schema must join this suite (and so the config rule)."""
    found = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__:
            for name, info in obj.model_fields.items():
                if _is_string(info.annotation) or _is_string(_key_type(info.annotation)):
                    found.add((obj.__name__, name))
    assert found <= set(FIELDS) | set(RAW_FIELDS), sorted(found - set(FIELDS) - set(RAW_FIELDS))


def intent_with(field: tuple[Any, ...], value: str, platform: str) -> dict[str, Any]:
    data = lab()
    for hw in data["hardware"].values():
        hw["platform"] = platform
        hw["os_version"] = "25.1.1"  # IOS XR needs 25.1.1+ for transitive link bandwidth
    data["inter_region"][0]["link_overrides"] = [{"region": "east", "plane": 1, "switch": 1, "links": 2}]
    if field == ("hardware", "<key>"):
        data["hardware"][value] = data["hardware"].pop("lab-stsw")
        return data
    node = data
    for part in field[:-1]:
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
        elif part not in node:
            node[part] = [] if isinstance(field[field.index(part) + 1], int) else {}
        node = node[part]
    if field[-1] == "<key>":  # a mapping key: rename the first entry (or add one)
        first = next(iter(node), None)
        node[value] = node.pop(first) if first is not None else {}
    elif isinstance(field[-1], int):
        node[field[-1] :] = [value]
    else:
        node[field[-1]] = value
    return data


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("char", DANGEROUS, ids=lambda c: c.replace(" ", "-"))
@pytest.mark.parametrize("field", FIELDS, ids=".".join)
def test_every_string_field_refuses_every_dangerous_character(
    field: tuple[str, str], char: str, platform: str, tmp_path: Path
) -> None:
    """Written as a YAML escape (the file itself is clean ASCII): the schema's rule must refuse it."""
    where = FIELDS[field]
    data = intent_with(where, f"PTX{DANGEROUS[char]}{INJECTED}", platform)
    path = tmp_path / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False))  # non-ASCII as \u escapes
    assert path.read_text().isascii()
    with pytest.raises(IntentLoadError) as exc:
        load_intent(path)
    located = [f for f in exc.value.findings if f.location is not None and f.location.line > 0]
    assert located, exc.value.findings
    assert {f.code for f in exc.value.findings} <= {"BAG060", "BAG002", "BAG001"}
    source = path.read_text().splitlines()
    if where[-1] != "<key>":
        # the finding is on the line that holds the value (or its key)
        lines = {f.location.line for f in located if f.location}
        assert any("PTX" in source[n - 1] for n in lines), (lines, exc.value.findings)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("char", DANGEROUS, ids=lambda c: c.replace(" ", "-"))
def test_a_build_with_a_dangerous_model_writes_nothing(char: str, platform: str, tmp_path: Path, cli) -> None:
    """End to end, raw characters in the file: exit 2, located, no out/ (file-level or schema rule)."""
    data = intent_with(("hardware", "lab-bag", "model"), f"PTX{DANGEROUS[char]}{INJECTED}", platform)
    path = tmp_path / "intent.yaml"
    text = dump(data)
    path.write_text(text, encoding="utf-8")
    rc, _, err = cli("build", path, "-o", tmp_path / "out", "--no-audit")
    model_line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith("model: "))
    if char in ("line feed", "carriage return"):  # YAML folds a raw line break inside quotes
        assert rc == 2 and "Traceback" not in err and not (tmp_path / "out").exists()
        return
    # the file-level rule (raw control bytes: BAG001) or the schema's (escapes, everything else: BAG060)
    codes = {code for w, _s, code in findings_in(err) if w.startswith(f"{path}:{model_line}:")}
    assert rc == 2 and codes and codes <= {"BAG001", "BAG060"}, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


TRICKY_BUT_SAFE = "PTX10008 (rev 2) [a] <b> 'c' x/y *z* 100% a*b/c ip route 0.0.0.0/0 &amp ~ ^ | ? = + @ ,"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_text_the_rule_accepts_stays_on_its_own_line_in_every_platform(platform: str, tmp_path: Path, cli) -> None:
    base = intent_with(("description",), "lab", platform)
    tricky = intent_with(("hardware", "lab-bag", "model"), TRICKY_BUT_SAFE, platform)
    (tmp_path / "a.yaml").write_text(dump(base))
    (tmp_path / "b.yaml").write_text(dump(tricky))
    assert cli("build", tmp_path / "a.yaml", "-o", tmp_path / "a", "--no-audit")[0] == 0
    rc, _, err = cli("build", tmp_path / "b.yaml", "-o", tmp_path / "b", "--no-audit")
    assert rc == 0, err
    for before in sorted((tmp_path / "a").glob("*bag*.cfg")):
        after = (tmp_path / "b" / before.name).read_text()
        old = before.read_text().splitlines()
        new = after.splitlines()
        assert len(new) == len(old)  # no line added, none removed (splitlines: every line break Python knows)
        changed = [(o, n) for o, n in zip(old, new, strict=True) if o != n]
        assert len(changed) == 1 and TRICKY_BUT_SAFE in changed[0][1]
        line = changed[0][1]
        comment = {"eos": "!", "frr": "!", "iosxr": "!!", "junos": "/*"}[platform]
        assert line.startswith(comment)
        if platform == "junos":  # the comment closes on the same line, exactly once
            assert line.endswith("*/") and line.count("*/") == 1 and line.count("/*") == 1


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("char", sorted(set(DANGEROUS) - RAW_ALLOWED), ids=lambda c: c.replace(" ", "-"))
@pytest.mark.parametrize("field", RAW_FIELDS, ids=".".join)
def test_raw_lines_refuse_what_could_add_or_hide_a_line(
    field: tuple[str, str], char: str, platform: str, tmp_path: Path
) -> None:
    data = intent_with(RAW_FIELDS[field], f"PTX{DANGEROUS[char]}{INJECTED}", platform)
    path = tmp_path / "intent.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False))
    with pytest.raises(IntentLoadError) as exc:
        load_intent(path)
    assert {f.code for f in exc.value.findings} <= {"BAG060", "BAG002"}
    lines = {f.location.line for f in exc.value.findings if f.location}
    assert any("PTX" in path.read_text().splitlines()[n - 1] for n in lines), exc.value.findings


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_raw_line_stays_one_line_at_the_end_of_the_config(platform: str, tmp_path: Path, cli) -> None:
    line = {"junos": "system { services { ssh; } }", "iosxr": "ssh server v2"}.get(platform, "ip routing")
    data = intent_with(("management", "raw", platform, 0), line, platform)
    (tmp_path / "i.yaml").write_text(dump(data))
    rc, _, err = cli("build", tmp_path / "i.yaml", "-o", tmp_path / "o", "--no-audit")
    assert rc == 0, err
    config = (tmp_path / "o" / "east-bag-p1-s1.cfg").read_text().splitlines()
    assert config.count(line) == 1 or any(line in c for c in config)

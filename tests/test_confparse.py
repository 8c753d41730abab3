"""The fast ciscoconfparse2 front end builds exactly the tree the library builds on its own.

ReadOnlyParse drops comment and blank lines, converts Junos braces itself, uses a linear parent
lookup and builds the line objects in one loop; each of those must leave every statement, its
indentation, its parent and every attribute of its line object unchanged.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from ciscoconfparse2 import CiscoConfParse
from ciscoconfparse2.ciscoconfparse2 import ConfigList, convert_junos_to_ios

from generator.compile.network import expand
from generator.intent.loader import load_intent
from generator.model import Device
from generator.pipeline import plan_checked
from generator.render.engine import render_device
from generator.validators import confparse, readback
from generator.validators.audit import audit_device
from generator.validators.confparse import ReadOnlyParse, junos_to_indented
from generator.validators.readback import rendered_facts
from tests.conftest import _LAB_DATA
from tests.test_audit import on_platform

Tree = list[tuple[str, str, list[str]]]


@contextmanager
def library_as_shipped() -> Iterator[None]:
    """ciscoconfparse2's own bootstrap, with its own (quadratic) parent cache."""
    ConfigList._maintain_bootstrap_parent_cache = confparse.ORIGINAL_PARENT_CACHE
    ConfigList.bootstrap = confparse.ORIGINAL_BOOTSTRAP
    try:
        yield
    finally:
        ConfigList._maintain_bootstrap_parent_cache = confparse._parent_cache
        ConfigList.bootstrap = confparse._bootstrap


def statements(parse: Any) -> Tree:
    """Every statement with its parent and children, comments and blank lines left out."""
    return [
        (o.text, o.parent.text if o.parent is not o else "", [c.text for c in o.children if _statement(c)])
        for o in parse.config_objs.data
        if _statement(o)
    ]


def _statement(obj: Any) -> bool:
    return bool(obj.text.strip()) and not obj.is_comment


IRREGULAR = [
    "! banner comment",
    "a",
    " b",
    "  c",
    "   d",
    " e",
    "!",
    "  ! indented comment",
    " f",
    "   g",
    "  h",
    "",
    "i",
    "   j",
    " k",
    "  l",
    "m",
    "  n",
    " o",
    "   p",
    "  q",
]


def test_the_linear_parent_lookup_finds_the_parents_the_library_finds() -> None:
    with library_as_shipped():
        expected = statements(CiscoConfParse(IRREGULAR, syntax="ios", ignore_blank_lines=True))
    assert statements(CiscoConfParse(IRREGULAR, syntax="ios", ignore_blank_lines=True)) == expected
    assert statements(ReadOnlyParse(IRREGULAR, syntax="ios", ignore_blank_lines=True)) == expected


def attributes(parse: Any) -> list[dict[str, Any]]:
    """Every line object's attributes, with the objects it points at named by line number."""

    def plain(name: str, value: Any) -> Any:
        if name in ("parent",):
            return value.linenum
        if name in ("_children",):
            return [c.linenum for c in value]
        if name in ("confobj",):
            return type(value).__name__
        if name in ("all_text", "all_lines"):
            return list(value)
        return value

    return [{"class": type(o).__name__, **{k: plain(k, v) for k, v in vars(o).items()}} for o in parse.config_objs.data]


MACROS_AND_BANNERS = [
    "hostname x",
    "banner motd ^",
    "  hello",
    "^",
    "macro name m",
    " a",
    "@",
    "interface e1",
    " ip address 1.2.3.4/31",
    "interface e2",
    "   deep",
    " ! a comment indented less than the line above it: the library makes it nobody's child",
    " after",
    "",
    "!",
]


@pytest.mark.parametrize(
    ("lines", "syntax"), [(IRREGULAR, "ios"), (MACROS_AND_BANNERS, "ios"), (IRREGULAR, "iosxr"), (IRREGULAR, "junos")]
)
def test_the_one_loop_bootstrap_builds_the_librarys_line_objects(lines: list[str], syntax: str) -> None:
    with library_as_shipped():
        expected = CiscoConfParse(lines, syntax=syntax, ignore_blank_lines=True)
    found = CiscoConfParse(lines, syntax=syntax, ignore_blank_lines=True)
    assert attributes(found) == attributes(expected)
    assert found.config_objs.commit_checkpoint == expected.config_objs.commit_checkpoint


JUNOS_EDGE_CASES = [
    "system {\n    host-name x;  \n}\n",  # a trailing space keeps the semicolon, as in the library
    "a { b; c { d; } }\ne {\n    f; g;\n}\n",  # several statements on one line
    'p {\n  description "x { y } z";\n  then { accept; }\n}\n',  # braces inside a quoted string
    "p {   \n  q ;\n  r;;\n  s; t;\n}\n",
    'a {\n}\nb { }\nc {\n d "quoted\tstring";\n}\n',  # empty blocks, a tab inside quotes
    '\tx {\n\ty\t"a\tb";\n}\n',  # tabs expanded the way pyparsing expands them
    'x "unterminated { y;\n}\n',
]


@pytest.mark.parametrize("text", JUNOS_EDGE_CASES)
def test_the_junos_brace_converter_matches_the_librarys_pyparsing_grammar(text: str) -> None:
    lines = text.splitlines()
    library = [line for line in convert_junos_to_ios(lines, comment_delimiters=["#"]) if line.strip()]
    assert junos_to_indented(lines) == library


@pytest.mark.parametrize("text", ["a {\n b;\n", "a;\n}\nb;\n"])
def test_unbalanced_junos_braces_are_a_readable_error(text: str) -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        junos_to_indented(text.splitlines())


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos", "frr"])
def test_a_rendered_config_parses_to_the_librarys_tree_on_every_platform(tmp_path: Any, platform: str) -> None:
    data = on_platform(yaml.safe_load(yaml.safe_dump(_LAB_DATA)), platform)
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data))
    plan = plan_checked(load_intent(path)).plan
    lines = render_device(expand(plan, "east-bag-p1-s1")).splitlines()
    syntax = "junos" if platform == "junos" else "ios"
    with library_as_shipped():
        expected = statements(CiscoConfParse(lines, syntax=syntax, ignore_blank_lines=True))
    found = statements(ReadOnlyParse(lines, syntax=syntax, ignore_blank_lines=True))
    # left out on purpose: descriptions (free text, no fact), and Junos /* */ banners, which the
    # library keeps as statements
    expected = [
        (text, parent, [c for c in children if not _free_text(c)])
        for text, parent, children in expected
        if not _free_text(text) and not text.lstrip().startswith("/*")
    ]
    assert found == expected
    assert len(found) > 20
    assert any(_free_text(line) for line in lines)


@contextmanager
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def lab_device(tmp_path: Any, platform: str) -> Device:
    data = on_platform(yaml.safe_load(yaml.safe_dump(_LAB_DATA)), platform)
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data))
    return expand(plan_checked(load_intent(path)).plan, "east-bag-p1-s1")


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos", "frr"])
def test_reading_a_config_back_frees_its_parse_tree_without_the_cyclic_collector(tmp_path: Any, platform: str) -> None:
    device = lab_device(tmp_path, platform)
    text = render_device(device)
    rendered_facts(platform, text, device.lbw_unit_bps)  # fills the per-process caches (netmask lengths)
    with collector_off():
        facts = rendered_facts(platform, text, device.lbw_unit_bps)
        assert gc.collect() == 0  # reference counting freed every line object
    assert facts["hostname"] == device.name


def test_a_parse_tree_left_cyclic_is_collected_after_the_audit(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    device = lab_device(tmp_path, "eos")
    text = render_device(device)
    monkeypatch.setattr(readback, "release", lambda parse: None)  # as if a library update added a cycle
    with collector_off():
        assert audit_device(device, text) == []
        assert gc.collect() == 0  # the audit's safety net collected the tree


def _free_text(line: str) -> bool:
    words = line.split()
    return words[:1] == ["description"] or (words[:1] == ["neighbor"] and words[2:3] == ["description"])


def test_a_description_is_left_out_unless_statements_are_nested_under_it() -> None:
    lines = [
        "interface e1",
        "   description to x",
        "   mtu 9000",
        "   neighbor 10.0.0.1 description y",
        "description odd",
        "! a comment between a description and what is nested under it",
        "",
        "   nested",
        "router bgp 1",
        "   description",
    ]
    found = statements(ReadOnlyParse(lines, syntax="ios", ignore_blank_lines=True))
    assert found == [
        ("interface e1", "", ["   mtu 9000"]),
        ("   mtu 9000", "interface e1", []),
        ("description odd", "", ["   nested"]),
        ("   nested", "description odd", []),
        ("router bgp 1", "", []),
    ]


def test_the_library_is_imported_without_typeguards_instrumentation_and_typeguard_is_left_as_it_was() -> None:
    """A fresh interpreter, as a build has: the audit imports ciscoconfparse2 with `@typechecked` as a
    no-op (the instrumentation re-parses the library's module per function: 0.4 s of every audited
    build); typeguard itself is unchanged afterwards. (This test module imported the library first, so
    here the instrumented functions run, with their checks suspended by ReadOnlyParse.)"""
    probe = (
        "import typeguard; real = typeguard.typechecked\n"
        "import generator.validators.audit\n"
        "from ciscoconfparse2.ciscoconfparse2 import ConfigList\n"
        "from generator.validators.confparse import _unwrapped\n"
        "print(typeguard.typechecked is real, 'TypeCheckMemo' in _unwrapped(ConfigList.__init__).__code__.co_names)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]

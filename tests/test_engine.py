"""The render engine's cheaper compiled code gives what plain Jinja2 gives, and still fails loudly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from generator.compile.network import expand
from generator.intent.loader import load_intent
from generator.model import Bfd, Device
from generator.pipeline import plan_checked
from generator.render.engine import TEMPLATES, _Environment, environment, reference_environment, render_device
from tests.conftest import _LAB_DATA
from tests.test_audit import on_platform

TEMPLATE = """{% for b in items %}{{ loop.index }} {{ b.enabled }} {{ b.interval_ms }}x{{ b.multiplier }}
{% endfor %}{{ settings.vrf }} {{ settings['name'] }} {{ settings.name }}
"""


def render(env_class: type[jinja2.Environment], **context: Any) -> str:
    env = env_class(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    return env.from_string(TEMPLATE).render(**context)


def test_model_fields_dict_keys_and_loop_variables_render_as_plain_jinja2_renders_them() -> None:
    context = {"items": [Bfd(True, 300, 3), Bfd(False, 50, 4)], "settings": {"vrf": "MGMT", "name": "x"}}
    assert render(_Environment, **context) == render(jinja2.Environment, **context)
    assert render(_Environment, **context).startswith("1 True 300x3\n2 False 50x4\nMGMT x x")


def test_a_field_the_object_does_not_have_is_still_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render(_Environment, items=[object()], settings={"vrf": "", "name": ""})


LOOKUPS = """{{ d.name }} {{ d.bgp.asn }}
{% set m = {'vrf': 'MGMT'} %}{{ m.vrf }}
{% if d.no_such_field is defined %}defined{% else %}undefined{% endif %} {{ d.no_such_field | default('fallback') }}
"""


def test_dict_keys_read_as_attributes_and_tests_for_missing_fields_render_as_plain_jinja2(tmp_path: Path) -> None:
    """The build renders with Python's builtin getattr; where Jinja's lookup answers differently, the
    device is rendered again with Jinja's, so a user's template means what Jinja says it means."""
    device = lab_devices(tmp_path, "eos")[0]
    (tmp_path / "templates" / "eos").mkdir(parents=True)
    (tmp_path / "templates" / "eos" / "device.j2").write_text(LOOKUPS)
    plain = jinja2.Environment(
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
    )
    expected = plain.from_string(LOOKUPS).render(d=device)
    assert render_device(device, tmp_path / "templates") == expected
    assert expected.splitlines()[1:] == ["MGMT", "undefined fallback"]


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos", "frr"])
def test_the_shipped_templates_need_no_lookup_but_pythons_own(tmp_path: Path, platform: str) -> None:
    """No shipped template falls back to Jinja's lookups (that would render each device twice), and
    the builtin lookups give the bytes Jinja's give."""
    for device in lab_devices(tmp_path, platform):
        name = f"{device.platform}/device.j2"
        fast = environment(TEMPLATES).get_template(name).render(d=device)  # raises if a lookup needs Jinja's
        assert fast == reference_environment(TEMPLATES).get_template(name).render(d=device)


def lab_devices(tmp_path: Path, platform: str) -> list[Device]:
    data = on_platform(yaml.safe_load(yaml.safe_dump(_LAB_DATA)), platform)
    path = tmp_path / f"lab-{platform}.yaml"
    path.write_text(yaml.safe_dump(data))
    plan = plan_checked(load_intent(path)).plan
    return [expand(plan, name) for name in plan.wiring.nodes]


# ------------------------------------------------------------------ compiled templates kept between runs


def cached_environment(cache_home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> jinja2.Environment:
    """A fresh build-time environment whose compiled templates live under `cache_home` (as in a new process)."""
    from generator.render.engine import _BuiltinLookups, _configured

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    return _configured(_BuiltinLookups, root)


def entries(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "bag-generator" / "templates").rglob("*.cache"))


@pytest.mark.parametrize("platform", ["eos", "iosxr", "junos", "frr"])
def test_a_template_loaded_from_the_cache_renders_the_same_bytes(
    tmp_path: Path, platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"{platform}/device.j2"
    devices = lab_devices(tmp_path, platform)[:3]
    first = cached_environment(tmp_path / "cache", TEMPLATES, monkeypatch)
    compiled = [first.get_template(name).render(d=d) for d in devices]
    assert entries(tmp_path / "cache")  # written by the first process
    second = cached_environment(tmp_path / "cache", TEMPLATES, monkeypatch)
    assert [second.get_template(name).render(d=d) for d in devices] == compiled
    assert compiled == [reference_environment(TEMPLATES).get_template(name).render(d=d) for d in devices]


def test_a_changed_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "templates"
    (root / "eos").mkdir(parents=True)
    (root / "eos" / "device.j2").write_text("hostname {{ d.name }}\n")
    device = lab_devices(tmp_path, "eos")[0]
    assert cached_environment(tmp_path / "c", root, monkeypatch).get_template("eos/device.j2").render(d=device) == (
        f"hostname {device.name}\n"
    )
    (root / "eos" / "device.j2").write_text("hostname {{ d.name }}-changed\n")
    again = cached_environment(tmp_path / "c", root, monkeypatch).get_template("eos/device.j2").render(d=device)
    assert again == f"hostname {device.name}-changed\n"


def test_a_damaged_unwritable_or_foreign_cache_costs_a_compile_never_a_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = lab_devices(tmp_path, "frr")[0]
    expected = reference_environment(TEMPLATES).get_template("frr/device.j2").render(d=device)
    home = tmp_path / "cache"
    cached_environment(home, TEMPLATES, monkeypatch).get_template("frr/device.j2").render(d=device)
    for entry in entries(home):  # damaged: truncated, or garbage after a valid header
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    assert cached_environment(home, TEMPLATES, monkeypatch).get_template("frr/device.j2").render(d=device) == expected
    for folder in (home / "bag-generator" / "templates").iterdir():
        folder.chmod(0o777)  # writable by anyone: its entries are not loaded as code
    env = cached_environment(home, TEMPLATES, monkeypatch)
    assert env.bytecode_cache is None and env.get_template("frr/device.j2").render(d=device) == expected
    blocked = tmp_path / "a-file"  # no cache directory can be made under a file (as root, too)
    blocked.write_text("not a directory\n")
    fresh = cached_environment(blocked, TEMPLATES, monkeypatch)
    assert fresh.bytecode_cache is None and fresh.get_template("frr/device.j2").render(d=device) == expected

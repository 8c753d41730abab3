"""The render engine's cheaper compiled code gives what plain Jinja2 gives, and still fails loudly."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from generator.model import Bfd
from generator.render.engine import _Environment

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

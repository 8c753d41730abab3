"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import jinja2

from generator.model import Device

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLATFORMS = ("eos", "frr", "iosxr", "junos")


@cache
def environment(root: Path = TEMPLATES) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        cache_size=-1,
        auto_reload=False,
    )


def template_for(platform: str, root: Path = TEMPLATES) -> jinja2.Template:
    return environment(root).get_template(f"{platform}/device.j2")


def render_device(device: Device, root: Path = TEMPLATES) -> str:
    return template_for(device.platform, root).render(d=device)


def templates_digest(root: Path = TEMPLATES) -> str:
    """Hash of every template file: part of the build's cache key."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.j2")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()

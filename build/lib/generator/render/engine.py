"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2

from generator.model import Device, allowas_in, bandwidth_communities
from generator.platforms import template_filters

# The templates ship inside the package (the top-level templates/ folder is generator/templates in
# the wheel); `--templates DIR` overrides them wherever rendering happens.
TEMPLATES = Path(str(resources.files("generator") / "templates"))


@cache
def environment(root: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        cache_size=-1,
        auto_reload=False,
    )
    env.filters.update(template_filters(), allowas_in=allowas_in)
    env.globals.update(bandwidth_communities=bandwidth_communities)
    return env


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

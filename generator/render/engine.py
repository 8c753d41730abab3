"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType

import jinja2

from generator.findings import Finding, InputError, Location
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
    """The device's config; a template that fails at render time (an attribute the model does not
    have, a filter on the wrong type) is a located BAG081 naming the template line and the device."""
    try:
        return template_for(device.platform, root).render(d=device)
    except jinja2.TemplateError as exc:
        raise InputError([_template_finding(exc, device.name)]) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        if _template_frame(exc.__traceback__) is None:
            raise
        raise InputError([_template_finding(exc, device.name)]) from None


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template line in a traceback (Jinja2 rewrites frames to template file and line)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_finding(exc: Exception, device: str) -> Finding:
    frame = _template_frame(exc.__traceback__)
    where = Location(*frame, 1) if frame else None
    message = getattr(exc, "message", None) or str(exc)
    return Finding(
        "BAG081",
        f"template error while rendering {device}: {message}",
        location=where,
        device=device,
        hint="the template uses something the device model does not have; fix the template (--templates)",
    )


def templates_digest(root: Path = TEMPLATES) -> str:
    """Hash of every template file: part of the build's cache key."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.j2")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()

"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import cache
from pathlib import Path
from types import TracebackType

import jinja2

from generator.findings import Finding, InputError, Location
from generator.model import Device, PrefixEntry, allowas_in, bandwidth_communities

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLATFORMS = ("eos", "frr", "iosxr", "junos")


def ipv4_mask(prefix: str) -> str:
    """IOS XR shows IPv4 addresses with a dotted mask: 10.0.0.0/31 -> "10.0.0.0 255.255.255.254"."""
    interface = ipaddress.IPv4Interface(prefix)
    return f"{interface.ip} {interface.netmask}"


def max_length(prefix: str) -> int:
    return 32 if ":" not in prefix else 128


def length_range(entry: PrefixEntry) -> tuple[int, int]:
    """The prefix lengths an entry matches: no ge/le is exact; `ge N` alone runs to the host length."""
    length = int(entry.prefix.rsplit("/", 1)[1])
    if not entry.ge and not entry.le:
        return length, length
    return entry.ge or length, entry.le or max_length(entry.prefix)


def junos_length_range(entry: PrefixEntry) -> str:
    low, high = length_range(entry)
    length = int(entry.prefix.rsplit("/", 1)[1])
    return "exact" if low == high == length else f"prefix-length-range /{low}-/{high}"


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
    env.filters.update(ipv4_mask=ipv4_mask, junos_length_range=junos_length_range, allowas_in=allowas_in)
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

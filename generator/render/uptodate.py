"""Is `out/` already the build of these inputs? Decided from bytes alone, before anything heavy loads.

A no-change `build` is the command run most often. Its answer needs only the digests of the input
bytes (intent files, templates, the generator's code) and the previous manifest; importing the intent
schema (pydantic), the compiler and Jinja2 would cost more than the whole check. So this module
imports none of them: the CLI asks it first and loads the build only when something changed, and
`build()` decides with the same functions.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import generator
from generator.render.outdir import read_manifest


def intent_files(path: Path) -> list[Path]:
    """The files an intent path stands for (as generator.intent.loader reads them)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def intent_digest(path: str | Path) -> str:
    """sha256 of every intent byte, equal to `load_intent(path).digest` (tests hold them together)."""
    digest = hashlib.sha256()
    for file in intent_files(Path(path)):
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def templates_digest(root: Path) -> str:
    """Hash of every template file: part of the build's cache key."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.j2")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """Hash of the generator's own source: a new generator version invalidates the build cache."""
    digest = hashlib.sha256(generator.__version__.encode())
    root = Path(generator.__file__).resolve().parent.parent
    for package in ("generator", "validators"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_and_templates(templates: Path) -> str:
    return f"{templates_digest(templates)}:{code_digest()}"


def input_key(intent: str, code_and_templates: str) -> str:
    """The build's cache key: every input byte (intent digest, then templates and code)."""
    return hashlib.sha256(f"{intent}:{code_and_templates}".encode()).hexdigest()


def intact(out: Path, manifest: dict[str, Any]) -> bool:
    """Every config the manifest lists is there, at the size it was written."""
    devices = manifest.get("devices", {})
    stat = os.stat
    try:  # str paths: a pathlib join per device costs more than its stat
        return all(stat(f"{out}/{name}.cfg").st_size == entry["bytes"] for name, entry in devices.items())
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def current(out: Path, key: str, audit: bool, previous: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The manifest of `out/` when it is the build of `key` (audited, when `audit`), else None."""
    previous = read_manifest(out) if previous is None else previous
    if previous is None or previous.get("input_key") != key or not intact(out, previous):
        return None
    if audit and not all(e.get("audited") for e in previous.get("devices", {}).values()):
        return None
    return previous


def up_to_date(intent: str | Path, out: str | Path, templates: Path, audit: bool) -> dict[str, Any] | None:
    """The manifest of `out/` when nothing changed since it was built, else None (also when the
    inputs cannot be read: the full build then reports that properly)."""
    try:
        key = input_key(intent_digest(intent), code_and_templates(templates))
    except OSError:
        return None
    return current(Path(out), key, audit)

"""Is `out/` already the build of these inputs? Decided from bytes alone, before anything heavy loads.

A no-change `build` is the command run most often. Its answer needs only the digests of the input
bytes (intent files, templates, the generator's code) and the previous manifest; importing the intent
schema (pydantic), the compiler and Jinja2 would cost more than the whole check. So this module
imports none of them: the CLI asks it first and loads the build only when something changed, and
`build()` decides with the same functions.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import generator
from generator.intent.files import digest_entry, intent_files
from generator.render.outdir import (
    CABLING_CSV,
    DOCS_DEVICES,
    DOCS_DIR,
    FABRIC_PAGE,
    own_staging,
    read_manifest,
    user_cache,
    write_atomic,
)
from generator.safeio import NotRegularFileError, open_directory, open_regular, read_regular

_FAST_PATH_BYTES = 64 * 2**20  # far above any intent the loader accepts: a larger file is the loader's to refuse


def intent_digest(path: str | Path) -> str | None:
    """sha256 of every intent byte, equal to `load_intent(path).digest` (tests hold them together);
    None for anything but regular files of sane size (a FIFO, /dev/zero): the loader reports those."""
    digest = hashlib.sha256()
    for file in intent_files(Path(path)):
        try:
            data = read_regular(file, _FAST_PATH_BYTES, follow=True)
        except NotRegularFileError:
            return None
        digest.update(digest_entry(file, Path(path), data))
    return digest.hexdigest()


def templates_digest(root: Path) -> str:
    """Hash of every template file: part of the build's cache key."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.j2")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """Hash of the generator's own source: a new generator version invalidates the build cache.

    The package as it is installed (a checkout, an editable install, a wheel): generator/ with its
    validators/ (a symlink in a checkout, a folder in a wheel), read once per process."""
    digest = hashlib.sha256(generator.__version__.encode())
    root = Path(generator.__file__).resolve().parent
    for folder in (root, root / "validators"):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_and_templates(templates: Path) -> str:
    return f"{templates_digest(templates)}:{code_digest()}"


def input_key(intent: str, code_and_templates: str, avd: bool = False) -> str:
    """The build's cache key: every input byte (intent digest, then templates and code) and the outputs asked for."""
    return hashlib.sha256(f"{intent}:{code_and_templates}:avd={avd}".encode()).hexdigest()


def file_sha256(path: Path, size: int | None = None) -> str | None:
    """sha256 of a regular file; None for anything else (absent, a pipe, a link, a device) and,
    without reading it, for a file that is not `size` bytes long."""
    try:
        with open_regular(path) as handle:
            if size is not None and os.fstat(handle.fileno()).st_size != size:
                return None
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, NotRegularFileError):
        return None


def _stat_key(name: str, directory: int) -> list[int] | None:
    try:  # lstat: a link in place of a config is never the file this build recorded
        st = os.lstat(name, dir_fd=directory)  # by name in the open directory: no path walk per file
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _stat_keys(out: Path, names: list[str]) -> dict[str, list[int] | None]:
    """The stat key of every config (None where it is missing or out/ cannot be opened)."""
    try:
        directory = open_directory(out)
    except OSError:
        return dict.fromkeys(names)
    try:
        return {name: _stat_key(f"{name}.cfg", directory) for name in names}
    finally:
        os.close(directory)


def _verified_cache(out: Path) -> Path:
    """Where the stat cache of an output directory lives (see outdir.user_cache)."""
    return user_cache("verified") / (hashlib.sha256(os.fsencode(out.resolve())).hexdigest()[:32] + ".json")


def record_verified(out: Path, names: list[str]) -> None:
    """Remember the inode, size, mtime and ctime of every config as this build leaves it. Any write
    to a file changes its ctime, which no user can set back: an unchanged stat means unchanged bytes,
    and the next build hashes only the files whose stat differs. Only a cache: when it cannot be
    written, the next build hashes every file."""
    keys = _stat_keys(out, names)
    cache = _verified_cache(out)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, json.dumps(keys, separators=(",", ":"), sort_keys=True).encode())
    except OSError:
        pass


def changed_configs(out: Path, manifest: dict[str, Any], trust_stat: bool = True) -> list[str]:
    """Devices whose config in `out` is missing or not the bytes the manifest records, by sha256 (a
    hand edit keeps the size as easily as not). With `trust_stat`, files whose stat matches what the
    last build recorded are not read again. hashlib releases the GIL: threads use every core."""
    devices = manifest.get("devices", {})
    known: dict[str, Any] = {}
    if trust_stat:
        try:
            loaded = json.loads(_verified_cache(out).read_bytes())
            known = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            known = {}
    now = _stat_keys(out, list(devices))
    names = sorted(n for n in devices if not known.get(n) or known[n] != now[n])
    if not names:
        return []
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        digests = pool.map(lambda n: file_sha256(out / f"{n}.cfg", devices[n].get("bytes")), names, chunksize=64)
        changed = [name for name, sha in zip(names, digests, strict=True) if sha != devices[name]["sha256"]]
    if not changed:  # every file hashed and right: remember their stat for the next run
        record_verified(out, sorted(devices))
    return changed


def extras_intact(out: Path, manifest: dict[str, Any]) -> bool:
    """The files beside the configs that the manifest promises are still there (cabling plan, docs)."""
    try:
        if os.stat(out / CABLING_CSV).st_size != manifest["cabling"]["bytes"]:
            return False
        if not (out / DOCS_DIR / FABRIC_PAGE).is_file():
            return False
        pages = out / DOCS_DEVICES
        return not manifest.get("docs") or all((pages / f"{name}.md").is_file() for name in manifest["devices"])
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def fresh(out: Path, manifest: dict[str, Any], key: str, audit: bool, device_pages: bool, changed: list[str]) -> bool:
    """Whether `out/` (whose configs that differ from the manifest are `changed`) is the build of `key`."""
    devices = manifest.get("devices", {})
    return (
        manifest.get("input_key") == key
        and not changed
        and extras_intact(out, manifest)
        and (not audit or all(e.get("audited") for e in devices.values()))
        and (not device_pages or bool(manifest.get("docs")))
    )


def up_to_date(
    intent: str | Path, out: str | Path, templates: Path, audit: bool, avd: bool = False, device_pages: bool = False
) -> dict[str, Any] | None:
    """The manifest of `out/` when nothing changed since it was built, else None (also when the
    inputs cannot be read: the full build then reports that properly)."""
    try:
        intent_key = intent_digest(intent)
        if intent_key is None:
            return None
        key = input_key(intent_key, code_and_templates(templates), avd)
    except OSError:
        return None
    target = Path(os.path.realpath(out))
    if own_staging(target, stale_only=False):  # a build runs, or a killed one left its staging: the build cleans it
        return None
    manifest = read_manifest(target)
    if manifest is None or manifest.get("input_key") != key:
        return None
    return manifest if fresh(target, manifest, key, audit, device_pages, changed_configs(target, manifest)) else None

"""The build output directory, replaced atomically.

A build fills a sibling staging directory (unchanged configs are hard links to the previous build,
so an incremental build writes only what changed) and then swaps it with `out/` in one
renameat2(RENAME_EXCHANGE) call: readers see the old tree or the new one, never a mix, and an
interrupted build leaves `out/` exactly as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_EXCHANGE = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False where the kernel or libc cannot."""
    if _EXCHANGE is None:
        return False
    rc = _EXCHANGE(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """Sorted JSON, one device per line: readable, diffable, and written by json's C encoder (with
    `indent` json falls back to its pure-Python encoder: 0.4 s for 12,672 devices instead of 0.05 s)."""
    devices = manifest.get("devices", {})
    rest = json.dumps({k: v for k, v in manifest.items() if k != "devices"}, indent=1, sort_keys=True)
    rows = ",\n".join(f"  {json.dumps(n)}: {json.dumps(devices[n], sort_keys=True)}" for n in sorted(devices))
    body = f'{{\n "devices": {{\n{rows}\n }}' + (",\n" + rest[2:] if rest != "{}" else "\n}")
    return (body + "\n").encode()


class Staging:
    """A new output tree being assembled next to `out`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out.parent / f".{out.name}.staging-{os.getpid()}"
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)

    def commit(self, manifest: dict[str, Any]) -> None:
        (self.path / MANIFEST).write_bytes(manifest_bytes(manifest))
        if not self.out.exists():
            self.path.rename(self.out)
            return
        if exchange(self.path, self.out):
            shutil.rmtree(self.path)  # now holds the previous build
            return
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        self.out.rename(old)  # fallback: two renames, never a half-written tree
        self.path.rename(self.out)
        shutil.rmtree(old)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

"""Which files an intent path stands for, and what each adds to the intent's digest.

One answer for the loader and for the no-change check of `build` (render.uptodate), which must
digest exactly the files the loader reads, the same way, and which must not import the loader (pydantic alone
takes 0.2 s, most of a no-change build)."""

from __future__ import annotations

from pathlib import Path


def intent_files(path: Path) -> list[Path]:
    """The file itself, or a directory's *.yaml and *.yml files in name order (the merge order).
    Hidden names are not part of an intent (an editor's lock `.#lab.yaml`, a swap or backup file)."""
    if path.is_dir():
        # not is_file(): a *.yaml that is a device or a dangling link is refused by name, not skipped
        return sorted(
            p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and not p.is_dir()
        )
    return [path]


def digest_entry(file: Path, root: Path, data: bytes) -> bytes:
    """What one intent file adds to the intent's digest: its name within an intent directory (it
    decides the merge order) and its bytes, never the path: the same bytes read from elsewhere are the
    same intent, and give the same output."""
    label = file.name.encode() if file != root else b""
    return label + b"\0" + data + b"\0"

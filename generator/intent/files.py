"""Which files an intent path stands for.

One answer for the loader and for the no-change check of `build` (render.uptodate), which must
digest exactly the files the loader reads, and which must not import the loader (pydantic alone
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

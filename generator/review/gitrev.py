"""The intent as it is at a git revision, without touching the working tree."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any


class ReviewError(Exception):
    """The review cannot run (no git, bad revision, missing intent): one line, exit 2."""


def _git(repo: Path, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise ReviewError("git is not installed; diff --base needs it (apt-get install -y git)") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise ReviewError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout if binary else done.stdout.decode().strip()


def repo_root(intent: Path) -> Path:
    start = intent if intent.is_dir() else intent.parent
    if not start.exists():
        raise ReviewError(f"{intent}: no such file or directory")
    try:
        return Path(_git(start.resolve(), "rev-parse", "--show-toplevel"))
    except ReviewError as exc:
        raise ReviewError(f"{intent} is not in a git repository ({exc}); diff --base compares git revisions") from exc


def resolve(repo: Path, rev: str) -> str:
    if rev.startswith("-"):
        raise ReviewError(f"{rev!r} is not a revision")
    try:
        return str(_git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"))
    except ReviewError as exc:
        raise ReviewError(f"unknown revision {rev!r} (try a branch, tag or commit, e.g. origin/main)") from exc


def materialize(repo: Path, commit: str, relpath: str, into: Path) -> Path:
    """The intent file or directory as it is at a commit, extracted under `into`."""
    try:
        data = _git(repo, "archive", "--format=tar", commit, "--", relpath, binary=True)
    except ReviewError as exc:
        raise ReviewError(f"{relpath} does not exist at {commit[:12]}") from exc
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        unsafe = _unsafe_member(tar, into)
        if unsafe is not None:  # a symlink out of the tree, an absolute path, a device...
            name, why = unsafe
            raise ReviewError(
                f"{name} at {commit[:12]} cannot be extracted safely ({why}); "
                "an intent directory holds YAML files, not links that leave it"
            )
        tar.extractall(into, **_DATA_FILTER)
    return into / relpath


# Python 3.11.4 and later (not Debian 12's 3.11.2) have tarfile's extraction filters; the "data"
# filter is used where it exists, and _unsafe_member refuses what it would refuse, everywhere.
_DATA_FILTER: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


def _unsafe_member(tar: tarfile.TarFile, into: Path) -> tuple[str, str] | None:
    """The first member the "data" filter would refuse: an absolute or escaping path, a link whose
    target leaves the tree, a device or pipe. None when every member is a plain file or directory
    (or a link inside the tree)."""
    root = into.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if member.name.startswith("/") or not target.is_relative_to(root):
            return member.name, "a path outside the tree"
        if member.issym() or member.islnk():
            base = target.parent if member.issym() else root
            if member.linkname.startswith("/") or not (base / member.linkname).resolve().is_relative_to(root):
                return member.name, f"a link to {member.linkname}, outside the tree"
        elif not (member.isfile() or member.isdir()):
            return member.name, "not a regular file or directory"
    return None

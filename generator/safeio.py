"""Reading and writing files that someone else may have put in the way, without blocking or losing data.

Whatever the tool reads from a place a user can write to (an output directory, the target of an
export, an intent) must be a regular file: a named pipe blocks `open` and `read` forever, a link to
/dev/zero never ends, a link may lead anywhere. `open_regular` opens with O_NONBLOCK (a pipe opens
at once instead of waiting for a writer) and O_NOFOLLOW, checks the open file with fstat and
refuses everything else before reading a byte; `read_regular` also bounds the size.

`write_files` writes a set of files all or nothing: each to a temporary name beside its place, then
all renamed into place; a failure removes the temporary files and the directories it created.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from io import BufferedReader
from pathlib import Path


class NotRegularFileError(Exception):
    """A path that is not a regular file of sane size: a directory, link, pipe, device, socket."""

    def __init__(self, path: Path | str, what: str) -> None:
        super().__init__(f"{path} is {what}")
        self.path = Path(path)
        self.what = what  # "a named pipe", "a symbolic link", "larger than 256 MiB"


def kind(mode: int) -> str:
    """What a file of this st_mode is, for messages: 'a named pipe', 'a directory'."""
    for test, name in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def lkind(path: Path | str) -> str | None:
    """What is at `path` (a link is 'a symbolic link', never what it points to); None when nothing is."""
    try:
        return kind(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _kind_at(path: Path | str, follow: bool) -> str | None:
    """What refused an open: with `follow`, what the link leads to (a loop of links stays an OSError)."""
    if not follow:
        return lkind(path)
    try:
        return kind(os.stat(path).st_mode)
    except OSError:
        return None


def open_directory(path: Path | str) -> int:
    """A directory opened for name-relative calls (`dir_fd=`, `os.scandir(fd)`, flock); its descriptor
    is not inherited by a program the process runs. OSError as os.open raises it."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


@contextmanager
def open_regular(path: Path | str, follow: bool = False) -> Iterator[BufferedReader]:
    """The open file at `path` if it is a regular file (a link only with `follow`); else NotRegularFileError.
    OSError as open raises it (absent, no permission)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        found = _kind_at(path, follow) if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EOPNOTSUPP) else None
        if found is not None and found != "a file":
            raise NotRegularFileError(path, found) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path, kind(mode))
        yield handle


def read_regular(path: Path | str, limit: int, follow: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see open_regular); else NotRegularFileError."""
    with open_regular(path, follow) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotRegularFileError(path, f"larger than {_size(limit)} (more than this tool ever writes there)")
    return data


def first_line(path: Path | str, limit: int = 4096) -> bytes:
    """The first line of a regular file (at most `limit` bytes of it), without its line break."""
    with open_regular(path) as handle:
        return handle.read(limit).split(b"\n", 1)[0]


def first_line_is(path: Path | str, pattern: re.Pattern[bytes]) -> bool:
    """Whether `path` is a regular file whose first line is `pattern` (a header this tool writes):
    what marks a file as the tool's own, to be replaced by its next run. Anything else is False."""
    try:
        return pattern.fullmatch(first_line(path)) is not None
    except (OSError, NotRegularFileError):
        return False


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n >= 2**20 else f"{n} bytes"


def write_files(base: Path, files: Mapping[str, bytes], mode: int | None = None) -> None:
    """Write `files` (paths relative to `base` -> bytes) all or nothing: each to a temporary file
    beside its place, then every one renamed into place. On any error the temporary files, the files
    that were new and the directories created on the way are removed, and the error is raised (a
    file that replaced an earlier one in the rename phase stays: a rename fails almost never).
    `mode`: chmod of each file (default: as the umask gives)."""
    created: list[Path] = []  # directories made here, outermost first
    temps: dict[Path, Path] = {}
    new: list[Path] = []  # files renamed into a place where nothing was: removed again on failure
    try:
        for relative, data in files.items():
            target = base / relative
            _make_dirs(target.parent, created)
            tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            temps[target] = tmp
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
        for target, tmp in temps.items():
            existed = os.path.lexists(target)
            os.replace(tmp, target)
            temps[target] = target  # in place: no longer a temporary file
            if not existed:
                new.append(target)
    except BaseException:
        for target, tmp in temps.items():
            if tmp != target:
                tmp.unlink(missing_ok=True)
        for path in new:
            path.unlink(missing_ok=True)
        for directory in reversed(created):
            with suppress(OSError):
                directory.rmdir()  # only if empty: a file renamed into place stays
        raise


def _make_dirs(directory: Path, created: list[Path]) -> None:
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)

"""How the FRR driver reaches a router: a network namespace on this machine, or SSH.

Both run argv lists (never shell strings built from config text) and read/write files on the
router, so the driver itself does not care where FRR runs. Secrets are never part of an argv.
"""

from __future__ import annotations

import shlex
import subprocess
from typing import Any, NamedTuple, Protocol


class Result(NamedTuple):
    rc: int
    out: str
    err: str


class Transport(Protocol):
    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result: ...
    def write_file(self, path: str, text: str) -> None: ...
    def close(self) -> None: ...


class _Files:
    """File writes through `run`, so they happen on the router whichever way it is reached."""

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        raise NotImplementedError

    def write_file(self, path: str, text: str) -> None:
        result = self.run(["sh", "-c", 'mkdir -p "$(dirname "$1")" && cat > "$1"', "sh", path], stdin=text)
        if result.rc != 0:
            raise OSError(f"cannot write {path}: {result.err.strip()}")


class NetnsTransport(_Files):
    """A router running in a Linux network namespace (and its own UTS namespace, for its hostname)."""

    def __init__(self, netns: str, uts: str = "") -> None:
        self.prefix = ["nsenter", f"--net=/run/netns/{netns}"] + ([f"--uts={uts}"] if uts else []) + ["--"]

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        done = subprocess.run(
            [*self.prefix, *argv], input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def close(self) -> None:
        return None


class SshTransport(_Files):
    """A real router (SONiC, a Linux box) with FRR, over SSH (paramiko ships with NAPALM)."""

    def __init__(
        self,
        host: str,
        username: str,
        password: str,
        port: int = 22,
        sudo: bool = True,
        timeout: float = 60.0,
        key_file: str | None = None,
    ) -> None:
        import paramiko

        self.client: Any = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.RejectPolicy())
        self.client.load_system_host_keys()
        self.client.connect(
            host,
            port=port,
            username=username,
            password=password or None,
            key_filename=key_file,
            timeout=timeout,
            allow_agent=True,
        )
        self.sudo = ["sudo", "-n"] if sudo else []

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        _, out, err = self.client.exec_command(shlex.join([*self.sudo, *argv]), timeout=timeout)
        if stdin is not None:
            out.channel.sendall(stdin.encode())
            out.channel.shutdown_write()
        text, error = out.read().decode(), err.read().decode()
        return Result(out.channel.recv_exit_status(), text, error)

    def close(self) -> None:
        self.client.close()

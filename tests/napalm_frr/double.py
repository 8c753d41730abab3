"""A transport that answers from recorded FRR output (mocked_data/<test>/<case>/<command>.txt)."""

from __future__ import annotations

from napalm.base.test.double import BaseTestDouble

from napalm_frr.transport import Result


def command_key(argv: list[str]) -> str:
    """The file a command's output is recorded in: vtysh's pathspace and lldpcli's socket are not part
    of the key."""
    if argv[:1] == ["vtysh"]:
        rest = argv[1:]
        if rest[:1] == ["-N"]:
            rest = rest[2:]
        argv = ["vtysh", *rest]
    if argv[:1] == ["lldpcli"] and argv[1:2] == ["-u"]:
        argv = ["lldpcli", *argv[3:]]
    return BaseTestDouble.sanitize_text(" ".join(argv))


class FakeTransport(BaseTestDouble):  # type: ignore[misc]
    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        path = self.find_file(command_key(argv) + ".txt")
        return Result(0, self.read_txt_file(path), "")

    def write_file(self, path: str, text: str) -> None:
        raise AssertionError("getters must not write to the router")

    def close(self) -> None:
        return None

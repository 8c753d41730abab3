"""The CLI end to end under a fuzzer: mutated intents (hostile values at any field, unknown keys,
deleted keys, random bytes in the YAML) through `validate` and `build`.

Whatever the input: the exit code is 0, 1 or 2 (never 3), nothing prints a traceback, every error
is a located finding line, a refused build writes nothing, and an accepted one writes exactly what
its manifest says, in configs made of printable ASCII lines only.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .hostile import FINDING_LINE, dump, lab

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\n\r\x00\x0b\x0c\x1b\x85\u2028\u2029\u202e\ufeff\"'{}[];#!$\\`*/:&|%@")),
    ),
    max_size=30,
)
HOSTILE_VALUE = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, 2**31, 2**63, 10**30, -(10**30), "4:1", "4.5:0", "1e400", "800G", "3x300G", ".nan"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    HOSTILE_TEXT,
    st.lists(st.integers(-2, 5), max_size=3),
    st.dictionaries(HOSTILE_TEXT, st.integers(0, 3), max_size=2),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths(value, (*prefix, i))
    return found


@st.composite
def mutated_intent(draw: st.DrawFn) -> str:
    data = lab()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "add key", "delete"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE_VALUE)
        elif action == "add key" and isinstance(parent, dict):
            parent[draw(HOSTILE_TEXT)] = draw(HOSTILE_VALUE)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        if not isinstance(data, dict) or not paths(data):
            break
    text = dump(data)
    if draw(st.integers(0, 4)) == 0:  # raw damage to the YAML itself
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(HOSTILE_TEXT) + text[at:]
    return text


def check_output(rc: int, stdout: str, stderr: str, out: Path) -> None:
    both = stdout + stderr
    assert rc in (0, 1, 2), both
    assert "Traceback" not in both and "internal error" not in both, both
    if rc == 0:
        manifest = json.loads((out / "manifest.json").read_text())
        for name, entry in manifest["devices"].items():
            data = (out / f"{name}.cfg").read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            text = data.decode("ascii")  # configs are ASCII: nothing else reached them
            assert all(line.isprintable() for line in text.splitlines()), name
            assert len(text.splitlines()) == text.count("\n")  # no line break but \n
    else:
        assert not out.exists()  # a refused build writes nothing
        errors = [line for line in stderr.splitlines() if " error " in line or line.startswith("error:")]
        assert errors or FINDING_LINE.search(stdout), both
        for line in errors:  # each names where: a file position, a device, a directory or the intent
            assert line.startswith("error:") or FINDING_LINE.match(line), line
        assert "\x1b" not in both and "\u2028" not in both and "\u202e" not in both  # never forwarded raw


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(text=mutated_intent())
def test_build_survives_any_mutated_intent(text: str, cli) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intent.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out = Path(tmp) / "out"
        rc, stdout, stderr = cli("build", path, "-o", out, "--no-audit", "-j", "1")
        check_output(rc, stdout, stderr, out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated_intent())
def test_validate_survives_any_mutated_intent(text: str, cli) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intent.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        rc, stdout, stderr = cli("validate", path, "--format", "json")
        both = stdout + stderr
        assert rc in (0, 1, 2) and "Traceback" not in both and "internal error" not in both, both
        if stdout.startswith("{"):  # findings as JSON: every one carries a code and a location or device
            report = json.loads(stdout)
            assert (rc == 1) == (report["errors"] > 0)
            for f in report["findings"]:
                assert f["code"].startswith("BAG") and (f["file"] or f["device"] or f["field"] is not None)
        else:
            assert rc == 2 and FINDING_LINE.search(stderr), both


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_are_never_an_internal_error(data: bytes) -> None:
    from generator.findings import FindingsError
    from generator.intent.loader import load_intent

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "intent.yaml"
        path.write_bytes(data)
        try:
            load_intent(path)
        except FindingsError as exc:
            assert exc.findings and all(f.location is not None for f in exc.findings)

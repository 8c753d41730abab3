"""Hostile YAML: bombs, recursion, depth, tags, encodings, devices and pipes, duplicate keys.

Each input is refused by the bounded loader before anything is expanded: exit 2, a finding at the
exact line and column (or the file), the limit in the message, and no output directory created.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.intent.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, load_intent

from .conftest import ROOT
from .hostile import assert_refused, dump, lab

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)  # 9**9 = 387 million values from 394 bytes

CASES = {
    # name: (text, finding code, line, column, words the message must hold)
    "alias bomb": (BOMB, "BAG210", 1, 1, f"{MAX_NODES:,}"),
    "recursive alias in a list": ("name: &a [*a]\n", "BAG210", 1, 7, "recursive"),
    "recursive alias in a mapping": ("a: &a {b: *a}\n", "BAG210", 1, 4, "recursive"),
    "deep flow nesting": ("name: " + "[" * 5000 + "]" * 5000 + "\n", "BAG210", 1, 6 + MAX_DEPTH, str(MAX_DEPTH)),
    "unclosed deep nesting": ("name: " + "[" * 100_000 + "\n", "BAG210", 1, 6 + MAX_DEPTH, str(MAX_DEPTH)),
    "deep block nesting": (
        "".join(" " * i + f"k{i}:\n" for i in range(100)) + " " * 100 + "x: 1\n",
        "BAG210",
        MAX_DEPTH + 1,  # the top-level mapping is level 1: the 65th starts at line 65
        MAX_DEPTH + 1,
        str(MAX_DEPTH),
    ),
    "unknown tag on a scalar": ("name: !custom lab\n", "BAG211", 1, 7, "!custom"),
    "unknown tag on a mapping": ("bgp: !custom {keepalive: 1}\n", "BAG211", 1, 6, "!custom"),
    "python object tag": ("name: !!python/object:os.system ls\n", "BAG211", 1, 7, "python/object"),
    "binary tag": ("name: !!binary bGFi\n", "BAG211", 1, 7, "binary"),
    "timestamp tag": ("name: !!timestamp 2001-12-14\n", "BAG211", 1, 7, "timestamp"),
    "duplicate key": ("name: lab\nname: lab2\n", "BAG003", 2, 1, "duplicate key 'name'"),
    "control byte on line 3": ("name: lab\ndescription: x\nhardware: \x01\n", "BAG001", 3, 11, "U+0001"),
    "NUL byte": ("name: lab\x00\n", "BAG001", 1, 10, "U+0000"),
    "escape byte in a comment": ("name: lab\n# \x1b[2J\n", "BAG001", 2, 3, "U+001B"),
    "line separator": ("name: lab\ndescription: a\u2028b\n", "BAG001", 2, 15, "U+2028"),
    "next line (NEL)": ("name: lab\ndescription: a\x85b\n", "BAG001", 2, 15, "U+0085"),
    "merge key": ("a: &x {b: 1}\nc:\n  <<: *x\n", "BAG001", 3, 3, "merge keys"),
    "two documents": ("name: a\n---\nname: b\n", "BAG001", 2, 1, "single document"),
    "top level list": ("- a\n- b\n", "BAG001", 1, 1, "mapping"),
    "empty file": ("", "BAG001", 1, 1, "empty"),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_yaml_is_refused_at_its_line_before_expansion(name: str, tmp_path: Path, cli) -> None:
    text, code, line, column, words = CASES[name]
    path = tmp_path / "intent.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    rc, _, err = cli("build", path, "-o", out)
    assert time.perf_counter() - started < 10  # bounded: nothing was expanded
    assert_refused(rc, err, exit_code=2, code=code, where=f"{path}:{line}:{column}")
    assert words in err
    assert not out.exists()


def test_invalid_utf8_is_reported_at_its_line(tmp_path: Path, cli) -> None:
    path = tmp_path / "intent.yaml"
    path.write_bytes(b"name: lab\ndescription: caf\xe9\n")
    rc, _, err = cli("validate", path)
    assert_refused(rc, err, exit_code=2, code="BAG001", where=f"{path}:2:17")
    assert "UTF-8" in err


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "intent.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump(lab()).encode())
    assert load_intent(path).intent.name == "lab"


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path: Path, cli) -> None:
    path = tmp_path / "intent.yaml"
    with path.open("wb") as handle:
        handle.write(b"name: lab\n# ")
        handle.truncate(MAX_FILE_BYTES + 100)  # sparse: cheap to create
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG210", where=str(path))
    assert "4 MiB" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "dangling link", "link to /dev/zero in a directory"])
def test_special_files_are_refused_not_read(kind: str, tmp_path: Path, cli) -> None:
    if kind == "/dev/zero":
        target = path = Path("/dev/zero")
    elif kind == "fifo":
        target = path = tmp_path / "intent.yaml"
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "dangling link":
        target = path = tmp_path / "intent.yaml"
        path.symlink_to(tmp_path / "gone.yaml")
    else:
        path = tmp_path / "intents"
        path.mkdir()
        (path / "a.yaml").write_text(dump(lab()))
        target = path / "b.yaml"
        target.symlink_to("/dev/zero")
    started = time.perf_counter()
    rc, _, err = cli("build", path, "-o", tmp_path / "out")
    assert time.perf_counter() - started < 10
    code = "BAG001" if kind == "dangling link" else "BAG212"  # the named intent does not exist
    assert_refused(rc, err, exit_code=2, code=code, where=str(target))
    assert not (tmp_path / "out").exists()


def test_an_unreadable_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "intent.yaml"
    path.write_text(dump(lab()))
    path.chmod(0)
    argv = [sys.executable, "-m", "generator", "build", str(path), "-o", str(tmp_path / "out")]
    if os.geteuid() == 0:  # root reads anything: run without the capabilities that bypass permissions
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is needed to drop CAP_DAC_OVERRIDE as root")
        argv = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *argv]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert_refused(done.returncode, done.stderr, exit_code=2, code="BAG212", where=str(path))
    assert "Permission denied" in done.stderr and not (tmp_path / "out").exists()


def test_an_unquoted_ratio_is_read_as_written_not_as_base_60(tmp_path: Path) -> None:
    data = lab()
    data["budgets"]["l2_to_bag_oversubscription"] = "__R__"
    path = tmp_path / "intent.yaml"
    path.write_text(dump(data).replace("__R__", "4:1"))  # YAML 1.1 reads an unquoted 4:1 as 241
    assert load_intent(path).intent.budgets.l2_to_bag_oversubscription == 4.0


def test_an_integer_field_written_as_base_60_is_an_error_not_a_number(tmp_path: Path, cli) -> None:
    text = dump(lab()).replace("keepalive: 1", "keepalive: 1:30", 1)
    path = tmp_path / "intent.yaml"
    path.write_text(text)
    rc, _, err = cli("validate", path)
    line = text.splitlines().index("  keepalive: 1:30") + 1
    assert_refused(rc, err, exit_code=2, code="BAG002", where=f"{path}:{line}:")
    assert "bgp.keepalive" in err


@pytest.mark.parametrize("text", ["=", "<<"])
def test_a_plain_value_yaml_11_gives_a_tag_nothing_constructs_is_the_text_it_looks_like(
    text: str, tmp_path: Path, lab_data, cli
) -> None:
    """PyYAML resolves a plain `=` (YAML 1.1's value type) and `<<` to tags the safe constructor lacks: text."""
    lab_data["description"] = "placeholder"
    path = tmp_path / "intent.yaml"
    path.write_text(
        yaml.safe_dump(lab_data, sort_keys=False).replace("description: placeholder", f"description: {text}")
    )
    rc, _, err = cli("validate", path)
    assert rc == 0, err  # a description like any other, never an internal error
    assert load_intent(path).intent.description == text

"""Hostile files where the tool reads and writes: pipes, links to devices, someone's notes inside an
output directory, backups beside it, existing files in the place of an export (topology, inventory,
schema), names longer than the file system allows, hidden files in an intent directory.

Every case checks the exit code, the finding and where it points, that its message names what is
wrong, and that every file that was there is byte for byte what it was (nothing written, nothing
deleted). No case may hang: a guard fails a test that runs longer than a minute.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.render.outdir import STAGING_MARK, Staging

from .conftest import LAB
from .hostile import assert_refused, dump, lab, snapshot

CONFIG = "east-bag-p1-s1.cfg"


class Hung(BaseException):
    """Not an Exception: the CLI's last line of defence must not turn a hang into an exit code."""


@pytest.fixture(autouse=True)
def never_hangs() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hung("the command did not finish within 60 s (a read blocked or did not end)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def built(tmp_path: Path, *options: str, intent: Path = LAB) -> Path:
    out = tmp_path / "out"
    from generator.cli import main

    assert main(["build", str(intent), "-o", str(out), "--no-audit", *options]) == 0
    return out


def put(path: Path, thing: str) -> None:
    """Replace `path` with a named pipe, a link to /dev/zero, or a directory holding a file."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    if thing == "pipe":
        os.mkfifo(path)
    elif thing == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
        (path / "mine.txt").write_text("mine\n")


KIND = {"pipe": "a named pipe", "dev-zero": "a symbolic link", "directory": "a directory"}


@pytest.fixture
def eos_lab(write_intent) -> Path:
    """The lab with EOS BAG switches in east: builds with --avd write out/avd/."""
    data = lab()
    data["hardware"]["bag-eos"] = {**data["hardware"]["lab-bag"], "platform": "eos"}
    data["regions"][0]["bag"]["hardware"] = "bag-eos"
    return write_intent(dump(data), "eos-lab.yaml")  # type: ignore[no-any-return]


@pytest.fixture
def immutable() -> Iterator[Any]:
    """chattr +i on a directory (even root cannot write in it); skipped where the file system cannot."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        path.mkdir(exist_ok=True)
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed")
        done = subprocess.run(["chattr", "+i", str(path)], check=False, capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
        made.append(path)
        return path

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


# ------------------------------------------------------------------ what the tool reads must be a regular file


@pytest.mark.parametrize("thing", ["pipe", "dev-zero"])
@pytest.mark.parametrize("name", [CONFIG, "manifest.json"])
def test_a_pipe_or_a_device_link_in_a_build_output_is_refused_never_read(
    name: str, thing: str, tmp_path: Path, cli
) -> None:
    out = built(tmp_path)
    put(out / name, thing)
    before = snapshot(tmp_path)
    for command in (
        ["build", LAB, "-o", out],
        ["build", LAB, "-o", out, "--force"],
        ["validate", LAB, "--rendered", "-o", out],
    ):
        rc, _, err = cli(*command)
        assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
        assert name in err and KIND[thing] in err, err
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("thing", ["pipe", "dev-zero"])
def test_a_pipe_in_place_of_analysis_json_is_refused_by_analyze_and_build(thing: str, tmp_path: Path, cli) -> None:
    target = tmp_path / "report"
    target.mkdir()
    put(target / "analysis.json", thing)
    before = snapshot(tmp_path)
    rc, _, err = cli("analyze", LAB, "-o", target)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(target))
    assert "analysis.json" in err and KIND[thing] in err and snapshot(tmp_path) == before

    out = built(tmp_path)
    (out / "analysis").mkdir()
    put(out / "analysis" / "analysis.json", thing)
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", out, "--force")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert "analysis/analysis.json" in err and snapshot(tmp_path) == before


# ------------------------------------------------------------------ the output directory is claimed entry by entry


@pytest.mark.parametrize(
    "foreign",
    ["docs/my-notes.md", "cabling/my-plan.csv", "avd/keep.yml", "docs/devices/extra.md", "analysis/notes.txt"],
)
def test_a_file_of_the_user_at_any_level_of_out_is_refused_and_kept(foreign: str, tmp_path: Path, cli) -> None:
    out = built(tmp_path, "--docs")
    (out / foreign).parent.mkdir(parents=True, exist_ok=True)
    (out / foreign).write_text("three years of work\n")
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", out, "--force", "--docs")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert f"holds {foreign}, which no build wrote" in err, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("thing", ["directory", "dev-zero"])
def test_something_else_where_a_config_goes_is_refused_not_rendered_over(thing: str, tmp_path: Path, cli) -> None:
    out = built(tmp_path)
    put(out / CONFIG, thing)
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", out)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert f"{CONFIG} ({KIND[thing]}, not a file)" in err and "BAG202" not in err
    assert snapshot(tmp_path) == before


def test_a_directory_where_a_build_writes_files_is_refused(tmp_path: Path, cli) -> None:
    out = built(tmp_path)
    shutil.rmtree(out / "cabling")
    (out / "cabling").write_text("not a directory\n")
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", out, "--force")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert "cabling (a file, not a directory)" in err and snapshot(tmp_path) == before


def test_everything_a_build_and_analyze_write_is_claimed_again(eos_lab: Path, tmp_path: Path, cli) -> None:
    out = built(tmp_path, "--avd", "--docs", intent=eos_lab)
    assert (out / "avd").is_dir() and (out / "docs" / "devices").is_dir()
    assert cli("analyze", eos_lab, "-o", out / "analysis", "--format", "json")[0] == 0
    analysis = snapshot(out / "analysis")
    rc, stdout, err = cli("build", eos_lab, "-o", out, "--avd", "--docs", "--force", "--no-audit")
    assert rc == 0 and "rendered 16" in stdout, err
    assert snapshot(out / "analysis") == analysis and not (out / STAGING_MARK).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eos-lab.yaml", "out"]


# ------------------------------------------------------------------ leftovers beside out/: only the tool's own go


def killed_build_staging(out: Path) -> Path:
    """The staging directory of a build killed mid-way: made by Staging in a process that then died."""
    pid = os.fork()
    if pid == 0:  # the child: make the staging, write a config, die without cleaning up
        try:
            staging = Staging(out)
            (staging.path / CONFIG).write_text("half\n")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    return out.parent / f".{out.name}.staging-{pid}"


def dead_pid() -> int:
    """A pid no process has (above the usual pid_max, and checked)."""
    pid = 2**22 + 12345
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid += 1


def test_backups_named_like_staging_are_never_removed(tmp_path: Path, cli) -> None:
    out = built(tmp_path)
    killed_build_staging(out).rename(tmp_path / ".out.staging-1")  # marked, but its pid (init) is alive
    keep = {
        ".out.old-backup-2024": "last year's output",
        ".out.staging-mine": "my staging area",
        f".out.staging-{dead_pid()}": "no marker: not the tool's",
        f".out.old-{dead_pid()}": "no marker either",
    }
    for name, text in keep.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.txt").write_text(text + "\n")
    hidden = {k: v for k, v in snapshot(tmp_path).items() if k.startswith(".")}
    rc, stdout, err = cli("build", LAB, "-o", out, "--force", "--no-audit")
    assert rc == 0 and "rendered 16" in stdout, err
    assert {k: v for k, v in snapshot(tmp_path).items() if k.startswith(".")} == hidden


def test_the_staging_a_killed_build_left_is_removed_by_the_next_build(tmp_path: Path, cli) -> None:
    out = built(tmp_path)
    staging = killed_build_staging(out)
    assert (staging / STAGING_MARK).is_file() and (staging / CONFIG).is_file()
    (tmp_path / ".out.old-backup").mkdir()
    rc, stdout, err = cli("build", LAB, "-o", out, "--no-audit")
    assert rc == 0 and "up to date" in stdout, err
    assert not staging.exists() and (tmp_path / ".out.old-backup").is_dir()


def test_a_directory_of_the_user_with_the_builds_own_staging_name_is_refused(tmp_path: Path, cli) -> None:
    out = built(tmp_path)
    mine = tmp_path / f".out.staging-{os.getpid()}"  # the name this process's build would stage in
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", out, "--force", "--no-audit")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert mine.name in err and snapshot(tmp_path) == before


# ------------------------------------------------------------------ lab export: the topology target


def export(cli, *args: str | Path) -> tuple[int, str, str]:
    return cli("lab", "export", *args)  # type: ignore[no-any-return]


def test_the_intent_is_never_the_topology(tmp_path: Path, cli) -> None:
    intent = tmp_path / "my.yaml"
    intent.write_text(LAB.read_text())
    before = snapshot(tmp_path)
    rc, _, err = export(cli, intent, "--containerlab", "-t", intent, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(intent))
    assert "is the intent itself" in err and snapshot(tmp_path) == before  # not even built


def test_a_topology_in_an_intent_directory_is_refused(tmp_path: Path, cli) -> None:
    intent = tmp_path / "intent"
    intent.mkdir()
    (intent / "lab.yaml").write_text(LAB.read_text())
    before = snapshot(tmp_path)
    rc, _, err = export(cli, intent, "--containerlab", "-t", intent / "lab.clab.yml", "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(intent / "lab.clab.yml"))
    assert "is in the intent directory" in err and snapshot(tmp_path) == before


@pytest.mark.parametrize("thing", ["file", "directory", "link"])
def test_an_existing_target_this_tool_did_not_write_is_refused(thing: str, tmp_path: Path, cli) -> None:
    target = tmp_path / "f.yml"
    if thing == "file":
        target.write_text("precious: true\n")
    elif thing == "directory":
        target.mkdir()
        (target / "inside.txt").write_text("mine\n")
    else:
        (tmp_path / "elsewhere.yml").write_text("precious: true\n")
        target.symlink_to(tmp_path / "elsewhere.yml")
    before = snapshot(tmp_path)
    rc, _, err = export(cli, LAB, "--containerlab", "-t", target, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(target))
    expected = {"file": "was not written by `lab export`", "directory": "is a directory", "link": "a symbolic link"}
    assert expected[thing] in err and "hint: " in err and snapshot(tmp_path) == before


def test_the_files_beside_a_topology_must_be_the_exports_own(tmp_path: Path, cli) -> None:
    (tmp_path / "lab.clab.files").mkdir()
    (tmp_path / "lab.clab.files" / "my-notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)
    rc, _, err = export(cli, LAB, "--containerlab", "-t", tmp_path / "lab.clab.yml", "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(tmp_path / "lab.clab.yml"))
    assert "my-notes.txt" in err and snapshot(tmp_path) == before


def test_options_before_the_intent_and_a_second_export_over_its_own_topology(tmp_path: Path, cli) -> None:
    target = tmp_path / "lab.clab.yml"
    for _ in range(2):
        rc, stdout, err = export(cli, "--containerlab", "-t", target, LAB, "-o", tmp_path / "out")
        assert rc == 0 and "16 nodes, 32 links" in stdout, err
    assert target.read_text().startswith("# containerlab topology of the BAG intent")


def test_an_unwritable_topology_target_is_named_and_leaves_no_temporary_file(tmp_path: Path, cli, immutable) -> None:
    out = built(tmp_path)
    locked_dir = immutable(tmp_path / "ro")
    rc, _, err = export(cli, LAB, "--containerlab", "-t", locked_dir / "lab.clab.yml", "-o", out)
    assert_refused(rc, err, exit_code=2, code="BAG201", where=str(locked_dir / "lab.clab.yml"))
    assert "Operation not permitted" in err and os.listdir(locked_dir) == []
    rc, _, err = export(cli, LAB, "--containerlab", "-t", "/proc/bag-test.clab.yml", "-o", out)
    assert_refused(rc, err, exit_code=2, code="BAG201", where="/proc/bag-test.clab.yml")
    assert not Path("/proc/bag-test.clab.files").exists()


def test_a_failed_topology_write_removes_its_temporary_files(tmp_path: Path, cli, monkeypatch) -> None:
    import generator.safeio

    real_replace = os.replace

    def failing(src: Any, dst: Any) -> None:
        if str(dst).endswith(".clab.yml"):
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    out = built(tmp_path)
    before = {p.name for p in tmp_path.iterdir()}
    monkeypatch.setattr(generator.safeio.os, "replace", failing)
    rc, _, err = export(cli, LAB, "--containerlab", "-t", tmp_path / "lab.clab.yml", "-o", out)
    monkeypatch.undo()
    assert_refused(rc, err, exit_code=2, code="BAG201", where=str(tmp_path / "lab.clab.yml"))
    assert "ENOSPC" in err and {p.name for p in tmp_path.iterdir()} == before  # no .tmp, no lab.clab.files/


# ------------------------------------------------------------------ inventory -o


def test_a_hand_written_inventory_file_is_never_replaced(tmp_path: Path, cli) -> None:
    target = tmp_path / "inv"
    target.mkdir()
    (target / "hosts.yaml").write_text("router1: {hostname: 192.0.2.1}\n")
    (target / "README.md").write_text("mine\n")
    before = snapshot(tmp_path)
    rc, _, err = cli("inventory", LAB, "--format", "nornir", "-o", target)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(target))
    assert "hosts.yaml, which this tool did not write" in err and snapshot(tmp_path) == before


def test_an_inventory_is_written_again_over_its_own_files_beside_other_files(tmp_path: Path, cli) -> None:
    target = tmp_path / "inv"
    target.mkdir()
    (target / "README.md").write_text("mine\n")
    for fmt in ("nornir", "ansible", "nornir"):
        rc, _, err = cli("inventory", LAB, "--format", fmt, "-o", target)
        assert rc == 0, err
    assert sorted(os.listdir(target)) == ["README.md", "defaults.yaml", "groups.yaml", "hosts.yaml", "inventory.yaml"]


@pytest.mark.parametrize("same", [True, False], ids=["the-intent-directory", "another-intent-directory"])
def test_an_inventory_into_an_intent_directory_is_refused(same: bool, tmp_path: Path, cli) -> None:
    intent = tmp_path / "intent"
    intent.mkdir()
    (intent / "lab.yaml").write_text(LAB.read_text())
    before = snapshot(tmp_path)
    rc, _, err = cli("inventory", intent if same else LAB, "--format", "nornir", "-o", intent)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(intent))
    assert ("is the intent directory" if same else "holds lab.yaml, YAML this tool did not write") in err
    assert snapshot(tmp_path) == before
    assert cli("validate", intent)[0] == 0


def test_an_inventory_into_a_file_or_an_unwritable_directory_is_refused(tmp_path: Path, cli, immutable) -> None:
    (tmp_path / "inv").write_text("a file\n")
    rc, _, err = cli("inventory", LAB, "-o", tmp_path / "inv")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(tmp_path / "inv"))
    assert "is a file, not a directory" in err and (tmp_path / "inv").read_text() == "a file\n"
    locked_dir = immutable(tmp_path / "ro")
    rc, _, err = cli("inventory", LAB, "-o", locked_dir)
    assert_refused(rc, err, exit_code=2, code="BAG201", where=str(locked_dir))
    assert "Operation not permitted" in err and os.listdir(locked_dir) == []


# ------------------------------------------------------------------ names longer than the file system allows

LONG = "x" * 300  # one path component over NAME_MAX (255 bytes)


@pytest.mark.parametrize(
    "command",
    [["build"], ["analyze"], ["inventory"], ["validate", "--rendered"], ["lab", "export", "--containerlab"]],
    ids="-".join,
)
def test_an_output_name_over_255_bytes_is_a_clean_refusal(command: list[str], tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a default output would land here, and be seen
    where = str(tmp_path)[:40]  # long paths are shown cut
    rc, _, err = cli(*command, LAB, "-o", tmp_path / LONG)
    assert_refused(rc, err, exit_code=2, code="BAG201", where=where)
    assert "File name too long" in err and "255 bytes" in err and os.listdir(tmp_path) == []
    if command[0] == "lab":
        rc, _, err = cli(*command, LAB, "-o", tmp_path / "out", "-t", tmp_path / f"{LONG}.clab.yml")
        assert_refused(rc, err, exit_code=2, code="BAG201", where=where)
        assert "File name too long" in err and os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "command",
    [["build"], ["validate"], ["analyze"], ["inventory"], ["diff", "--base", "HEAD"]],
    ids=lambda c: c[0],
)
def test_an_intent_name_over_255_bytes_is_bag212(command: list[str], tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rc, _, err = cli(*command, tmp_path / f"{LONG}.yaml")
    assert_refused(rc, err, exit_code=2, code="BAG212", where=str(tmp_path)[:40])
    assert "File name too long" in err and "255 bytes" in err and os.listdir(tmp_path) == []


# ------------------------------------------------------------------ hidden files in an intent directory


def test_hidden_files_in_an_intent_directory_are_not_part_of_the_intent(tmp_path: Path, cli) -> None:
    intent = tmp_path / "intent"
    intent.mkdir()
    (intent / "a.yaml").write_text(LAB.read_text())
    (intent / ".#a.yaml").symlink_to("root@host.4242:1700000000")  # an emacs lock: a dangling link
    (intent / ".b.yaml").write_text("hardware:\n  lab-bag: {platform: frr}\n")  # would clash with a.yaml
    (intent / ".a.yaml.swp").write_text("\0binary\n")
    rc, stdout, err = cli("validate", intent)
    assert rc == 0 and "valid, no findings" in stdout, err
    rc, stdout, err = cli("build", intent, "-o", tmp_path / "out", "--no-audit")
    assert rc == 0 and "16 devices" in stdout, err
    rc, stdout, err = cli("build", intent, "-o", tmp_path / "out", "--no-audit")
    assert rc == 0 and "up to date" in stdout, err


def test_a_key_defined_in_two_files_names_both(tmp_path: Path, cli) -> None:
    intent = tmp_path / "intent"
    intent.mkdir()
    (intent / "a.yaml").write_text(LAB.read_text())
    (intent / "b.yaml").write_text("hardware:\n  lab-bag: {platform: frr}\n")
    rc, _, err = cli("validate", intent)
    assert_refused(rc, err, exit_code=2, code="BAG003", where=str(intent / "b.yaml"))
    assert f"defined in more than one file (also in {intent / 'a.yaml'})" in err


# ------------------------------------------------------------------ schema -o and example -o


def test_schema_output_never_replaces_a_file_it_did_not_write(tmp_path: Path, cli) -> None:
    intent = tmp_path / "lab.yaml"
    intent.write_text(LAB.read_text())
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "schema.json").symlink_to(tmp_path / "pipe")  # a link to a pipe: followed, never replaced
    before = snapshot(tmp_path)
    for target, why in ((intent, "is not a JSON Schema this tool wrote"), (tmp_path / "schema.json", "a named pipe")):
        rc, _, err = cli("schema", "-o", target)
        assert rc == 2 and why in err and "Traceback" not in err, err
        assert snapshot(tmp_path) == before
    older = tmp_path / "older.json"
    older.write_text('{"$id": "urn:bag-intent-generator:schema:intent:0"}\n')  # an earlier version's: replaced
    rc, _, err = cli("schema", "-o", older)
    assert rc == 0 and f"wrote {older}" in err and '"$defs"' in older.read_text()


def test_an_example_name_over_255_bytes_is_a_clean_error(tmp_path: Path, cli) -> None:
    rc, _, err = cli("example", "lab", "-o", tmp_path / f"{LONG}.yaml")
    assert rc == 2 and "File name too long" in err and "internal error" not in err
    assert os.listdir(tmp_path) == []

"""A hostile environment: output directories that are not the tool's, links, a full or read-only
disk, signals in the middle of a parallel build, two builds at once, hand-edited configs, templates
that break at render time, links in an intent directory of a git revision.

Every case checks the exit code, where the message points, and that the files that were there are
byte for byte what they were (or, for a successful build, what the manifest says they are).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.forked import MAX_JOBS, bounded_jobs
from generator.render.build import build
from generator.render.outdir import locked

from .conftest import LAB, PROMETHEUS, ROOT
from .hostile import assert_refused, dump, findings_in, lab, snapshot


def consistent(out: Path) -> dict[str, object]:
    """The manifest, after checking that every config in `out` is exactly what it records."""
    manifest = json.loads((out / "manifest.json").read_text())
    configs = sorted(p.name for p in out.glob("*.cfg"))
    assert configs == sorted(f"{n}.cfg" for n in manifest["devices"])
    for name, entry in manifest["devices"].items():
        assert hashlib.sha256((out / f"{name}.cfg").read_bytes()).hexdigest() == entry["sha256"], name
    return manifest


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".staging-" in p.name or ".old-" in p.name)


# ------------------------------------------------------------------------------ output directory kinds


@pytest.mark.parametrize("command", ["build", "analyze"])
def test_a_directory_of_someone_elses_files_is_refused_and_untouched(command: str, tmp_path: Path, cli) -> None:
    target = tmp_path / "thesis"
    target.mkdir()
    (target / "thesis.txt").write_text("three years of work\n")
    (target / "analysis.md").write_text("my own analysis\n")
    before = snapshot(target)
    rc, _, err = cli(command, LAB, "-o", target)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(target))
    assert snapshot(target) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["build", "analyze"])
def test_a_file_as_output_is_refused_and_untouched(command: str, tmp_path: Path, cli) -> None:
    target = tmp_path / "out"
    target.write_text("a file\n")
    rc, _, err = cli(command, LAB, "-o", target)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(target))
    assert target.read_text() == "a file\n" and sorted(os.listdir(tmp_path)) == ["out"]


def test_a_link_to_a_file_is_refused(tmp_path: Path, cli) -> None:
    (tmp_path / "file").write_text("x\n")
    (tmp_path / "out").symlink_to(tmp_path / "file")
    rc, _, err = cli("build", LAB, "-o", tmp_path / "out")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(tmp_path / "out"))
    assert (tmp_path / "out").is_symlink() and (tmp_path / "file").read_text() == "x\n"


@pytest.mark.parametrize("arg", [".", "..", "./"])
def test_the_current_directory_or_a_parent_is_refused(arg: str, tmp_path: Path, cli, monkeypatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine\n")
    monkeypatch.chdir(work)
    before = snapshot(tmp_path)
    rc, _, err = cli("build", LAB, "-o", arg)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(Path(arg)))
    assert snapshot(tmp_path) == before


def test_the_current_directory_is_refused_even_when_a_build_wrote_it(tmp_path: Path, cli, monkeypatch) -> None:
    build(LAB, tmp_path / "out", audit=False)
    before = snapshot(tmp_path / "out")
    monkeypatch.chdir(tmp_path / "out")
    rc, _, err = cli("build", LAB, "-o", ".", "--force")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=".")
    assert snapshot(tmp_path / "out") == before


def test_a_symlinked_output_is_followed_and_its_target_replaced_atomically(tmp_path: Path, cli) -> None:
    disk = tmp_path / "bigdisk"
    disk.mkdir()
    (tmp_path / "out").symlink_to(disk / "out")  # the target does not exist yet
    rc, _, err = cli("build", LAB, "-o", tmp_path / "out", "--no-audit")
    assert rc == 0, err
    assert (tmp_path / "out").is_symlink() and os.readlink(tmp_path / "out") == str(disk / "out")
    first = consistent(disk / "out")
    rc, _, err = cli("build", LAB, "-o", tmp_path / "out", "--no-audit", "--force")
    assert rc == 0, err
    assert (tmp_path / "out").is_symlink() and consistent(disk / "out") == first
    assert leftovers(disk) == [] and leftovers(tmp_path) == []


def test_an_earlier_build_with_a_foreign_file_added_is_refused(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    build(LAB, out, audit=False)
    (out / "notes.txt").write_text("do not lose me\n")
    before = snapshot(out)
    rc, _, err = cli("build", LAB, "-o", out, "--force")
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert "notes.txt" in err and snapshot(out) == before


@pytest.mark.parametrize(
    "manifest", ['{"devices": [1, 2]}', '{"devices": {"x": 1}}', "7", '{"devi', '{"devices": {"../x": {}}}']
)
def test_a_malformed_manifest_is_refused_by_build_and_validate(manifest: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    build(LAB, out, audit=False)
    (out / "manifest.json").write_text(manifest)
    before = snapshot(out)
    rc, _, err = cli("build", LAB, "-o", out)
    assert_refused(rc, err, exit_code=2, code="BAG200", where=str(out))
    assert "manifest.json" in err and snapshot(out) == before
    rc, _, err = cli("validate", LAB, "--rendered", "-o", out)
    assert rc == 2 and "manifest.json this tool did not write" in err and "Traceback" not in err


def test_the_analysis_in_out_survives_a_build(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    assert cli("build", LAB, "-o", out, "--no-audit")[0] == 0
    assert cli("analyze", LAB, "-o", out / "analysis", "--format", "json")[0] == 0
    analysis = snapshot(out / "analysis")
    assert cli("build", LAB, "-o", out, "--no-audit", "--force")[0] == 0
    assert snapshot(out / "analysis") == analysis and len(analysis) == 3


# ------------------------------------------------------------------------------ full and read-only disks


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs (root only); skipped where mounting is impossible."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], check=False, capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_named_and_the_previous_output_kept(small_disk: Path, cli) -> None:
    out = small_disk / "out"
    assert cli("build", LAB, "-o", out, "--no-audit")[0] == 0
    before = snapshot(out)
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill what is left
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    rc, _, err = cli("build", LAB, "-o", out, "--no-audit", "--force")
    assert_refused(rc, err, exit_code=2, code="BAG201", where=str(out))
    assert "No space left on device" in err and "ENOSPC" in err
    assert snapshot(out) == before and leftovers(small_disk) == []


def test_a_read_only_disk_is_named_and_the_previous_output_kept(small_disk: Path, cli) -> None:
    out = small_disk / "out"
    assert cli("build", LAB, "-o", out, "--no-audit")[0] == 0
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    rc, _, err = cli("build", LAB, "-o", out, "--no-audit", "--force")
    assert_refused(rc, err, exit_code=2, code="BAG201", where=str(out))
    assert "Read-only file system" in err and snapshot(out) == before


# ------------------------------------------------------------------------------ signals mid-build


def run_cli(*args: str | Path, **kw: object) -> subprocess.Popen[str]:
    """The CLI started as a terminal starts it. A process inherits an ignored SIGINT (a shell ignores it
    for a background job, `cmd &` without job control, and Python then leaves it ignored), so when the
    tests themselves run that way, SIGINT is handled here for the moment of the fork: a handled signal
    is reset to its default across exec, an ignored one is not."""
    inherited = signal.getsignal(signal.SIGINT)
    if inherited == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: we can see every worker it forked
            **kw,  # type: ignore[arg-type]
        )
    finally:
        signal.signal(signal.SIGINT, inherited)


def live_group(pgid: int) -> list[str]:
    rows = subprocess.run(
        ["ps", "-eo", "pid=,pgid=,stat="], check=False, capture_output=True, text=True
    ).stdout.splitlines()
    return [r for r in rows if r.split()[1] == str(pgid) and not r.split()[2].startswith("Z")]


@pytest.fixture(scope="module")
def big_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """intent/prometheus.yaml built once (12,672 devices): a build long enough to interrupt."""
    out = tmp_path_factory.mktemp("big") / "out"
    build(PROMETHEUS, out, audit=False, jobs=2)
    return out, snapshot(out)


def writing_configs(parent: Path) -> bool:
    """A staging directory next to out/ holds a config: workers are writing. Stops at the first one
    (listing a directory of thousands under load could take longer than what is left of the build)."""
    with os.scandir(parent) as entries:
        for entry in entries:
            if entry.name.startswith(".out.staging-"):
                try:
                    with os.scandir(entry.path) as files:
                        if any(f.name.endswith(".cfg") for f in files):
                            return True
                except FileNotFoundError:  # a staging directory removed as we looked
                    continue
    return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_a_signal_mid_build_leaves_out_byte_for_byte_and_no_worker(
    sig: signal.Signals, big_out: tuple[Path, dict[str, str]]
) -> None:
    out, before = big_out
    proc = run_cli("build", PROMETHEUS, "-o", out, "--force", "--no-audit", "-j", "2")
    deadline = time.monotonic() + 120
    while not writing_configs(out.parent):  # the signal must land while the workers write (2-3 s)
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    time.sleep(0.5)
    assert live_group(proc.pid) == []  # every worker died with its parent
    assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig if sig != signal.SIGINT else 130), err
    assert "Traceback" not in err
    if sig != signal.SIGKILL:
        assert "nothing was written" in err and leftovers(out.parent) == []
    else:  # nothing runs after SIGKILL: the next build, under the lock, removes the staging it left
        argv = [sys.executable, "-m", "generator", "build", str(PROMETHEUS), "-o", str(out), "--no-audit"]
        rc = subprocess.run(argv, check=False, cwd=ROOT, timeout=600).returncode
        assert rc == 0 and leftovers(out.parent) == []
    assert snapshot(out) == before


# ------------------------------------------------------------------------------ concurrent builds


def variant(tmp_path: Path) -> Path:
    data = lab()
    data["bgp"]["keepalive"], data["bgp"]["hold"] = 2, 6  # every config changes
    path = tmp_path / "variant.yaml"
    path.write_text(dump(data))
    return path


def test_two_builds_into_one_out_never_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    other = variant(tmp_path)
    for _round in range(3):
        a = run_cli("build", LAB, "-o", out, "-j", "2")
        b = run_cli("build", other, "-o", out, "-j", "2")
        assert a.wait(timeout=300) == 0 and b.wait(timeout=300) == 0, (a.communicate(), b.communicate())
        manifest = consistent(out)
        assert all(e["audited"] for e in manifest["devices"].values())  # type: ignore[attr-defined]
        assert leftovers(tmp_path) == []
    last = build(LAB, out)
    assert consistent(out) and (last.up_to_date or last.rendered == 16)


def test_a_build_waits_for_the_lock_of_its_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out):
        proc = run_cli("build", LAB, "-o", out, "--no-audit")
        time.sleep(3)
        assert proc.poll() is None and not out.exists()  # blocked, wrote nothing
    assert proc.wait(timeout=120) == 0 and consistent(out)


# ------------------------------------------------------------------------------ checks that finish while workers render


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_of_the_last_checks_stops_the_render_and_leaves_out_as_it_was(
    jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build renders while the plan's last checks (capacity budgets, multipath, link bandwidth) run;
    an error among them stops the workers: out/ is byte for byte the previous build, no staging is
    left, no worker lives on, and the error is the finding (not a worker's failure)."""
    import generator.render.build as build_module
    from generator.findings import FindingsError

    out = tmp_path / "out"
    build(LAB, out, audit=False)
    before = snapshot(out)
    data = lab()
    data["regions"][0]["fabrics"][0]["downlinks"]["count"] = 13  # 4.33:1 toward the BAG
    data["budgets"]["l2_to_bag_oversubscription"] = 4.0
    data["bgp"]["keepalive"], data["bgp"]["hold"] = 2, 6  # every config would change
    path = tmp_path / "over-budget.yaml"
    path.write_text(dump(data))
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 0)  # fork workers even for the 16-device lab
    with pytest.raises(FindingsError) as exc:
        build(path, out, audit=True, jobs=jobs)
    assert {f.code for f in exc.value.findings if f.severity.value == "error"} == {"BAG070"}
    assert snapshot(out) == before and leftovers(tmp_path) == []
    assert multiprocessing.active_children() == []  # the workers were stopped and reaped


# ------------------------------------------------------------------------------ the process's exit


def test_a_process_that_skips_the_heap_teardown_still_delivers_all_its_output(tmp_path: Path) -> None:
    """`python -m generator` ends with os._exit (see cli.entry): whatever the command printed reaches
    the reader in full, the exit code is the command's, and what it wrote is complete."""
    out = tmp_path / "out"
    proc = run_cli("build", LAB, "-o", out, "--no-audit")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "16 devices" in stdout and stdout.rstrip().splitlines()[-1].startswith("  load ")
    consistent(out)
    proc = run_cli("validate", tmp_path / "missing.yaml")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "BAG001" in stderr and stderr.rstrip().endswith("error(s)")
    proc = run_cli("codes", "--format", "json")
    stdout, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and {c["code"] for c in json.loads(stdout)} >= {"BAG001", "BAG202"}


@pytest.mark.parametrize("command", [["codes", "--format", "json"], ["schema"], ["example", "lab"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(command: list[str]) -> None:
    """`bag schema | head -1`: the reader closes the pipe before the command writes. The command ends
    as a shell expects of one cut short (141, 128 + SIGPIPE), without a Python error or an "internal
    error" (the generator has no bug) and without rich's exit 1 (here: "found something")."""
    proc = run_cli(*command)
    assert proc.stdout is not None
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 141, stderr
    assert stderr == ""


# ------------------------------------------------------------------------------ worker counts


@pytest.mark.parametrize("jobs", ["0", "-3", str(MAX_JOBS + 1), "100000", "two"])
def test_an_unreasonable_worker_count_is_a_usage_error(jobs: str, tmp_path: Path, capsys) -> None:
    from generator.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["build", str(LAB), "-o", str(tmp_path / "out"), "-j", jobs])
    assert exc.value.code == 2 and "-j/--jobs" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_never_more_workers_than_work() -> None:
    assert bounded_jobs(64, 16) == 16 and bounded_jobs(1000) == MAX_JOBS and bounded_jobs(-5) == 1


# ------------------------------------------------------------------------------ drift from the manifest


def test_a_hand_edited_config_is_drift_never_audited(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    assert cli("build", LAB, "-o", out)[0] == 0
    built = (out / "east-bag-p1-s1.cfg").read_bytes()
    # same size, and invisible to the parse-back audit (a comment): only the manifest's hash tells
    edited = built.replace(b"bag switch, region", b"BAG switch, region", 1)
    assert edited != built and len(edited) == len(built)
    (out / "east-bag-p1-s1.cfg").write_bytes(edited)
    rc, stdout, err = cli("validate", LAB, "--rendered", "-o", out, "--format", "json")
    report = json.loads(stdout)
    assert rc == 1 and [(f["code"], f["device"]) for f in report["findings"]] == [("BAG202", "east-bag-p1-s1")]
    rc, stdout, err = cli("build", LAB, "-o", out)
    assert rc == 0 and "up to date" not in stdout
    assert ("device east-bag-p1-s1", "warning", "BAG202") in findings_in(err)
    assert (out / "east-bag-p1-s1.cfg").read_bytes() == built and "rendered 1," in stdout
    assert consistent(out)


# ------------------------------------------------------------------------------ templates and revisions


def test_a_template_that_breaks_at_render_time_is_located(tmp_path: Path, cli) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    device = templates / "frr" / "device.j2"
    lines = device.read_text().splitlines()
    device.write_text("\n".join([*lines, "{{ d.no_such_attribute }}"]) + "\n")
    out = tmp_path / "out"
    build(LAB, out, audit=False)
    before = snapshot(out)
    rc, _, err = cli("build", LAB, "-o", out, "--templates", templates)
    assert_refused(rc, err, exit_code=2, code="BAG081", where=f"{device}:{len(lines) + 1}:")
    assert "no_such_attribute" in err and snapshot(out) == before


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.parametrize("link", ["/etc/passwd", "../outside.yaml"])
def test_a_link_out_of_the_intent_directory_in_a_revision_is_refused(link: str, tmp_path: Path, cli) -> None:
    repo = tmp_path / "repo"
    (repo / "intent").mkdir(parents=True)
    (repo / "intent" / "lab.yaml").write_text(dump(lab()))
    (repo / "outside.yaml").write_text("name: x\n")
    (repo / "intent" / "extra.yaml").symlink_to(link)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x")
    rc, _, err = cli("diff", "--base", "HEAD", repo / "intent")
    assert rc == 2 and "Traceback" not in err and "internal error" not in err
    assert "extra.yaml" in err

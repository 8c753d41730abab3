"""Nornir as the deploy engine: one Nornir over the inventory, nornir-napalm connections opened once
per device and reused by every step of a run, failed hosts collected by name.

The steps themselves (diff, drain, commit, post-checks, confirm, rollback; drift) are the project's
own and live in push.py and running.py; this module only runs a step on a set of devices.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts
from nornir.core.inventory import Inventory as NornirInventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.processor import Processors
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner
from nornir_napalm.plugins.connections import CONNECTION_NAME, Napalm
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from generator.deploy.inventory import Inventory, credentials

T = TypeVar("T")
# Nornir logs each failed task with its traceback; the push reports failures itself, by device and check
logging.getLogger("nornir").addHandler(logging.NullHandler())
if CONNECTION_NAME not in ConnectionPluginRegister.available:  # InitNornir would register it from entry points
    ConnectionPluginRegister.register(CONNECTION_NAME, Napalm)
DEFAULT_WORKERS = 16
NAPALM_TIMEOUT = 60


def to_nornir(inventory: Inventory) -> NornirInventory:
    """Nornir's in-memory inventory: platform = NAPALM driver, credentials from the environment only."""
    username, password = credentials(inventory)
    defaults = Defaults(username=username or None, password=password or None)
    hosts = Hosts()
    for name, device in sorted(inventory.devices.items()):
        hosts[name] = Host(
            name=name,
            hostname=device.hostname,
            platform=device.driver,
            data={"region": device.region, "plane": device.plane, "role": device.role},
            connection_options={
                "napalm": ConnectionOptions(
                    extras={"optional_args": dict(device.optional_args), "timeout": NAPALM_TIMEOUT}
                )
            },
            defaults=defaults,
        )
    return NornirInventory(hosts=hosts, groups=Groups(), defaults=defaults)


class StepProgress:
    """A Nornir processor that shows, per step, how many devices are done; silent off a terminal."""

    def __init__(self, console: Console, label: str = "") -> None:
        self.label = label
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[host]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> StepProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def task_started(self, task: Task) -> None:
        total = len(task.nornir.inventory.hosts)
        description = f"{self.label}{task.name}" if self.label else str(task.name)
        self._tasks[str(task.name)] = self.progress.add_task(description, total=total, host="")

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        task_id = self._tasks.pop(str(task.name), None)
        if task_id is not None:
            self.progress.remove_task(task_id)

    def task_instance_started(self, task: Task, host: Host) -> None:
        task_id = self._tasks.get(str(task.name))
        if task_id is not None:
            self.progress.update(task_id, host=host.name)

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        task_id = self._tasks.get(str(task.name))
        if task_id is not None:
            self.progress.advance(task_id)

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        return None

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        return None


def _call(task: Task, work: Callable[[Host], Any]) -> Result:
    return Result(host=task.host, result=work(task.host))


class Fleet:
    """The devices of one run. `run` executes a step on some of them in parallel (`workers` threads);
    each device's NAPALM connection is opened on first use and reused until `close`."""

    def __init__(self, inventory: Inventory, workers: int = DEFAULT_WORKERS, progress: StepProgress | None = None):
        self.inventory = inventory
        self.nornir = Nornir(
            inventory=to_nornir(inventory),
            runner=ThreadedRunner(num_workers=max(1, workers)),
            processors=Processors([progress] if progress is not None else []),
        )

    def driver(self, host: Host) -> Any:
        """The host's open NAPALM driver (nornir-napalm's connection, cached on the host)."""
        return host.get_connection("napalm", self.nornir.config)

    def run(
        self, step: str, names: Iterable[str], work: Callable[[Host], T]
    ) -> tuple[dict[str, T], dict[str, BaseException]]:
        """Run work(host) on the named devices: (results of those that succeeded, exceptions of those that failed)."""
        wanted = set(names)
        if not wanted:
            return {}, {}
        subset = self.nornir.filter(filter_func=lambda host: host.name in wanted)
        outcome = subset.run(task=_call, work=work, name=step, on_failed=True)
        self.nornir.data.reset_failed_hosts()  # a host that failed one step is still asked by the next
        done: dict[str, T] = {}
        failed: dict[str, BaseException] = {}
        for name, multi in sorted(outcome.items()):
            result = multi[0]
            if result.failed:
                failed[name] = result.exception or RuntimeError(str(result.result))
            else:
                done[name] = result.result
        return done, failed

    def close(self) -> None:
        for host in self.nornir.inventory.hosts.values():
            try:
                host.close_connections()
            except Exception:  # a connection that died cannot be closed; nothing is left to release
                continue


@contextmanager
def fleet(
    inventory: Inventory, workers: int = DEFAULT_WORKERS, progress: StepProgress | None = None
) -> Iterator[Fleet]:
    run = Fleet(inventory, workers, progress)
    try:
        yield run
    finally:
        run.close()

"""The push inventory: which devices to reach, with which NAPALM driver and arguments.

Two formats are read: the file `lab up` writes (`name`, `credentials`, `devices`), and a Nornir
inventory (SimpleInventory's hosts.yaml/groups.yaml/defaults.yaml, or a Nornir config.yaml), which
is what `python -m generator inventory --format nornir` writes. Either becomes one `Inventory`, and
the deploy engine turns that into Nornir's in-memory inventory (generator/deploy/engine.py).

Credentials never live in the file: they come from environment variables (`BAG_DEVICE_USERNAME`,
`BAG_DEVICE_PASSWORD`, or the names the lab inventory's `credentials` section gives). A Nornir
inventory that carries a password is refused rather than silently used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import UsageError
from generator.intent.schema import CREDENTIAL_ENVS

USERNAME_ENV, PASSWORD_ENV = CREDENTIAL_ENVS  # never a secret reference of the intent (schema.EnvVar)


class InventoryError(UsageError):
    """The inventory cannot be used (missing, malformed, or holding a secret); the CLI exits 2."""


@dataclass(frozen=True)
class InventoryDevice:
    name: str
    driver: str  # NAPALM driver name (Nornir's `platform`)
    hostname: str
    region: str = ""  # "" / 0 when a Nornir inventory does not say; the intent knows
    plane: int = 0
    role: str = ""
    optional_args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    name: str
    devices: dict[str, InventoryDevice]
    username_env: str = USERNAME_ENV
    password_env: str = PASSWORD_ENV

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credentials": {"username_env": self.username_env, "password_env": self.password_env},
            "devices": {n: {k: v for k, v in asdict(d).items() if k != "name"} for n, d in self.devices.items()},
        }

    def planes(self) -> list[int]:
        return sorted({d.plane for d in self.devices.values()})


def load_inventory(path: Path) -> Inventory:
    """The lab inventory file, a Nornir SimpleInventory (directory or hosts.yaml), or a Nornir config.yaml."""
    path = Path(path)
    if path.is_dir():
        if (path / "config.yaml").is_file():
            return from_nornir(nornir_config_inventory(path / "config.yaml"), path.name)
        if (path / "hosts.yaml").is_file():
            return from_nornir(simple_inventory(path / "hosts.yaml"), path.name)
        raise InventoryError(f"{path}: no hosts.yaml or config.yaml in this directory (a Nornir inventory)")
    try:
        data = yaml.safe_load(path.read_text())
    except OSError:
        raise InventoryError(f"{path}: no inventory (run `python -m generator lab up` or pass --inventory)") from None
    except yaml.YAMLError as exc:
        raise InventoryError(f"{path}: not valid YAML: {exc}") from None
    if isinstance(data, dict) and "devices" in data:
        return lab_inventory(path, data)
    if path.name == "config.yaml" or (isinstance(data, dict) and "inventory" in data):
        return from_nornir(nornir_config_inventory(path), path.parent.name)
    if isinstance(data, dict):
        return from_nornir(simple_inventory(path), path.parent.name)
    raise InventoryError(f"{path}: expected a mapping of devices (lab inventory or Nornir hosts.yaml)")


def lab_inventory(path: Path, data: dict[str, Any]) -> Inventory:
    try:
        creds = data.get("credentials", {})
        devices = {
            name: InventoryDevice(
                name=name,
                driver=d["driver"],
                hostname=d.get("hostname", name),
                region=d["region"],
                plane=int(d["plane"]),
                role=d["role"],
                optional_args=dict(d.get("optional_args", {})),
            )
            for name, d in data["devices"].items()
        }
        return Inventory(
            str(data["name"]),
            devices,
            creds.get("username_env", USERNAME_ENV),
            creds.get("password_env", PASSWORD_ENV),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InventoryError(
            f"{path}: malformed inventory ({type(exc).__name__}: {exc}); "
            "each device needs driver, region, plane and role"
        ) from None


# ---------------------------------------------------------------------------------------- Nornir


def simple_inventory(hosts: Path) -> Any:
    """Nornir's own SimpleInventory plugin over hosts.yaml and the groups.yaml/defaults.yaml beside it."""
    from nornir.plugins.inventory.simple import SimpleInventory

    groups, defaults = hosts.parent / "groups.yaml", hosts.parent / "defaults.yaml"
    try:
        return SimpleInventory(str(hosts), str(groups), str(defaults)).load()
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InventoryError(f"{hosts}: not a Nornir SimpleInventory ({type(exc).__name__}: {exc})") from None


def nornir_config_inventory(config: Path) -> Any:
    """The inventory a Nornir config.yaml names (its plugin and files, as Nornir resolves them)."""
    from nornir import InitNornir

    try:
        return InitNornir(config_file=str(config), logging={"enabled": False}).inventory
    except Exception as exc:  # Nornir raises whatever its inventory plugin raises
        raise InventoryError(f"{config}: Nornir cannot load it ({type(exc).__name__}: {exc})") from None


def from_nornir(inventory: Any, name: str) -> Inventory:
    """Our inventory from Nornir hosts: platform is the NAPALM driver, napalm extras give optional_args."""
    devices = {}
    for host_name, host in sorted(inventory.hosts.items()):
        params = host.get_connection_parameters("napalm")
        if params.password:
            raise InventoryError(
                f"{name}: host {host_name} has a password in the inventory; remove it and set {PASSWORD_ENV}"
            )
        platform = params.platform
        if not platform:
            raise InventoryError(f"{name}: host {host_name} has no platform (the NAPALM driver, e.g. frr or eos)")
        extras = dict(params.extras or {})
        optional_args = dict(extras.get("optional_args") or {})
        if params.port and "port" not in optional_args:
            optional_args["port"] = params.port
        try:
            plane = int(host.get("plane", 0) or 0)
        except (TypeError, ValueError):
            raise InventoryError(f"{name}: host {host_name}: plane {host.get('plane')!r} is not a number") from None
        devices[host_name] = InventoryDevice(
            name=host_name,
            driver=platform,
            hostname=params.hostname or host_name,
            region=str(host.get("region", "") or ""),
            plane=plane,
            role=str(host.get("role", "") or ""),
            optional_args=optional_args,
        )
    if not devices:
        raise InventoryError(f"{name}: the Nornir inventory has no hosts")
    return Inventory(name, devices)


def credentials(inventory: Inventory | None = None) -> tuple[str, str]:
    """(username, password) from the environment; never from a file, never printed."""
    user_env = inventory.username_env if inventory else USERNAME_ENV
    pass_env = inventory.password_env if inventory else PASSWORD_ENV
    return os.environ.get(user_env, ""), os.environ.get(pass_env, "")


@contextmanager
def connect(device: InventoryDevice, inventory: Inventory | None = None) -> Iterator[Any]:
    """An open NAPALM driver for one device, outside any Nornir run (e.g. `lab status`)."""
    import napalm

    username, password = credentials(inventory)
    driver = napalm.get_network_driver(device.driver)(
        device.hostname, username, password, timeout=60, optional_args=device.optional_args
    )
    driver.open()
    try:
        yield driver
    finally:
        driver.close()

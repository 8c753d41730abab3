"""The push inventory: which devices to reach, with which NAPALM driver and arguments.

Credentials never live in the file: they come from environment variables (`BAG_DEVICE_USERNAME`,
`BAG_DEVICE_PASSWORD`, or the names the inventory's `credentials` section gives).
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


@dataclass(frozen=True)
class InventoryDevice:
    name: str
    driver: str
    hostname: str
    region: str
    plane: int
    role: str
    optional_args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    name: str
    devices: dict[str, InventoryDevice]
    username_env: str = "BAG_DEVICE_USERNAME"
    password_env: str = "BAG_DEVICE_PASSWORD"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credentials": {"username_env": self.username_env, "password_env": self.password_env},
            "devices": {n: {k: v for k, v in asdict(d).items() if k != "name"} for n, d in self.devices.items()},
        }

    def planes(self) -> list[int]:
        return sorted({d.plane for d in self.devices.values()})


def load_inventory(path: Path) -> Inventory:
    try:
        data = yaml.safe_load(path.read_text())
    except OSError:
        raise UsageError(f"{path}: no inventory (run `python -m generator lab up` or pass --inventory)") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML: {exc}") from None
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
            creds.get("username_env", "BAG_DEVICE_USERNAME"),
            creds.get("password_env", "BAG_DEVICE_PASSWORD"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(
            f"{path}: malformed inventory ({type(exc).__name__}: {exc}); "
            "each device needs driver, region, plane and role"
        ) from None


@contextmanager
def connect(device: InventoryDevice, inventory: Inventory | None = None) -> Iterator[Any]:
    """An open NAPALM driver for the device; credentials from the environment only."""
    import napalm

    user_env = inventory.username_env if inventory else "BAG_DEVICE_USERNAME"
    pass_env = inventory.password_env if inventory else "BAG_DEVICE_PASSWORD"
    driver = napalm.get_network_driver(device.driver)(
        device.hostname,
        os.environ.get(user_env, ""),
        os.environ.get(pass_env, ""),
        timeout=60,
        optional_args=device.optional_args,
    )
    driver.open()
    try:
        yield driver
    finally:
        driver.close()

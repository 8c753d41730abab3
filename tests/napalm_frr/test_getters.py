"""NAPALM's own driver test-suite (`napalm.base.test.getters.BaseTestGetters`) for the FRR driver.

The mocked data was recorded from the real FRR 8.4 lab (`lab up` on intent/lab.yaml, device
east-bag-p1-s1) by tests/napalm_frr/record.py: vtysh's JSON for the BGP, route, config and interface
getters, the kernel's `ip -j` for counters and neighbour tables, /proc for get_environment.
The route test asks for 1.0.4.0/24, NAPALM's fixed
destination: its recording is the lab's 10.102.0.0/16 route with the prefix renamed.
"""

from __future__ import annotations

from typing import Any

import pytest
from napalm.base.test import conftest as napalm_conftest
from napalm.base.test.getters import BaseTestGetters

from napalm_frr import FRRDriver

from .double import FakeTransport


class PatchedFRRDriver(FRRDriver):
    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            hostname, username, password, timeout, {"transport": "recorded", "pathspace": "east-bag-p1-s1"}
        )
        self.patched_attrs = ["_transport"]
        self._transport = FakeTransport()

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None


@pytest.fixture(scope="class")
def set_device_parameters(request: pytest.FixtureRequest) -> None:
    request.cls.driver = FRRDriver
    request.cls.patched_driver = PatchedFRRDriver
    request.cls.vendor = "frr"
    napalm_conftest.set_device_parameters(request)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    napalm_conftest.pytest_generate_tests(metafunc, __file__)


@pytest.mark.usefixtures("set_device_parameters")
class TestGetter(BaseTestGetters):  # type: ignore[misc]
    """Every getter the driver implements, checked against NAPALM's models and recorded results."""

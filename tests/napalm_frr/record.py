"""Record mocked data for test_getters.py from a running lab device (run as root after `lab up`).

python -m tests.napalm_frr.record east-bag-p1-s1 [test_get_interfaces ...]   (default: every getter)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from napalm_frr import FRRDriver
from napalm_frr.transport import NetnsTransport, Result

from .double import command_key

HERE = Path(__file__).parent / "mocked_data"
ROUTE = "10.102.0.0/16"
GETTERS: dict[str, Any] = {
    "test_is_alive": lambda d: d.is_alive(),
    "test_get_facts": lambda d: d.get_facts(),
    "test_get_interfaces_ip": lambda d: d.get_interfaces_ip(),
    "test_get_bgp_neighbors": lambda d: d.get_bgp_neighbors(),
    "test_get_bgp_neighbors_detail": lambda d: d.get_bgp_neighbors_detail(),
    "test_get_route_to": lambda d: d.get_route_to(ROUTE, "bgp"),
    "test_get_route_to_longer": lambda d: d.get_route_to(ROUTE, "bgp", longer=True),
    "test_get_lldp_neighbors": lambda d: d.get_lldp_neighbors(),
    "test_get_lldp_neighbors_detail": lambda d: d.get_lldp_neighbors_detail(),
    "test_get_config": lambda d: d.get_config(),
    "test_get_config_filtered": lambda d: [d.get_config(retrieve=r) for r in ("running", "startup", "candidate")][-1],
    "test_get_config_sanitized": lambda d: d.get_config(sanitized=True),
    "test_get_interfaces": lambda d: d.get_interfaces(),
    "test_get_interfaces_counters": lambda d: d.get_interfaces_counters(),
    "test_get_environment": lambda d: d.get_environment(),
    "test_get_bgp_config": lambda d: d.get_bgp_config(),
    "test_get_arp_table": lambda d: d.get_arp_table(),
    "test_get_ipv6_neighbors_table": lambda d: d.get_ipv6_neighbors_table(),
    "test_get_network_instances": lambda d: d.get_network_instances(),
    "test_get_config_sanitized_filtered": lambda d: {
        "running": d.get_config(retrieve="running", sanitized=True)["running"],
        "startup": d.get_config(retrieve="startup", sanitized=True)["startup"],
        "candidate": "",
    },
}


class Recorder(NetnsTransport):
    def __init__(self, netns: str, uts: str) -> None:
        super().__init__(netns, uts)
        self.calls: dict[str, str] = {}

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 60.0) -> Result:
        result = super().run(argv, stdin, timeout)
        key = command_key([a.replace(ROUTE, "1.0.4.0/24") for a in argv])
        self.calls[key] = result.out.replace(ROUTE, "1.0.4.0/24")
        return result


def main(device: str, only: list[str]) -> None:
    socket = f"/run/bag-lab/lab/{device}/lldpd.socket"
    args = {"netns": device, "uts": f"/run/bag-lab/uts/{device}", "lldp_socket": socket}
    driver = FRRDriver(device, "", "", optional_args=args)
    driver.open()
    for test, getter in GETTERS.items():
        if only and test not in only:
            continue
        recorder = Recorder(device, f"/run/bag-lab/uts/{device}")
        driver._transport = recorder
        result = json.loads(json.dumps(getter(driver)).replace(ROUTE, "1.0.4.0/24"))
        case = HERE / test / "normal"
        case.mkdir(parents=True, exist_ok=True)
        for key, out in recorder.calls.items():
            (case / f"{key}.txt").write_text(out)
        (case / "expected_result.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

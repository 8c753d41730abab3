"""NAPALM driver for FRRouting: `napalm.get_network_driver("frr")` finds it by this package name."""

from napalm_frr.driver import FRRDriver, get_kernel_routes, sanitize

__all__ = ["FRRDriver", "get_kernel_routes", "sanitize"]

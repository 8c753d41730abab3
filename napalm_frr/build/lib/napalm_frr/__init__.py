"""NAPALM driver for FRRouting: `napalm.get_network_driver("frr")` finds it by this package name."""

from napalm_frr.driver import DaemonsDownError, FRRDriver, get_kernel_routes, sanitize, silent_daemons

__version__ = "0.1.0"

__all__ = ["DaemonsDownError", "FRRDriver", "get_kernel_routes", "sanitize", "silent_daemons"]

"""NAPALM driver for FRRouting: `napalm.get_network_driver("frr")` finds it by this package name."""

from napalm_frr.driver import DaemonsDownError, FRRDriver, sanitize, silent_daemons

__all__ = ["DaemonsDownError", "FRRDriver", "sanitize", "silent_daemons"]

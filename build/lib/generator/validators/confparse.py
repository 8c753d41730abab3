"""ciscoconfparse2, made fast enough to read back thousands of configs per build.

Two costs dominate a plain `CiscoConfParse(...)` on generated configs, and neither buys the audit
anything (measured on a 6,927-line EOS BAG config: 22k lines/s before, 82k lines/s after):
- every method and property is wrapped in loguru's `logger.catch(reraise=True)`, which only logs an
  exception and re-raises it; with the library's logger disabled that is ~800k no-op context managers
  per hundred configs. `unwrap_loguru` puts the original functions back (`functools.wraps` keeps them
  in `__wrapped__`), so exceptions propagate exactly as before, just without the log line;
- the constructor parses the text in its ConfigList and then again in `commit()`, which exists for
  configs edited in place; a read-only parse needs only the first (`ReadOnlyParse`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import ciscoconfparse2.ccp_abc
import ciscoconfparse2.ciscoconfparse2
import ciscoconfparse2.models_base
import ciscoconfparse2.models_cisco
import ciscoconfparse2.models_junos
from ciscoconfparse2 import CiscoConfParse
from loguru import logger

logger.disable("ciscoconfparse2")  # it logs every parse at INFO


def _unwrapped(func: Callable[..., Any]) -> Callable[..., Any]:
    while getattr(func, "__wrapped__", None) is not None and func.__code__.co_name == "catch_wrapper":
        func = func.__wrapped__  # type: ignore[attr-defined]
    return func


def _unwrap_module(module: ModuleType) -> int:
    count = 0
    for name, value in list(vars(module).items()):
        if inspect.isfunction(value) and _unwrapped(value) is not value:
            setattr(module, name, _unwrapped(value))
            count += 1
        if not inspect.isclass(value) or not value.__module__.startswith("ciscoconfparse2"):
            continue
        for attr, member in list(vars(value).items()):
            if isinstance(member, property):
                fget = _unwrapped(member.fget) if member.fget else None
                fset = _unwrapped(member.fset) if member.fset else None
                if fget is not member.fget or fset is not member.fset:
                    setattr(value, attr, property(fget, fset, member.fdel, member.__doc__))
                    count += 1
            elif inspect.isfunction(member) and _unwrapped(member) is not member:
                setattr(value, attr, _unwrapped(member))
                count += 1
    return count


def unwrap_loguru() -> int:
    """Remove the per-call loguru wrappers from ciscoconfparse2 (idempotent); returns how many."""
    modules = (
        ciscoconfparse2.ciscoconfparse2,
        ciscoconfparse2.ccp_abc,
        ciscoconfparse2.models_base,
        ciscoconfparse2.models_cisco,
        ciscoconfparse2.models_junos,
    )
    return sum(_unwrap_module(m) for m in modules)


unwrap_loguru()


class ReadOnlyParse(CiscoConfParse):  # type: ignore[misc]
    """A CiscoConfParse that parses once: the audit never edits a config, so no commit() re-parse."""

    def commit(self) -> None:
        return None


def top_level(parse: CiscoConfParse) -> list[Any]:
    """The configuration objects at indent 0 (each with its `.children`)."""
    return [obj for obj in parse.config_objs.data if obj.indent == 0]

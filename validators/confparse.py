"""ciscoconfparse2, made fast enough to read back thousands of configs per build.

Two costs dominate a plain `CiscoConfParse(...)` on generated configs, and neither buys the audit
anything (measured on a 6,927-line EOS BAG config: 22k lines/s before, 82k lines/s after):
- every method and property is wrapped in loguru's `logger.catch(reraise=True)`, which only logs an
  exception and re-raises it; with the library's logger disabled that is ~800k no-op context managers
  per hundred configs. `unwrap_loguru` puts the original functions back (`functools.wraps` keeps them
  in `__wrapped__`), so exceptions propagate exactly as before, just without the log line;
- the constructor parses the text in its ConfigList and then again in `commit()`, which exists for
  configs edited in place; a read-only parse needs only the first (`ReadOnlyParse`).

A third cost is quadratic: finding each line's parent (see `_parent_cache`, patched in); a fourth is
ConfigList's own `__getattribute__` wrapper (removed, see below).

`ReadOnlyParse` also hands the library less and simpler text, without changing the tree it builds:
- whole-line comments (`!` for IOS-style syntaxes, `#` and `/* ... */` banners for Junos) and blank
  lines are dropped before parsing: they carry no fact, and each would cost a line object;
- Junos braces are turned into indentation by `junos_to_indented`, a small exact equivalent of the
  library's pyparsing `BraceParse` (same statements, same 4-space indent, same trailing-`;` rule), so
  a Junos line costs what an EOS line costs instead of ~10x. ciscoconfparse2 still builds the tree
  (`JunosCfgLine` objects, `syntax="junos"`); only its brace-to-indent pre-pass is replaced.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
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


def _parent_cache(
    self: Any, parents_cache: dict[int, Any], indent: int, max_indent: int, is_config_line: bool
) -> tuple[dict[int, Any], Any]:
    """`ConfigList._maintain_bootstrap_parent_cache` without its quadratic walk.

    The library caches, per indent, the parent of a line at that indent (the nearest preceding
    config line indented less). On any dedent it empties the cache from that indent down and walks
    back line by line to find the parent again; past a block of siblings with children (432
    interfaces, 1,700 neighbours) every sibling walks over all earlier ones. The cached parent for
    the line's own indent is still right after a dedent (any line indented less would have evicted
    it), so this evicts only the deeper entries and keeps it: same parents, linear time."""
    if is_config_line:
        for deeper in [k for k in parents_cache if k > indent]:
            del parents_cache[deeper]
    return parents_cache, parents_cache.get(indent)


ORIGINAL_PARENT_CACHE = ciscoconfparse2.ciscoconfparse2.ConfigList._maintain_bootstrap_parent_cache
ciscoconfparse2.ciscoconfparse2.ConfigList._maintain_bootstrap_parent_cache = _parent_cache

# ConfigList overrides __getattribute__ with a Python function that calls object.__getattribute__ and,
# for a missing attribute, walks inspect.stack() to raise NotImplementedError. Every attribute read
# of the list (ten per parsed line) pays for that wrapper; without it an existing attribute reads the
# same and a missing one raises AttributeError. About a quarter of the parse time.
if "__getattribute__" in vars(ciscoconfparse2.ciscoconfparse2.ConfigList):
    del ciscoconfparse2.ciscoconfparse2.ConfigList.__getattribute__


JUNOS_INDENT = 4  # ciscoconfparse2's BraceParse stop_width
_BRACE_TOKENS = re.compile(r'"(?:[^"\n\r\\]|""|\\.)*"|[{}]|[^{}"]+|"')


def _statement(out: list[str], element: str, depth: int) -> None:
    """One statement as BraceParse emits it: a trailing `;` dropped (only when it is the last
    character, as there), stripped, indented by depth."""
    if element.strip():
        if element[-1] == ";":
            element = element[:-1]
        out.append(" " * (JUNOS_INDENT * depth) + element.strip())


def junos_to_indented(lines: Sequence[str]) -> list[str]:
    """Brace-delimited Junos text as indented lines, exactly as ciscoconfparse2's
    `convert_junos_to_ios` would produce them (minus blank lines, which the audit ignores).

    A statement ends at `{`, `}` or the end of the line, except inside a double-quoted string
    (which may hold braces); tabs are expanded first, as pyparsing does to the whole text (which it
    parses as "{" + text + "}", hence the first line's offset). Raises ValueError on unbalanced
    braces, where the library's pyparsing grammar raises a ParseException."""
    out: list[str] = []
    depth = 0
    for number, raw in enumerate(lines):
        line = raw if "\t" not in raw else ("{" + raw).expandtabs()[1:] if number == 0 else raw.expandtabs()
        if "{" not in line and "}" not in line:  # the common case: one statement, no brace
            _statement(out, line, depth)
            continue
        element = ""
        for token in _BRACE_TOKENS.findall(line):
            if token in ("{", "}"):
                _statement(out, element, depth)
                element = ""
                if token == "{":
                    depth += 1
                elif token == "}":
                    depth -= 1
                    if depth < 0:
                        raise ValueError(f"unbalanced '}}' in Junos configuration: {line.strip()!r}")
            else:
                element += token
        _statement(out, element, depth)
    if depth:
        raise ValueError(f"unbalanced braces in Junos configuration: {depth} '{{' never closed")
    return out


def _is_comment(line: str, delimiters: tuple[str, ...]) -> bool:
    stripped = line.lstrip()
    return not stripped or stripped.startswith(delimiters)


_COMMENTS = {"junos": ("#", "/*")}  # ciscoconfparse2's comment delimiter for the syntax, and banners


class ReadOnlyParse(CiscoConfParse):  # type: ignore[misc]
    """A CiscoConfParse that parses once (the audit never edits a config, so no commit() re-parse),
    over the statements only: comment and blank lines are left out, Junos braces pre-converted."""

    def __init__(self, config: Sequence[str], syntax: str = "ios", **kwargs: Any) -> None:
        delimiters = _COMMENTS.get(syntax, ("!",))
        lines = [line for line in config if not _is_comment(line, delimiters)]
        super().__init__(lines or [""], syntax=syntax, **kwargs)

    def handle_ccp_brace_syntax(self, tmp_lines: list[str] | None = None, syntax: str | None = None) -> list[str]:
        if syntax == "junos" and tmp_lines is not None:
            return junos_to_indented(tmp_lines)
        return super().handle_ccp_brace_syntax(tmp_lines=tmp_lines, syntax=syntax)  # type: ignore[no-any-return]

    def commit(self) -> None:
        return None


def top_level(parse: CiscoConfParse) -> list[Any]:
    """The configuration objects at indent 0 (each with its `.children`)."""
    return [obj for obj in parse.config_objs.data if obj.indent == 0]

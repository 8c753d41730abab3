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
ConfigList's own `__getattribute__` wrapper (removed, see below); a fifth is the per-line overhead of
`ConfigList.bootstrap` (four method frames, three constructor frames, a dozen type checks and two
property reads per line), replaced by `_bootstrap`, one loop that builds the same line objects (the
test compares every attribute with the library's); a sixth is typeguard: the library is imported
without its `@typechecked` instrumentation (`_import_without_instrumentation`). With the audit's
collector discipline (see audit._collector_paused and `release`) a core reads back 390k-460k lines/s,
from 118k.

`ReadOnlyParse` also hands the library less and simpler text, without changing the tree it builds:
- whole-line comments (`!` for IOS-style syntaxes, `#` and `/* ... */` banners for Junos) and blank
  lines are dropped before parsing: they carry no fact, and each would cost a line object; so are
  descriptions (free text) that have nothing nested under them;
- Junos braces are turned into indentation by `junos_to_indented`, a small exact equivalent of the
  library's pyparsing `BraceParse` (same statements, same 4-space indent, same trailing-`;` rule), so
  a Junos line costs what an EOS line costs instead of ~10x. ciscoconfparse2 still builds the tree
  (`JunosCfgLine` objects, `syntax="junos"`); only its brace-to-indent pre-pass is replaced.
"""

from __future__ import annotations

import importlib
import inspect
import operator
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import typeguard
from loguru import logger
from typeguard import suppress_type_checks


def _unchecked(target: Any = None, **_: Any) -> Any:
    """`typeguard.typechecked` that leaves the function as written (with or without arguments)."""
    return target if target is not None else (lambda function: function)


def _import_without_instrumentation() -> None:
    """Import ciscoconfparse2 with typeguard's `@typechecked` as a no-op: the decorator re-parses and
    re-compiles the library's whole module once per decorated function (0.4 s of its 0.8 s import,
    paid before every audited build forks), to check argument types at run time that this module
    passes correctly by construction. Nothing else changes; if the library was imported before this
    module (a test), its checks stay in and are suspended around our calls (see ReadOnlyParse)."""
    if "ciscoconfparse2" in sys.modules:
        return
    checked = typeguard.typechecked
    typeguard.typechecked = _unchecked
    try:
        importlib.import_module("ciscoconfparse2")
    finally:
        typeguard.typechecked = checked


_import_without_instrumentation()

import ciscoconfparse2.ccp_abc  # noqa: E402 - imported above, without the instrumentation
import ciscoconfparse2.ciscoconfparse2  # noqa: E402
import ciscoconfparse2.models_base  # noqa: E402
import ciscoconfparse2.models_cisco  # noqa: E402
import ciscoconfparse2.models_junos  # noqa: E402
from ciscoconfparse2 import CiscoConfParse  # noqa: E402

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


_library = ciscoconfparse2.ciscoconfparse2
ORIGINAL_BOOTSTRAP = _library.ConfigList.bootstrap
_BANNER_WORDS = ("banner", "aaa authentication fail-message")  # what every alternative of its banner regex contains


def _config_line(cls: type[Any], all_lines: Sequence[str], text: str, linenum: int, confobj: Any) -> Any:
    """A line object exactly as `cfgobj_from_text` builds it and `bootstrap` completes it: the
    attributes `BaseCfgLine.__init__` sets (the subclasses' constructors only call it), without
    three constructor frames and a dozen type checks per line."""
    obj = object.__new__(cls)  # no class of the hierarchy has its own __new__
    obj.__dict__ = {
        "_text": text,
        "_children": [],
        "linenum": linenum,
        "parent": obj,
        "child_indent": 0,
        "confobj": confobj,
        "blank_line_keep": False,
        "all_text": all_lines,
        "all_lines": all_lines,
        "line": text,
        "__setstate__": None,
        "feature": "",
        "_brace_termination": "",
    }
    return obj


def _bootstrap(self: Any, text_list: Sequence[str] | None = None, debug: int = 0) -> list[Any]:
    """`ConfigList.bootstrap` in one loop: the same line objects, parents, children, banner and macro
    marks and checkpoint, for about half the cost per line. The library's own method still runs for
    what this does not cover (factory lines, debug logging, input it rejects)."""
    if text_list is None:
        text_list = self.ccp_ref.get_text()
    syntax = self.syntax
    cls = _library.CFGLINE.get(syntax)
    if cls is None or self.factory or self.debug or not isinstance(text_list, (list, tuple)):
        return ORIGINAL_BOOTSTRAP(self, text_list, debug)  # type: ignore[no-any-return]
    try:
        whole = "\n".join(text_list)
    except TypeError:  # a line that is not a string: the library's own error
        return ORIGINAL_BOOTSTRAP(self, text_list, debug)  # type: ignore[no-any-return]
    delimiters = self.comment_delimiters
    data: list[Any] = []
    parents: dict[int, Any] = {}  # indent -> the parent of a line at that indent (see _parent_cache)
    deepest = -1  # no key of `parents` is above this
    macros: list[int] = []
    blank = False
    indents: list[int] = []  # each line's `indent`, read as a local instead of a property
    statements: list[int] = []  # the indent of each config line (`is_config_line`), -1 for the others
    for idx, text in enumerate(text_list):
        obj = _config_line(cls, text_list, text, idx, self)
        stripped = text.lstrip()
        blank = blank or not stripped
        indent = len(text) - len(stripped)
        comment = bool(stripped) and stripped[0] in delimiters  # BaseCfgLine.is_comment
        indents.append(indent)
        statements.append(indent if stripped and not comment else -1)
        if syntax == "ios" and text[0:11] == "macro name ":
            macros.append(idx)
        if deepest > indent and stripped and not comment:  # a dedent evicts the deeper cached parents
            for deeper in [k for k in parents if k > indent]:
                del parents[deeper]
            deepest = indent
        parent = parents.get(indent)
        if indent > 0:
            if parent is None:  # _build_bootstrap_parent_child's walk back
                for back in range(idx - 1, -1, -1):
                    if -1 < statements[back] < indent:
                        parent = parents[indent] = data[back]
                        deepest = max(deepest, indent)
                        break
            # _add_child_to_parent (the child's parent is still itself: it was just made)
            if parent is not None and not (comment and indents[idx - 1] > indent):
                parent._children.append(obj)
                obj.parent = parent
                parent.child_indent = indent
        data.append(obj)
    self.data = data
    if syntax not in _library.ALL_BRACE_SYNTAX:
        if any(word in whole for word in _BANNER_WORDS):  # else its regex matches nothing
            self._banner_mark_regex(self._build_banner_re_ios())
        self._ciscoios_macro_mark_children(macros)
    if self.ignore_blank_lines is True and blank:  # (`text` is `_text`)
        data = [obj for obj in self.data if obj._text.strip() != "" or obj.blank_line_keep is True]
        self.data = data
        checkpoint = sum([hash(obj.linenum) * hash(obj._text) for obj in data])
    else:  # every line kept: data[i] is line i (hash(i) is i for an int this small)
        checkpoint = sum(map(operator.mul, range(len(text_list)), map(hash, text_list)))
    self.commit_checkpoint = self.current_checkpoint = checkpoint  # get_checkpoint: get_unique_identifier per line
    return data


_library.ConfigList.bootstrap = _bootstrap


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


_COMMENTS = {"junos": ("#", "/*")}  # ciscoconfparse2's comment delimiter for the syntax, and banners
_FREE_TEXT = re.compile(r"(?:neighbor \S+ )?description(?: |$)")  # every platform's description statement


def without_descriptions(lines: Sequence[str], comments: tuple[str, ...] = ()) -> list[str]:
    """Indented statements minus descriptions: free text that states no fact the audit reads (one
    line in six of a build). A description with statements nested under it is kept, so every other
    statement keeps its parent. Blank lines and lines starting with one of `comments` go too (one
    pass for both: this runs over every line the audit reads)."""
    kept = []
    pending: tuple[str, int] | None = None  # a description, kept only if the next statement is nested under it
    for line in lines:
        stripped = line.lstrip()
        if not stripped or stripped.startswith(comments):
            continue
        if pending is not None:
            if len(line) - len(stripped) > pending[1]:
                kept.append(pending[0])
            pending = None
        if stripped.startswith(("description", "neighbor ")) and _FREE_TEXT.match(stripped):
            pending = (line, len(line) - len(stripped))
        else:
            kept.append(line)
    return kept


class ReadOnlyParse(CiscoConfParse):  # type: ignore[misc]
    """A CiscoConfParse that parses once (the audit never edits a config, so no commit() re-parse),
    over the statements that state facts: comments, blank lines and descriptions are left out, Junos
    braces pre-converted."""

    def __init__(self, config: Sequence[str], syntax: str = "ios", **kwargs: Any) -> None:
        delimiters = _COMMENTS.get(syntax, ("!",))
        if syntax in _library.ALL_BRACE_SYNTAX:  # Junos statements are indented lines only after conversion
            lines = [line for line in config if (stripped := line.lstrip()) and not stripped.startswith(delimiters)]
        else:
            lines = without_descriptions(config, delimiters)
        # Where the library was imported with its typeguard checks (see _import_without_instrumentation),
        # they cost 60 us of a parse's fixed 80 (a second per build) and can only pass on our list of str.
        with suppress_type_checks():
            super().__init__(lines or [""], syntax=syntax, **kwargs)

    def handle_ccp_brace_syntax(self, tmp_lines: list[str] | None = None, syntax: str | None = None) -> list[str]:
        if syntax == "junos" and tmp_lines is not None:
            return without_descriptions(junos_to_indented(tmp_lines))
        return super().handle_ccp_brace_syntax(tmp_lines=tmp_lines, syntax=syntax)  # type: ignore[no-any-return]

    def commit(self) -> None:
        return None


def release(parse: CiscoConfParse) -> None:
    """Break the parse tree's reference cycles (each line points at itself or its parent, at its
    children and at its ConfigList, which points back) so reference counting frees it at once. The
    cyclic collector, run after each parse instead, was a tenth of the audit's time."""
    objects = getattr(parse, "config_objs", None)
    for obj in getattr(objects, "data", ()):
        obj.__dict__.clear()
    if objects is not None:
        objects.__dict__.clear()
    parse.__dict__.clear()


def top_level(parse: CiscoConfParse) -> list[Any]:
    """The configuration objects at indent 0 (each with its `.children`)."""
    return [obj for obj in parse.config_objs.data if not obj._text[:1].isspace()]  # indent 0 (see readback._top)

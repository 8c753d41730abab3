"""Load intent YAML (one file or a directory of them) with the position of every value.

Errors from YAML and from pydantic alike become `Finding`s that name the file, line, field path,
what is wrong and how to fix it: an operator should never have to read a traceback.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from generator.catalogue import CATALOGUE
from generator.findings import Finding, InputError, Location
from generator.intent import schema
from generator.intent.files import digest_entry, intent_files
from generator.intent.schema import Intent
from generator.safeio import NotRegularFileError, open_regular
from generator.textsafety import describe_char, shown

# the C loader is ~10x faster and gives the same marks
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


class IntentLoadError(InputError):
    """Raised with every problem found while loading; the CLI prints them and exits 2."""


# Finding codes raised here for the first time (issue 13); the catalogue takes them from this table.

# Bounds of the loader: an intent is a few kilobytes (intent/prometheus.yaml, 12,672 devices, is 7 KB),
# so these are far above any real one and far below what exhausts a machine. Each is checked before
# the document is expanded (a 394-byte alias bomb expands to billions of nodes).
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_NODES = 200_000  # values after expanding aliases
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")} | {None, "!"}
# Characters YAML, Python's splitlines or a terminal treat as a line break or control (tab, LF and CR
# are YAML's own whitespace).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


@dataclass
class SourceMap:
    """Maps a field path to where it was written, to locate errors found after loading."""

    positions: dict[Path_, Location] = field(default_factory=dict)
    key_positions: dict[Path_, Location] = field(default_factory=dict)

    def locate(self, path: Path_) -> Location | None:
        """Position of the value at `path`, or of its nearest written ancestor."""
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in self.positions:
                return self.positions[prefix]
        return None

    def locate_key(self, path: Path_) -> Location | None:
        return self.key_positions.get(tuple(path)) or self.locate(path)


@dataclass(frozen=True)
class LoadedIntent:
    intent: Intent
    source: SourceMap
    files: tuple[Path, ...]
    digest: str  # sha256 of every input byte, for build caching


# --------------------------------------------------------------------------- YAML -> python + marks


def _mark(node: yaml.Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(node: yaml.Node, path: Path_, file: str, smap: SourceMap, errors: list[Finding]) -> Any:
    smap.positions[path] = _mark(node, file)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(
                    Finding(
                        "BAG001",
                        "mapping keys must be plain words",
                        path,
                        _mark(key_node, file),
                        "write a plain key such as `name:`, not a list or a mapping",
                    )
                )
                continue
            key = key_node.value
            if key == "<<":
                errors.append(
                    Finding(
                        "BAG001",
                        "YAML merge keys (<<) are not supported",
                        path,
                        _mark(key_node, file),
                        "write the fields out; anchors hide what a device really gets",
                    )
                )
                continue
            if key in result:
                errors.append(
                    Finding(
                        "BAG003",
                        f"duplicate key '{key}'",
                        (*path, key),
                        _mark(key_node, file),
                        "YAML keeps only the last one; remove or rename the duplicate",
                    )
                )
                continue
            smap.key_positions[(*path, key)] = _mark(key_node, file)
            result[key] = _construct(value_node, (*path, key), file, smap, errors)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), file, smap, errors) for i, item in enumerate(node.value)]
    # scalars: the safe constructor resolves ints, bools and nulls the YAML 1.1 way, except that a
    # plain `4:1` stays the text it looks like (YAML 1.1 reads it as the base-60 number 241)
    style = getattr(node, "style", None)  # C loader: "" for plain scalars, the Python one None
    if node.tag in _SEXAGESIMAL_TAGS and not style and ":" in node.value:
        return node.value
    if node.tag not in _SCALARS.yaml_constructors:  # a plain `=` or `<<` resolves to YAML 1.1's value or merge
        return node.value  # tag, which nothing constructs: it is the text it looks like (explicit tags: BAG211)
    return _SCALARS.construct_object(node, deep=True)


_SEXAGESIMAL_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


_SCALARS = yaml.constructor.SafeConstructor()


def read_bounded(path: Path, display: str, errors: list[Finding]) -> bytes | None:
    """The bytes of a regular file of at most MAX_FILE_BYTES; anything else is a located BAG212/BAG210."""
    where = Location(display, 1, 1)
    try:
        with open_regular(path, follow=True) as handle:  # a named pipe opens at once and is refused
            data = handle.read(MAX_FILE_BYTES + 1)
    except NotRegularFileError as exc:
        errors.append(Finding("BAG212", f"not a regular file ({exc.what})", (), where, _READ_HINT))
        return None
    except OSError as exc:
        errors.append(Finding("BAG212", f"cannot read the file: {exc.strerror or exc}", (), where, _READ_HINT))
        return None
    if len(data) > MAX_FILE_BYTES:
        errors.append(
            Finding(
                "BAG210",
                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB (the limit for an intent file)",
                (),
                where,
                "an intent describes a network in kilobytes; split it or remove generated content",
            )
        )
        return None
    return data


_READ_HINT = "pass a readable YAML file, or a directory of them"


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _prescan(text: str, display: str, errors: list[Finding]) -> bool:
    """Walk the YAML events (a flat stream: no recursion, no expansion) and refuse what the loader
    must never build: nesting deeper than MAX_DEPTH, tags other than YAML's plain types, and more than
    MAX_NODES values. False when the document must not be composed."""
    depth = nodes = 0
    flow: list[bool] = []  # per open collection: written in flow style ([...], {...})
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display, 1, 1)
            if isinstance(event, yaml.CollectionStartEvent):
                flow.append(bool(event.flow_style))
                depth += 1
                if depth > MAX_DEPTH:
                    errors.append(
                        Finding(
                            "BAG210",
                            f"nested more than {MAX_DEPTH} levels deep (the limit for an intent)",
                            (),
                            where,
                            "an intent is a few levels of mappings and lists; check the brackets and indentation",
                        )
                    )
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                flow.pop()
                depth -= 1
            if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                nodes += 1
                tag = getattr(event, "tag", None)
                if tag not in _STANDARD_TAGS:
                    errors.append(
                        Finding(
                            "BAG211",
                            f"unknown YAML tag {shown(tag)}",
                            (),
                            where,
                            "remove the tag: an intent holds plain strings, numbers, booleans, lists and mappings",
                        )
                    )
                    return False
            if nodes > MAX_NODES:
                errors.append(
                    Finding(
                        "BAG210",
                        f"more than {MAX_NODES:,} values (the limit for an intent)",
                        (),
                        where,
                        "an intent describes a network in kilobytes; remove generated content",
                    )
                )
                return False
    except yaml.YAMLError as exc:
        if "nesting depth" not in str(getattr(exc, "problem", "")):
            return True  # compose reports syntax errors with their position
        # PyYAML 6.0.3 and later stop deep flow nesting ([[[[...) while scanning ahead, before our count
        # sees the events: name the bracket that goes past the limit, as the count would have
        line, column = _flow_bracket_past(text, MAX_DEPTH - flow.count(False))  # the block levels open
        errors.append(
            Finding(
                "BAG210",
                f"nested more than {MAX_DEPTH} levels deep (the limit for an intent)",
                (),
                Location(display, line, column),
                "an intent is a few levels of mappings and lists; check the brackets and indentation",
            )
        )
        return False
    return True


def _flow_bracket_past(text: str, allowed: int) -> tuple[int, int]:
    """Line and column (1-based) of the first `[` or `{` that opens more than `allowed` flow levels
    (brackets in quotes and comments do not count)."""
    depth, line, column, quote = 0, 1, 0, ""
    for char in text:
        column += 1
        if char == "\n":
            line, column, quote = line + 1, 0, ""
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > allowed:
                return line, column
        elif char in "]}":
            depth = max(depth - 1, 0)
    return 1, 1


def _expanded_size(node: yaml.Node, display: str, errors: list[Finding]) -> bool:
    """Count the values of the document with every alias expanded, without expanding anything
    (each node once, memoised): refuses alias bombs and recursive aliases before construction."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _RecursiveAliasError(n)
        active.add(key)
        total = 1
        if isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total += sum(size(item) for item in n.value)
        active.discard(key)
        sizes[key] = min(total, MAX_NODES + 1)
        return sizes[key]

    try:
        total = size(node)
    except _RecursiveAliasError as exc:
        errors.append(
            Finding(
                "BAG210",
                "an alias refers to the mapping or list that contains it (a recursive alias)",
                (),
                _mark(exc.node, display),
                "write the values out; an intent is a tree",
            )
        )
        return False
    if total > MAX_NODES:
        errors.append(
            Finding(
                "BAG210",
                f"aliases expand to more than {MAX_NODES:,} values (the limit for an intent)",
                (),
                _mark(node, display),
                "write the values out instead of repeating anchors (*alias) of anchors",
            )
        )
        return False
    return True


class _RecursiveAliasError(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _read_document(raw: bytes, display: str, smap: SourceMap, errors: list[Finding]) -> dict[str, Any] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, column = _position(before, len(before))
        where = Location(display, line, column)
        errors.append(Finding("BAG001", f"not UTF-8 text ({exc.reason})", (), where, "save the file as UTF-8"))
        return None
    bad = _CONTROL_RE.search(text)
    if bad:
        line, column = _position(text, bad.start())
        errors.append(
            Finding(
                "BAG001",
                f"the file contains the control character {describe_char(bad.group(0))}",
                (),
                Location(display, line, column),
                "remove it; an intent is plain text (tabs are not allowed for indentation either)",
            )
        )
        return None
    if not _prescan(text, display, errors):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display, 1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        errors.append(
            Finding(
                "BAG001",
                f"YAML syntax error: {problem}{context}",
                (),
                loc,
                "check indentation (spaces, not tabs) and that every 'key: value' has a space after ':'",
            )
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - composer errors are marked
        errors.append(Finding("BAG001", f"YAML error: {exc}", (), Location(display, 1, 1), CATALOGUE["BAG001"].fix))
        return None
    if node is None:
        errors.append(
            Finding(
                "BAG001",
                "the file is empty",
                (),
                Location(display, 1, 1),
                "an intent file is a YAML mapping with at least name, hardware and regions",
            )
        )
        return None
    if not _expanded_size(node, display, errors):
        return None
    file_map = SourceMap()
    data = _construct(node, (), display, file_map, errors)
    if not isinstance(data, dict):
        errors.append(
            Finding(
                "BAG001",
                "the top level must be a mapping of keys to values",
                (),
                _mark(node, display),
                "an intent is a mapping with at least name, hardware and regions (`bag example lab` writes one)",
            )
        )
        return None
    smap.positions.update(file_map.positions)
    smap.key_positions.update(file_map.key_positions)
    return data


def _merge(
    documents: list[tuple[str, dict[str, Any], SourceMap]], errors: list[Finding]
) -> tuple[dict[str, Any], SourceMap]:
    """Merge a directory of intent files: lists concatenate, mappings join, scalars must not clash."""
    merged: dict[str, Any] = {}
    smap = SourceMap()
    first: dict[Path_, str] = {}  # top-level keys and their entries -> the file that defined them first
    for display, doc, dmap in documents:
        for key, value in doc.items():
            first.setdefault((key,), display)
            if isinstance(value, dict):
                for name in value:
                    first.setdefault((key, name), display)
            shift = 0
            if key not in merged:
                merged[key] = value
            elif isinstance(merged[key], list) and isinstance(value, list):
                shift = len(merged[key])
                merged[key] = [*merged[key], *value]
            elif isinstance(merged[key], dict) and isinstance(value, dict):
                clash = sorted(set(merged[key]) & set(value))
                for name in clash:
                    errors.append(
                        Finding(
                            "BAG003",
                            f"'{key}.{name}' is defined in more than one file (also in {first[(key, name)]})",
                            (key, name),
                            dmap.key_positions.get((key, name)),
                            "define each entry in exactly one file",
                        )
                    )
                merged[key] = {**merged[key], **value}
            else:
                errors.append(
                    Finding(
                        "BAG003",
                        f"'{key}' is set in more than one file (also in {first[(key,)]})",
                        (key,),
                        dmap.key_positions.get((key,)),
                        "set top-level values in one file only",
                    )
                )
                continue
            for table, target in ((dmap.positions, smap.positions), (dmap.key_positions, smap.key_positions)):
                for path, loc in table.items():
                    if path and path[0] == key:
                        shifted = shift and len(path) > 1 and isinstance(path[1], int)
                        target[(key, path[1] + shift, *path[2:]) if shifted else path] = loc  # type: ignore[operator]
    return merged, smap


_HINTS = {
    "extra_forbidden": "remove it, or check its spelling against `python -m generator schema`",
    "missing": "add this field; `python -m generator schema` lists every field",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number, unquoted (not true/false, not a decimal)",
    "int_from_float": "write a whole number",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false, unquoted",
    "string_type": "write text (quote it if YAML would read it as a number or a boolean)",
    "bandwidth": "write bits per second like 800G, 1.6T, 400Gbps or an integer such as 800000000000",
    "breakout": "write LANESxSPEED like 2x400G, or {lanes: 2, speed: 400G}",
    "prefix_type": "write the prefix as text, e.g. 10.0.0.0/16 or fd00::/48",
    "address_type": "write the address as text, e.g. 192.0.2.1",
    "ip_zone": "remove the '%' and what follows it: pools, prefixes and server addresses have no zone",
    "reserved_address": "use the server's or gateway's unicast address",
    "ip_v4_address": "write an IPv4 address like 192.0.2.1",
    "text_spaces": "remove the spaces at the start and end, or leave the field out",
    "text_too_long": "shorten it to at most 120 characters",
    "credential_env": "use a variable of its own for this secret, e.g. BAG_ADMIN_SECRET_HASH",
    "hashed_secret": "e.g. hashed_secret: $(openssl passwd -6), or secret_env: NAME to read it at push time",
    "invalid_vrf": "e.g. vrf: MGMT",
    "raw_line": "write one complete config line (Junos: one statement with its braces); the generator itself "
    "opens and closes the config",
    "user_secret": "give the user either hashed_secret or secret_env",
    "timers": "raise hold to at least 3 x keepalive",
    "greater_than": "raise the value",
    "finite_number": "write a finite number",
    "ip_v4_network": "write an IPv4 prefix with its host bits zero, e.g. 10.0.0.0/16",
    "ip_v6_network": "write an IPv6 prefix with its host bits zero, e.g. fd00::/48",
    "literal_error": "use one of the listed values",
    "list_type": "write a YAML list (lines starting with '- ')",
    "dict_type": "write a YAML mapping (key: value lines)",
    "model_type": "write a YAML mapping (key: value lines)",
    "config_injection": "intent strings end up in device configs; keep them to one line of printable ASCII",
    "invalid_env": "e.g. password_env: BGP_PASSWORD, then export BGP_PASSWORD=... where you push",
    "ratio": "write a ratio like 4.5:1 (quoted or not) or a number like 4.5",
    "invalid_name": "names become hostnames, route-map and prefix-list names",
    "greater_than_equal": "raise the value",
    "less_than_equal": "lower the value",
    "too_short": "add entries",
    "too_long": "remove entries",
}


@cache
def _field_names() -> list[str]:
    """Every field name of the schema, to suggest the one an unknown key was probably meant to be."""
    names: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return sorted(names)


def _data_path(loc: tuple[str | int, ...], data: Any, missing: bool) -> Path_:
    """The part of a pydantic error location that names keys and indexes of the input: pydantic
    inserts union-branch tags ('function-after[...]', 'int') that a user never wrote, and a user may
    write a key that looks like one ('x[0]', 'function-after'); walking the input tells them apart."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, dict) and part in node) or in_list:
            path.append(part)
            node = node[part]
        elif missing and isinstance(node, dict) and part == loc[-1]:
            path.append(part)  # a missing required field: named, but not in the input
    return tuple(path)


# Errors whose input must never be repeated back (it may be a secret written where a reference belongs),
# and the same for every error of a secret-bearing field (hashed_secret, *_env), whatever its type.
_SECRET_ERRORS = {"invalid_env", "hashed_secret"}


def _secret(path: Path_) -> bool:
    return any(isinstance(part, str) and part in schema.secret_fields() for part in path)


def _pydantic_errors(exc: ValidationError, smap: SourceMap, data: Any) -> list[Finding]:
    errors: list[Finding] = []
    for err in exc.errors(include_url=False):
        etype = err["type"]
        loc = _data_path(tuple(err["loc"]), data, missing=etype == "missing")
        message = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        hint = _HINTS.get(etype, "")
        if etype == "extra_forbidden":
            message = f"unknown field {shown(loc[-1])}"
            where = smap.locate_key(loc)
            close = difflib.get_close_matches(str(loc[-1]), _field_names(), n=1)
            if close:
                hint = f"did you mean '{close[0]}'? " + hint
        elif etype == "missing":
            message = f"required field '{loc[-1]}' is missing"
            where = smap.locate(loc[:-1])
        else:
            given = err.get("input")
            if (
                etype not in ("config_injection", "raw_line", "invalid_name", *_SECRET_ERRORS)
                and not _secret(loc)
                and isinstance(given, str | int | float | bool)
                and len(str(given)) < 60
            ):
                got = shown(given) if isinstance(given, str) else repr(given)
                message = f"{message} (got {got})"
            where = smap.locate(loc)
        code = "BAG060" if etype in ("config_injection", "raw_line") else "BAG002"
        errors.append(Finding(code, message, loc, where, hint or CATALOGUE[code].fix))
    # several union branches report the same spot; keep the first message per path and code
    seen: set[tuple[Path_, str]] = set()
    unique = []
    for e in errors:
        if (e.path, e.code) not in seen:
            seen.add((e.path, e.code))
            unique.append(e)
    return unique


_PATH_HINTS = {
    errno.ENAMETOOLONG: "a name in the path is longer than the file system allows (255 bytes); pass a shorter one",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.ELOOP: "the path has a loop of symbolic links",
}


def check_intent_path(root: Path) -> None:
    """An intent path that exists and can be looked at; else BAG001 (missing) or BAG212 (a path
    the system refuses: a name longer than 255 bytes, no permission, a loop of links)."""
    where = Location(str(root), 0, 0)
    try:
        os.stat(root)
    except FileNotFoundError:
        raise IntentLoadError(
            [
                Finding(
                    "BAG001",
                    "no such file or directory" + (" (a link to a missing file)" if os.path.islink(root) else ""),
                    (),
                    where,
                    "pass an intent file or directory (without one, commands read intent/lab.yaml); "
                    "`bag example lab -o lab.yaml` writes an example intent to start from",
                )
            ]
        ) from None
    except OSError as exc:
        name = errno.errorcode.get(exc.errno or 0, "")
        message = f"cannot use the path: {exc.strerror or exc}" + (f" [{name}]" if name else "")
        raise IntentLoadError(
            [Finding("BAG212", message, (), where, _PATH_HINTS.get(exc.errno or 0, _READ_HINT))]
        ) from None


def load_intent(path: str | Path) -> LoadedIntent:
    """Load and schema-check an intent file or directory; raise IntentLoadError on any problem."""
    root = Path(path)
    check_intent_path(root)
    try:
        files = intent_files(root)
    except OSError as exc:
        where = Location(str(root), 0, 0)
        raise IntentLoadError(
            [Finding("BAG212", f"cannot list the directory: {exc.strerror}", (), where, _READ_HINT)]
        ) from None
    if not files:
        raise IntentLoadError(
            [
                Finding(
                    "BAG001",
                    "no .yaml files in this directory",
                    (),
                    Location(str(root), 0, 0),
                    "put the intent's .yaml (or .yml) files in it, or pass an intent file",
                )
            ]
        )
    errors: list[Finding] = []
    documents: list[tuple[str, dict[str, Any], SourceMap]] = []
    digest = hashlib.sha256()
    for file in files:
        display = str(file)
        raw = read_bounded(file, display, errors)
        if raw is None:
            continue
        digest.update(digest_entry(file, root, raw))
        fmap = SourceMap()
        doc = _read_document(raw, display, fmap, errors)
        if doc is not None:
            documents.append((display, doc, fmap))
    if errors:
        raise IntentLoadError(errors)
    if len(documents) == 1:
        data, smap = documents[0][1], documents[0][2]
    else:
        data, smap = _merge(documents, errors)
        if errors:
            raise IntentLoadError(errors)
    try:
        intent = Intent.model_validate(data)
    except ValidationError as exc:
        raise IntentLoadError(_pydantic_errors(exc, smap, data)) from None
    return LoadedIntent(intent, smap, tuple(files), digest.hexdigest())

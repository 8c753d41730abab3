"""Load intent YAML (one file or a directory of them) with the position of every value.

Errors from YAML and from pydantic alike become `Finding`s that name the file, line, field path,
what is wrong and how to fix it: an operator should never have to read a traceback.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from generator.findings import Finding, FindingsError, Location
from generator.intent import schema
from generator.intent.schema import Intent

# the C loader is ~10x faster and gives the same marks
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


class IntentLoadError(FindingsError):
    """Raised with every problem found while loading; the CLI prints them and exits 2."""


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
                errors.append(Finding("BAG001", "mapping keys must be plain words", path, _mark(key_node, file)))
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
    # scalars: the safe constructor resolves ints, bools and nulls the YAML 1.1 way
    return _SCALARS.construct_object(node, deep=True)


_SCALARS = yaml.constructor.SafeConstructor()


def _read_document(path: Path, display: str, smap: SourceMap, errors: list[Finding]) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(Finding("BAG001", f"not UTF-8 text ({exc.reason})", (), Location(display, 1, 1)))
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
        errors.append(Finding("BAG001", f"YAML error: {exc}", (), Location(display, 1, 1)))
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
    file_map = SourceMap()
    data = _construct(node, (), display, file_map, errors)
    if not isinstance(data, dict):
        errors.append(Finding("BAG001", "the top level must be a mapping of keys to values", (), _mark(node, display)))
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
    for _display, doc, dmap in documents:
        for key, value in doc.items():
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
                            f"'{key}.{name}' is defined in more than one file",
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
                        f"'{key}' is set in more than one file",
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
    "int_type": "write a whole number",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "ip_v4_network": "write an IPv4 prefix with its host bits zero, e.g. 10.0.0.0/16",
    "ip_v6_network": "write an IPv6 prefix with its host bits zero, e.g. fd00::/48",
    "literal_error": "use one of the listed values",
    "list_type": "write a YAML list (lines starting with '- ')",
    "dict_type": "write a YAML mapping (key: value lines)",
    "model_type": "write a YAML mapping (key: value lines)",
    "config_injection": "intent strings end up in device configs; keep them to one plain line",
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


def _pydantic_errors(exc: ValidationError, smap: SourceMap) -> list[Finding]:
    errors: list[Finding] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        etype = err["type"]
        message = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        hint = _HINTS.get(etype, "")
        if etype == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
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
                etype not in ("config_injection",)
                and isinstance(given, str | int | float | bool)
                and len(str(given)) < 60
            ):
                message = f"{message} (got {given!r})"
            where = smap.locate(loc)
        code = "BAG060" if etype == "config_injection" else "BAG002"
        errors.append(Finding(code, message, loc, where, hint))
    # several union branches report the same spot; keep the first message per path and code
    seen: set[tuple[Path_, str]] = set()
    unique = []
    for e in errors:
        if (e.path, e.code) not in seen:
            seen.add((e.path, e.code))
            unique.append(e)
    return unique


def intent_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def load_intent(path: str | Path) -> LoadedIntent:
    """Load and schema-check an intent file or directory; raise IntentLoadError on any problem."""
    root = Path(path)
    if not root.exists():
        raise IntentLoadError(
            [
                Finding(
                    "BAG001",
                    f"{root}: no such file or directory",
                    (),
                    None,
                    "pass an intent file or directory, e.g. intent/lab.yaml",
                )
            ]
        )
    files = intent_files(root)
    if not files:
        raise IntentLoadError([Finding("BAG001", f"{root}: no .yaml files in this directory")])
    errors: list[Finding] = []
    documents: list[tuple[str, dict[str, Any], SourceMap]] = []
    digest = hashlib.sha256()
    for file in files:
        display = str(file)
        digest.update(display.encode() + b"\0" + file.read_bytes() + b"\0")
        fmap = SourceMap()
        doc = _read_document(file, display, fmap, errors)
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
        raise IntentLoadError(_pydantic_errors(exc, smap)) from None
    return LoadedIntent(intent, smap, tuple(files), digest.hexdigest())

"""The intent's JSON Schema (draft 2020-12), for editors and CI: `python -m generator schema`.

The pydantic models in `generator.intent.schema` are the single source: every field's description is
the docstring written under it (read here from the source, only when the schema is exported), and
custom types (speeds, ratios, breakouts, pools, names) carry their own JSON Schema beside their
validators. This module adds those descriptions and the document's identity, and renders it byte for
byte the same on every run, so a committed copy (`intent/schema.json`) can be checked for staleness
and editors see the same file CI validated against.
"""

from __future__ import annotations

import ast
import errno
import inspect
import json
import os
import re
import sys
import tempfile
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from generator.intent.schema import Intent
from generator.safeio import NotRegularFileError, lkind, read_regular

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Major version of the intent format: bump it when a valid intent stops being valid (a field removed or
# narrowed); adding optional fields keeps it. The id is a URN, not a web address: it names the schema
# without claiming a domain the project does not have or promising a download location.
INTENT_FORMAT_MAJOR = 1
SCHEMA_ID = f"urn:bag-intent-generator:schema:intent:{INTENT_FORMAT_MAJOR}"
TITLE = "BAG intent"


@cache
def _module_tree(module: str) -> ast.Module:
    return ast.parse(inspect.getsource(sys.modules[module]))


@cache
def _own_attribute_docstrings(cls: type) -> dict[str, str]:
    """`field: T = ...` followed by a string literal, in the class's own body (top-level classes)."""
    body = next(
        (n.body for n in _module_tree(cls.__module__).body if isinstance(n, ast.ClassDef) and n.name == cls.__name__),
        [],
    )
    docs = {}
    for field, doc in pairwise(body):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(doc, ast.Expr)
            and isinstance(doc.value, ast.Constant)
            and isinstance(doc.value.value, str)
        ):
            docs[field.target.id] = inspect.cleandoc(doc.value.value)
    return docs


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Each field's docstring, inherited ones included (a subclass's own docstring wins)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, BaseModel) and cls is not BaseModel:
            docs.update(_own_attribute_docstrings(cls))
    return docs


class IntentJsonSchema(GenerateJsonSchema):
    """Pydantic's generator, plus field docstrings as descriptions and mappings closed to unnamed keys."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        docs = attribute_docstrings(schema["cls"])
        properties = json_schema.get("properties", {})
        for name, prop in properties.items():
            if name in docs and "description" not in prop:  # an explicit Field(description=...) wins
                properties[name] = {**prop, "description": docs[name]}
        return json_schema

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        # pydantic writes `dict[Name, X]` as patternProperties, which leaves keys that miss the pattern
        # unchecked (any value passes); propertyNames + additionalProperties refuses them instead.
        json_schema = super().dict_schema(schema)
        patterns = json_schema.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            json_schema["propertyNames"] = {"pattern": pattern, **json_schema.get("propertyNames", {})}
            json_schema["additionalProperties"] = values
        return json_schema


def _tidy(node: Any) -> Any:
    """Docstrings wrapped at the source's line length read as one paragraph per blank-line block."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                paragraphs = re.split(r"\n\s*\n", value.strip())
                out[key] = "\n\n".join(" ".join(p.split()) for p in paragraphs)
            else:
                out[key] = _tidy(value)
        return out
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def intent_json_schema() -> dict[str, Any]:
    """The intent's JSON Schema as a dict, with `$schema`, `$id` and `title`."""
    schema: dict[str, Any] = _tidy(Intent.model_json_schema(schema_generator=IntentJsonSchema))
    schema.update({"$schema": DIALECT, "$id": SCHEMA_ID, "title": TITLE})
    return schema


def schema_text() -> str:
    """The schema as written to stdout or a file: sorted keys, 2-space indent, one trailing newline."""
    return json.dumps(intent_json_schema(), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


_SCHEMA_LIMIT = 64 * 2**20


def _is_our_schema(data: bytes) -> bool:
    try:
        loaded = json.loads(data)
    except ValueError:
        return False
    return isinstance(loaded, dict) and str(loaded.get("$id", "")).startswith(SCHEMA_ID.rsplit(":", 1)[0] + ":")


def write_schema(path: Path) -> bool:
    """Write the schema to `path` atomically (a reader never sees half a file); False if it was current.

    A symlink is followed, so a link to a shared schema file updates the file. OSError is left to the
    caller, which knows how to report it.
    """
    target = path.resolve()
    text = schema_text().encode()
    found = lkind(target)
    if found == "a directory":
        raise IsADirectoryError(errno.EISDIR, "is a directory, give a file name such as schema.json", str(path))
    if found is not None:  # replaced only when it is a schema this tool wrote (its $id): never an intent
        try:
            current = read_regular(target, _SCHEMA_LIMIT)
        except NotRegularFileError as exc:
            raise FileExistsError(errno.EEXIST, f"it is {exc.what}, not a schema file; pass a new file name") from None
        if current == text:
            return False
        if not _is_our_schema(current):
            raise FileExistsError(
                errno.EEXIST,
                f"it exists and is not a JSON Schema this tool wrote (its $id is not {SCHEMA_ID}); "
                "pass a new file name (nothing was written)",
            )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True

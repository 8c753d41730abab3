"""The intent: schema (what operators may write) and loader (YAML with positions).

The names below load on first use: importing a light submodule (generator.intent.files, for the
no-change check of `build`) must not import pydantic through the loader."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.intent.loader import IntentLoadError, LoadedIntent, SourceMap, load_intent
    from generator.intent.schema import Intent

__all__ = ["Intent", "IntentLoadError", "LoadedIntent", "SourceMap", "load_intent"]
_HOME = {
    "Intent": "schema",
    "IntentLoadError": "loader",
    "LoadedIntent": "loader",
    "SourceMap": "loader",
    "load_intent": "loader",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)

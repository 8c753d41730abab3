"""The intent: schema (what operators may write) and loader (YAML with positions)."""

from generator.intent.loader import IntentLoadError, LoadedIntent, SourceMap, load_intent
from generator.intent.schema import Intent

__all__ = ["Intent", "IntentLoadError", "LoadedIntent", "SourceMap", "load_intent"]

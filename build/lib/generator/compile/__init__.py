"""Compile: intent -> wiring -> layout (ports, slots, ASNs) -> per-device vendor-neutral models."""

from generator.compile.network import Plan, compile_intent, compile_network, plan

__all__ = ["Plan", "compile_intent", "compile_network", "plan"]

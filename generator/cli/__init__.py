"""The command line: a thin layer over the stages (nothing else in the package imports it)."""

from generator.cli.main import entry, main

__all__ = ["entry", "main"]

"""Errors every layer may raise; the CLI maps them to exit codes (nothing below the CLI imports it)."""


class UsageError(Exception):
    """A problem with how the tool was called or with its environment; printed as one line, exit 2."""

"""Checks: intent semantics, physical capacity, the compiled model and (later) rendered configs."""

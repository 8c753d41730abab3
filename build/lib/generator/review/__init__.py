"""Review stage: an intent change between git revisions, as per-device diffs and a semantic summary."""

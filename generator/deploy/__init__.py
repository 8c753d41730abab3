"""Deploying to devices: the Nornir engine, inventory export, push and drift (being moved here by issue 12)."""

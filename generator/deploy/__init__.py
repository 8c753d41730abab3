"""Deploy: reaching devices, running the lab, pushing configs, and checking what devices really do."""

"""Deploy stage: the FRR lab, inventories, staged push through NAPALM and drift against devices."""

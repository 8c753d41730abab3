"""Deploy: hand the rendered network to devices and to the tools that run labs of it."""

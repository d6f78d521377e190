"""assess/definitions layer."""

"""assess layer."""

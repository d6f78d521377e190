"""The package version, in a module of its own so every layer can import it
without importing the package root (whose lazy exports reach the report layer)."""

__version__ = "0.1.0"

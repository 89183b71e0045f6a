"""Compile virtual event venues described in YAML into glTF tour bundles."""

__version__ = "0.1.0"

__all__ = ["__version__"]

"""Import commands (contract 5.3)."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the import commands to the CLI."""

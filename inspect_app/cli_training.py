"""Commands (contract 5.3)."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the commands to the CLI."""

"""Domain errors: what the services raise when a move is refused."""

from __future__ import annotations


class DomainError(Exception):
    """A forbidden move in the domain; the boundary turns it into a message or a 409."""

    status_code = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404

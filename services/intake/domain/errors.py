"""Errors the intake answers with; each maps to one RFC 9457 problem type."""
from __future__ import annotations


class IntakeError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Invalid(IntakeError):
    status = 400
    title = "Invalid input"


class Unauthenticated(IntakeError):
    status = 401
    title = "Not authenticated"


class Forbidden(IntakeError):
    status = 403
    title = "Not allowed for this role"


class NotFound(IntakeError):
    """Also what a caller gets for another organisation's record: its existence is not revealed."""

    status = 404
    title = "Not found"


class Conflict(IntakeError):
    status = 409
    title = "Conflict"

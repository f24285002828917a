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


class OfferExpired(Conflict):
    """An answer after the offer's deadline: refused whether or not the matcher has expired it yet."""

    title = "Offer expired"

    def __init__(self) -> None:
        super().__init__("the offer expired: its deadline (expires_at) passed before this answer",
                         [{"field": "offer_id", "reason": "expired: an answer must arrive before expires_at"}])

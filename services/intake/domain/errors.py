"""Errors the intake answers with; each maps to one RFC 9457 problem type."""
from __future__ import annotations


class IntakeError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def one_line(self) -> str:
        """The refusal for a terminal: the detail and each field's reason (never a submitted value)."""
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in self.errors)
        return self.detail + (f" ({reasons})" if reasons else "")


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


class ChangedResubmission(Conflict):
    """The person is already the caller's candidate, with other data: nothing is changed silently.

    A changed profile goes through the update (PUT), where it is checked against the candidate's
    state; the fields named are those that differ (names only, never a value)."""

    title = "Already a candidate, with other data"

    def __init__(self, candidate_id: str, changed: list[str]) -> None:
        update = f"PUT /v1/candidates/{candidate_id}"
        super().__init__(f"this person is already your candidate {candidate_id}, with other data; nothing was "
                         f"changed. To change the data, send the whole profile with {update}",
                         [{"field": f, "reason": f"differs from the candidate's data; change it with {update}"}
                          for f in changed])

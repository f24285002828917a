"""A signed-in person's own settings (issue 16): the language of the screens, kept with the account so
the choice follows the person to another browser. Only the person changes it; it names no client."""
from __future__ import annotations

from services.intake.adapters.accounts_orm import User, UserSession
from services.intake.domain.errors import Invalid
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.privacy import hash_token

#: The screens' languages (the entrypoint's catalogues): Dutch, English.
LANGUAGES = ("nl", "en")


def choose_language(uow: IntakeUnitOfWork, user_id: str, language: str) -> None:
    if language not in LANGUAGES:
        raise Invalid("unknown language", [{"field": "language", "reason": "nl or en"}])
    with uow:
        user = uow.session.get(User, user_id)
        if user is not None:
            user.language = language
            uow.session.add(user)
            uow.commit()


def language_of_session(uow: IntakeUnitOfWork, sid: str) -> str | None:
    """The language chosen by the person of a session cookie, if any (None for a visitor or no choice)."""
    with uow:
        row = uow.session.get(UserSession, hash_token(sid))
        user = row and row.user_id and uow.session.get(User, row.user_id)
        return user.language if user else None

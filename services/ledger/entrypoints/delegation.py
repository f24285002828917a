"""The ledger's side of contracts/delegation.py: who a request on behalf of a signed-in person speaks for.
Accepted only when the intake signed it, for this very path and query, less than MAX_AGE_S ago; the
organisation must be one the ledger knows (from the intake's OrganisationRegistered events)."""
from __future__ import annotations

import base64
import binascii
import time

from aiohttp import web

from contracts import delegation
from contracts.authenticity import HEADER as SIGNATURE_HEADER
from services.kernel.http import HttpProblem
from services.kernel.signing import Unauthentic, verifier
from services.ledger.adapters.orm import Org


def _refused() -> HttpProblem:
    return HttpProblem(401, "Not authenticated", "the assertion on behalf of a person is not valid")


def delegated_org(request: web.Request, uow_factory) -> Org | None:
    """The organisation a valid assertion speaks for; None without one; 401 for one that is not valid."""
    value = request.headers.get(delegation.HEADER)
    if value is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
        claims = delegation.decode_claims(value)
        signer = verifier().signer_of(delegation.DOMAIN, None, raw,
                                      {SIGNATURE_HEADER: request.headers.get(SIGNATURE_HEADER, "").encode()})
    except (ValueError, UnicodeError, binascii.Error, Unauthentic):
        raise _refused() from None
    fresh = 0 <= time.time() - claims["iat"] <= delegation.MAX_AGE_S
    if signer != delegation.SIGNER or not fresh or claims["target"] != request.path_qs:
        raise _refused()
    with uow_factory() as uow:
        org = uow.session.get(Org, claims["org_id"])
        if org is None:
            raise _refused()
        uow.session.expunge(org)
        return org

"""Sign-in at an organisation's own OpenID provider (issue 15): the authorization code flow with PKCE
(Authlib's OAuth 2.0 parameters), the ID token checked against the provider's keys with joserfc (Authlib's
JOSE successor: signature, issuer, audience, expiry, nonce), and the person matched to an account the
organisation created before.

Each issuer is bound to one organisation (OIDC_ISSUERS): its subjects can only ever be that
organisation's people. A person is found by their ``sub`` at that issuer, or else by e-mail address (the
provider must say it verified it), and the ``sub`` is then bound to the account. No account is made by
signing in; a disabled account is refused. The provider is responsible for its own second factor.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import select

from contracts.vocabulary import UserStatus
from services.intake.adapters.accounts_orm import User
from services.intake.domain.errors import Forbidden, NotFound, Unauthenticated
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import settings

SCOPE = "openid email"


@dataclass(frozen=True)
class Issuer:
    key: str
    issuer: str
    client_id: str
    client_secret: str
    org_id: str


def issuer(key: str) -> Issuer:
    conf = settings().oidc_issuers.get(key)
    if conf is None:
        raise NotFound("no such identity provider")
    return Issuer(key, conf["issuer"].rstrip("/"), conf["client_id"], conf["client_secret"], conf["org_id"])


@lru_cache(maxsize=16)
def discovery(issuer_url: str) -> dict[str, Any]:
    """The provider's metadata (cached per worker; its keys are fetched anew for each sign-in)."""
    meta = httpx.get(f"{issuer_url}/.well-known/openid-configuration", timeout=10).raise_for_status().json()
    if meta.get("issuer", "").rstrip("/") != issuer_url:
        raise Unauthenticated("the provider names another issuer")
    return meta


def authorization_url(iss: Issuer, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """Where to send the browser, and what the pending session keeps to check the way back."""
    flow = {"issuer_key": iss.key, "state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48)}
    url = prepare_grant_uri(discovery(iss.issuer)["authorization_endpoint"], iss.client_id, "code",
                            redirect_uri=redirect_uri, scope=SCOPE, state=flow["state"], nonce=flow["nonce"],
                            code_challenge=create_s256_code_challenge(flow["verifier"]),
                            code_challenge_method="S256")
    return url, flow


def verified_claims(iss: Issuer, flow: dict[str, str], redirect_uri: str, code: str) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and check the ID token; answers its claims."""
    meta = discovery(iss.issuer)
    try:
        token = httpx.post(meta["token_endpoint"], auth=(iss.client_id, iss.client_secret), timeout=10,
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                 "code_verifier": flow["verifier"]}).raise_for_status().json()
        keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=10).raise_for_status().json())
    except (httpx.HTTPError, ValueError) as exc:
        raise Unauthenticated("the identity provider refused the code") from exc
    try:
        decoded = jwt.decode(token["id_token"], keys)
        jwt.JWTClaimsRegistry(leeway=60, iss={"essential": True, "value": iss.issuer},
                              aud={"essential": True, "value": iss.client_id},
                              nonce={"essential": True, "value": flow["nonce"]},
                              sub={"essential": True}, exp={"essential": True}).validate(decoded.claims)
    except (JoseError, KeyError, ValueError) as exc:
        raise Unauthenticated("the identity provider's answer did not check out") from exc
    claims = dict(decoded.claims)
    if "email" not in claims and meta.get("userinfo_endpoint") and token.get("access_token"):
        # Providers may keep scope claims out of the ID token (OIDC Core 5.4): ask for them, same subject only.
        info = httpx.get(meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"},
                         timeout=10)
        if info.is_success and info.json().get("sub") == claims["sub"]:
            claims.update({k: v for k, v in info.json().items() if k in ("email", "email_verified")})
    return claims


def match_user(uow: IntakeUnitOfWork, iss: Issuer, claims: dict[str, Any]) -> str:
    """The pre-created account of the issuer's organisation that these claims name (bound by sub from now on)."""
    sub = str(claims.get("sub") or "")[:255]
    email = str(claims.get("email") or "").strip().lower()
    with uow:
        people = select(User).where(User.org_id == iss.org_id)
        user = uow.session.exec(people.where(User.oidc_subject == sub)).first() if sub else None
        if user is None and email and claims.get("email_verified") is True:
            user = uow.session.exec(people.where(User.email == email)).first()
            if user is not None and user.oidc_subject not in (None, sub):
                user = None  # bound to another subject: an address alone does not take it over
        if user is None:
            raise Forbidden("no account for this person in the organisation")
        if user.status == UserStatus.DISABLED:
            raise Unauthenticated("this account is disabled")
        user.oidc_subject, user.status = sub, UserStatus.ACTIVE
        uow.session.add(user)
        uow.commit()
        return user.user_id

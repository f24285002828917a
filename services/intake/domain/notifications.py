"""Notifications, the pure rules: which feed entries each person role hears of, what a message says and
where it links, the id a notification keeps, when the daily digest is due, and how far the feed is
safe to read.

A message carries only what the change-feed entry carries (ids, an answer's category) and the offer's
deadline, all of which the recipient may read already; never a free-text reason, a name or a BSN.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from contracts.types import AMSTERDAM
from contracts.vocabulary import UserRole

_OFFERS = {"offer.expired", "offer.withdrawn", "placement.confirmed"}
#: The entries each person role is e-mailed about (the organisation's systems get every entry by webhook).
INTERESTS: dict[str, frozenset[str]] = {
    UserRole.CASE_WORKER: frozenset({"offer.made", "offer.rejected", *_OFFERS, "candidate.took_over",
                                     "candidate.housed_elsewhere", "candidate.reported_housed",
                                     "candidate.report_retracted", "candidate.parked", "candidate.parking_lifted",
                                     "proposal.set_aside"}),
    UserRole.ALLOCATION_OFFICER: frozenset({"offer.made", "offer.declined", *_OFFERS, "vacancy.not_offered",
                                            "vacancy.held", "proposal.set_aside"}),
    # Issue 21: the policy officer hears that a simulation job ended (also stopped by a colleague).
    UserRole.POLICY_OFFICER: frozenset({"simulation.done", "simulation.failed", "simulation.cancelled"}),
    # Issue 20: the transfer point hears what waits for its decision.
    UserRole.TRANSFER_OFFICER: frozenset({"proposal.made", "proposal.overdue", "manual-match.refused"}),
    UserRole.ORG_ADMIN: frozenset({"webhook.disabled", "command.rejected"}),
    UserRole.SYSTEM_ADMIN: frozenset({"webhook.disabled"}),
}
LANGUAGES = ("nl", "en")
#: The screens where an administrator manages the webhooks, and where every person sets their e-mails.
WEBHOOKS_PAGE = "/beheer/webhooks"
SETTINGS_PAGE = "/instellingen/meldingen"
FREQUENCIES = ("immediate", "daily", "off")

#: Per kind: (Dutch, English) subject line. The body adds the ids, a category and the deadline.
SUBJECTS: dict[str, tuple[str, str]] = {
    "offer.made": ("Nieuw aanbod: reageer voor de termijn verloopt", "New offer: answer before it expires"),
    "offer.expired": ("Aanbod verlopen", "Offer expired"),
    "offer.withdrawn": ("Aanbod ingetrokken", "Offer withdrawn"),
    "offer.rejected": ("Aanbod afgewezen door de corporatie", "Offer rejected by the corporation"),
    "offer.declined": ("Aanbod geweigerd door de kandidaat", "Offer declined by the candidate"),
    "placement.confirmed": ("Plaatsing bevestigd", "Placement confirmed"),
    "vacancy.not_offered": ("Woning blijft zonder aanbod", "Vacancy left without an offer"),
    "candidate.took_over": ("Uw aanmelding wordt nu gematcht", "Your submission is now being matched"),
    "candidate.housed_elsewhere": ("Kandidaat elders gehuisvest", "Candidate housed elsewhere"),
    "candidate.reported_housed": ("Kandidaat gemeld als gehuisvest", "Candidate reported as housed"),
    "candidate.report_retracted": ("Melding van huisvesting ingetrokken", "Housing report retracted"),
    "candidate.parked": ("Kandidaat tijdelijk geparkeerd na weigeringen", "Candidate parked after refusals"),
    "candidate.parking_lifted": ("Parkeren van kandidaat opgeheven", "Candidate's parking lifted"),
    "proposal.set_aside": ("Voorstel terzijde gelegd door het transferpunt", "Proposal set aside by the transfer point"),
    "vacancy.held": ("Woning aangehouden door het transferpunt", "Home held by the transfer point"),
    "proposal.made": ("Nieuw voorstel wacht op uw beoordeling", "New proposal awaits your review"),
    "proposal.overdue": ("Voorstel wacht te lang op beoordeling", "Proposal waiting too long for review"),
    "manual-match.refused": ("Handmatige match geweigerd door een regel", "Manual match refused by a rule"),
    "simulation.done": ("Simulatie klaar", "Simulation done"),
    "simulation.failed": ("Simulatie mislukt", "Simulation failed"),
    "simulation.cancelled": ("Simulatie gestopt", "Simulation stopped"),
    "webhook.disabled": ("Webhook uitgeschakeld na herhaalde fouten", "Webhook disabled after repeated failures"),
    "command.rejected": ("Opdracht van uw systeem geweigerd", "Command from your system refused"),
}
DIGEST_SUBJECT = ("Dagoverzicht: {n} wijziging(en)", "Daily digest: {n} change(s)")
#: The fields of an entry a message may show, in this order.
SHOWN = ("offer_id", "candidate_id", "vacancy_id", "unit_id", "webhook_id", "category", "reason_code", "until",
         "command_id", "job_id")


@dataclass(frozen=True)
class Line:
    """One entry as a message shows it."""

    seq: int
    kind: str
    subject: str
    fields: tuple[tuple[str, str], ...]
    link: str  # a path below the intake's root
    deadline: str | None = None  # the offer's expires_at, Amsterdam time, for offer.made


def cares(user_role: str, kind: str) -> bool:
    return kind in INTERESTS.get(user_role, frozenset())


def link_path(kind: str, data: dict, user_role: str = UserRole.CASE_WORKER) -> str:
    """The screen where the recipient acts on the entry (services/intake/entrypoints/screens/paths.py):
    the case worker's offer and candidate pages, the corporation's offers and homes, the transfer point's
    lists, the administrators' webhooks (a disabled one is replayed there); anything else the person's
    start page."""
    if kind == "webhook.disabled":
        return WEBHOOKS_PAGE
    if user_role == UserRole.ALLOCATION_OFFICER:
        if "offer_id" in data and not kind.startswith("proposal."):
            return f"/corporatie/aanbiedingen/{data['offer_id']}"
        return "/corporatie/woningen" if "vacancy_id" in data or "unit_id" in data else "/"
    if user_role == UserRole.TRANSFER_OFFICER:
        if kind.startswith("proposal.") and "offer_id" in data:
            return f"/transferpunt/voorstellen/{data['offer_id']}"
        return "/transferpunt/koppelen" if kind.startswith("manual-match.") else "/transferpunt"
    if user_role == UserRole.CASE_WORKER:
        if "offer_id" in data and not kind.startswith("proposal."):
            return f"/aanbiedingen/{data['offer_id']}"
        if "candidate_id" in data:
            return f"/kandidaten/{data['candidate_id']}"
    return "/"


def line(seq: int, kind: str, data: dict, language: str, expires_at: datetime | None = None,
         user_role: str = UserRole.CASE_WORKER) -> Line:
    nl, en = SUBJECTS.get(kind, (kind, kind))
    # The vacancy's reason is a code; a rejection's free text never goes into an e-mail.
    shown = {**data, "reason_code": data.get("reason")} if kind == "vacancy.not_offered" else data
    fields = tuple((k, str(shown[k])) for k in SHOWN if shown.get(k) is not None)
    deadline = expires_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M") if expires_at else None
    return Line(seq, kind, nl if language == "nl" else en, fields, link_path(kind, data, user_role), deadline)


def digest_subject(language: str, n: int) -> str:
    return DIGEST_SUBJECT[0 if language == "nl" else 1].format(n=n)


def notification_id(recipient: str, generation: int, first_seq: int, last_seq: int) -> str:
    """Fixed by what the notification carries: a repeat after a crash has the same id; a replay
    (a new generation of the recipient's cursor) gets a new one."""
    digest = hashlib.sha256(f"{recipient}|{generation}|{first_seq}|{last_seq}".encode()).hexdigest()
    return "msg_" + digest[:32]


def digest_due(since: datetime, now: datetime, hour: int) -> bool:
    """Whether a digest collecting since ``since`` (its start, or the last digest) is due: once a
    ``hour`` o'clock in Amsterdam has passed since then."""
    local = now.astimezone(AMSTERDAM)
    today_at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    latest_slot = today_at if local >= today_at else today_at - timedelta(days=1)
    return since.astimezone(AMSTERDAM) < latest_slot


def readable_up_to(horizon: int, seqs: list[int], holes: dict[int, float], now_s: float, wait_s: float) -> int:
    """How far the feed can be read without passing over an entry still being committed.

    Feed numbers are handed out when a transaction writes and become visible when it commits, not
    necessarily in order: seq 11 can be visible while 10 is still on its way. ``seqs`` are the visible
    numbers above ``horizon``, ascending; a missing number is waited for up to ``wait_s`` from when it
    was first seen missing (``holes``, kept by the caller), then taken as rolled back.
    """
    for seq in seqs:
        if horizon + 1 < seq:  # numbers horizon+1 .. seq-1 are missing: one hole, timed from its first sight
            first_seen = holes.setdefault(horizon + 1, now_s)
            if now_s - first_seen < wait_s:
                return horizon
        horizon = seq
    for gone in [h for h in holes if h <= horizon]:
        del holes[gone]
    return horizon

"""What the case worker's screens say about a candidate, from the operations' answers (pure): days
waiting, the one line "why still waiting", what would help, and the timeline of what happened."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from contracts.types import PassOverReason
from services.intake.entrypoints.screens import texts
from services.intake.entrypoints.screens.i18n import gettext

#: Reasons that come from the candidate's own needs or choices (the other reasons are about other people).
OWN_RESTRICTIONS = frozenset(texts.HELPS)


def days_waiting(candidate: dict[str, Any], today: date) -> int:
    return (today - date.fromisoformat(candidate["shelter_entry_date"])).days


def why_waiting(candidate: dict[str, Any], open_offer: dict[str, Any] | None,
                passed_over: dict[str, Any] | None) -> str:
    """One line a case worker can read aloud."""
    status = candidate["status"]
    if status != "waiting" or open_offer is not None:
        if open_offer is not None:
            return gettext("Er ligt een aanbod; beantwoord het voor de uiterste datum.")
        return "–"  # housed or withdrawn: not waiting
    if passed_over:
        return texts.say(texts.PASS_OVER, passed_over["latest_reason"])
    if candidate.get("wheelchair"):
        return gettext("Er is in de regio geen woning vrijgekomen met een rolstoeltoegankelijke ingang.")
    return gettext("Er is in de regio nog geen woning vrijgekomen die bij deze kandidaat past.")


@dataclass(frozen=True)
class Help:
    reason: str
    times: int
    text: str


def what_would_help(passed_over: list[dict[str, Any]]) -> list[Help]:
    """The candidate's own restrictions that ruled out the most homes, most first."""
    counts = Counter(p["reason"] for p in passed_over if p["reason"] in OWN_RESTRICTIONS)
    return [Help(reason, n, texts.say(texts.HELPS, PassOverReason(reason))) for reason, n in counts.most_common()]


@dataclass(frozen=True)
class Moment:
    at: datetime
    text: str
    link: str | None = None


def _at(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def timeline(candidate: dict[str, Any], offers: list[dict[str, Any]], passed_over: list[dict[str, Any]]
             ) -> list[Moment]:
    """What happened, newest first."""
    moments = [Moment(_at(candidate["submitted_at"]), gettext("Aangemeld bij housing-match."))]
    for o in offers:
        link = f"/aanbiedingen/{o['offer_id']}"
        moments.append(Moment(_at(o["made_at"]), gettext("Woning %(home)s aangeboden.") % {"home": o["vacancy_id"]},
                              link))
        if o["status"] != "open":
            moments.append(Moment(_at(o["made_at"]), texts.say(texts.OFFER_STATUS, o["status"]) + " (" +
                                  o["vacancy_id"] + ")", link))
    for p in passed_over:
        moments.append(Moment(_at(p["decided_at"]), gettext("Woning %(home)s ging naar iemand anders: ")
                              % {"home": p["vacancy_id"]} + texts.say(texts.PASS_OVER, p["reason"])))
    return sorted(moments, key=lambda m: m.at, reverse=True)

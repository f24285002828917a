"""What the simulation has seen so far: who and what arrived when (for the report and the forecast).

Only what the matcher was told: the submissions and vacancies of past steps with their event times.
The look-ahead forecast reads the recent part of it, as the service could read its own log.
"""
from __future__ import annotations

from bisect import bisect_left
from datetime import datetime

from contracts import events as ev
from services.system.simulation.scenario import Scenario

#: the groups the report tells apart (besides each support level, "support:<level>")
GROUPS = ("youth", "family", "wheelchair", "institution")


class History:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.now: datetime = scenario.start
        self.candidates: dict[str, ev.CandidateSubmitted] = {}
        self.units: dict[str, ev.VacancyPublished] = {}
        #: per region, arrivals in time order: (time, event)
        self.arrivals: dict[str, list[tuple[datetime, ev.Event]]] = {}

    def observe(self, events: list[ev.Event], now: datetime) -> None:
        for e in events:
            if isinstance(e, ev.CandidateSubmitted):
                self.candidates[e.candidate_id] = e
            elif isinstance(e, ev.VacancyPublished):
                self.units[e.unit_id] = e
            else:
                continue
            self.arrivals.setdefault(e.region, []).append((e.occurred_at, e))
        self.now = now

    def recent(self, region: str, since: datetime, until: datetime | None = None) -> list[ev.Event]:
        """The region's arrivals in [since, until) (until: now)."""
        rows = self.arrivals.get(region, [])
        times = [t for t, _ in rows]
        lo, hi = bisect_left(times, since), bisect_left(times, until or self.now)
        return [e for _, e in rows[lo:hi]]

    def groups(self, c: ev.CandidateSubmitted) -> set[str]:
        return groups_of(c, self.scenario.institutions.get(c.shelter, "shelter"))


def groups_of(c: ev.CandidateSubmitted, institution: str) -> set[str]:
    out = {f"support:{c.support}"}
    if c.youth:
        out.add("youth")
    if c.children:
        out.add("family")
    if c.wheelchair:
        out.add("wheelchair")
    # Submitted by youth care or a clinic (the generator knows its institutions), or, in recorded history
    # where the matcher knows no kinds of organisation, a person with a date to leave an institution.
    if institution != "shelter" or c.exit_date is not None:
        out.add("institution")
    return out

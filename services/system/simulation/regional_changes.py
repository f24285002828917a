"""A variant's regional rules (issue 20) as the events the matcher's own handlers take.

* ``support_capacity``: each row ``{"provider"?, "max_new_clients", "used"?}`` becomes a
  ``SupportCapacitySet`` at the start for the scenario's period, for the named provider or, without
  one, every provider of the scenario (see ``profiles.support_provider``);
* ``refusal_rules``: the policy's ``refusals`` group (``max_declines``, ``window_days``, ``park_days``,
  ``valid_categories``) becomes a ``RegionPolicyRegistered`` (version 1, from the first day) for every
  region, so the matcher parks people after declines by its own rule (decisions.park_after_declines).

The events' ids come from their own generator (``variant/<seed>``): the scenario's draws stay as they are.
"""
from __future__ import annotations

import random

from contracts import events as ev
from contracts.simulation import SupportCapacityChange
from services.system.simulation.scenario import Scenario, event_ids


def providers_of(scenario: Scenario) -> list[str]:
    return sorted({e.support_provider_id for _, e in scenario.arrivals
                   if isinstance(e, ev.CandidateSubmitted) and e.support_provider_id})


def regional_events(scenario: Scenario, capacity: list[SupportCapacityChange],
                    refusals: dict | None) -> list[ev.Event]:
    new_id = event_ids(random.Random(f"variant/{scenario.seed}"))
    start = scenario.start
    period, out = str(start.year), []
    known = providers_of(scenario)
    for row in capacity:
        for provider in ([row.provider] if row.provider else known):
            out.append(ev.SupportCapacitySet(event_id=new_id(), occurred_at=start, producer=provider,
                                             provider=provider, period=period,
                                             max_new_clients=row.max_new_clients, used=row.used))
    if refusals:
        for r in scenario.regions:
            central = r.municipalities[0]
            out.append(ev.RegionPolicyRegistered(
                event_id=new_id(), occurred_at=start, producer=central.lower(), region=r.code,
                municipality=central, version=1, effective_from=start.date(), policy={"refusals": refusals}))
    return out

"""The event flow declared in contracts/topics.py is the one the services run (issue 10, item 3)."""
from __future__ import annotations

import pytest

from contracts import events as ev
from contracts import topics
from contracts.vocabulary import Service

#: Made for the partners' own systems (housing.outbound.v1), handled by no service.
FOR_PARTNERS = {ev.PartnerNotified}


def registry(service: Service) -> dict:
    if service is Service.INTAKE:
        from services.intake.service_layer.projections import HANDLERS
    elif service is Service.MATCHER:
        from services.matcher.service_layer.handlers import HANDLERS
    elif service is Service.SIMULATION:
        from services.system.simulation_worker.agents import HANDLERS
    else:
        from services.ledger.service_layer.handlers import HANDLERS
    return HANDLERS


def subscriptions(service: Service) -> set[str]:
    import importlib
    agents = importlib.import_module("services.system.simulation_worker.agents" if service is Service.SIMULATION
                                     else f"services.{service}.entrypoints.agents")
    return set(agents.events_agent.channel.topics)


def test_each_topic_declares_only_its_own_events():
    for t in topics.ALL_TOPICS:
        for side in (t.producers, t.consumers):
            for service, events in side.items():
                assert isinstance(service, Service) and set(events) <= set(t.events), (t.name, service)


@pytest.mark.parametrize("service", list(Service))
def test_a_services_handlers_are_exactly_what_it_is_declared_to_consume(service):
    assert set(registry(service)) == topics.events_consumed_by(service)


@pytest.mark.parametrize("service", list(Service))
def test_a_service_subscribes_to_exactly_the_topics_it_consumes(service):
    assert subscriptions(service) == {t.name for t in topics.consumed_by(service)}


def test_every_event_is_made_somewhere_and_handled_somewhere():
    made = {e for s in Service for e in topics.events_produced_by(s)}
    handled = {e for s in Service for e in topics.events_consumed_by(s)}
    assert set(ev.ALL_EVENTS) == made
    assert set(ev.ALL_EVENTS) - handled == FOR_PARTNERS


@pytest.mark.parametrize("service", list(Service))
def test_a_service_makes_exactly_the_events_it_is_declared_to_make(service):
    """Static: the event classes a service's code constructs (the e2e pipeline test checks its outbox too)."""
    from tests.unit.deploy.support import emitted_events
    assert emitted_events(service) == {e.__name__ for e in topics.events_produced_by(service)}

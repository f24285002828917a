"""Every topic of the product, its key, partition count and event flow: defined here and nowhere else.

Keys keep related state together on one partition: region for everything the
matcher owns (so each matcher worker owns a set of regions), the person
reference for placements (so one ledger worker sees all reports of a person).

Each topic declares which service makes which of its events (``producers``) and which
service handles which (``consumers``). The services subscribe from this declaration
(``consumed_by``), a test holds every handler registry to it, the AsyncAPI document
shows both sides, and docs/event-flow.md is generated from it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contracts import events as ev
from contracts.vocabulary import Service

Events = tuple[type[ev.Event], ...]
INTAKE, MATCHER, LEDGER, SIMULATION = Service.INTAKE, Service.MATCHER, Service.LEDGER, Service.SIMULATION


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str  # the event field whose value is the message key
    partitions: int
    events: Events
    description: str
    producers: Mapping[Service, Events] = field(default_factory=dict)
    consumers: Mapping[Service, Events] = field(default_factory=dict)

    def key_of(self, event: ev.Event) -> bytes:
        return str(getattr(event, self.key)).encode()

    def made_by(self, event: type[ev.Event]) -> list[Service]:
        return [s for s, evs in self.producers.items() if event in evs]

    def handled_by(self, event: type[ev.Event]) -> list[Service]:
        return [s for s, evs in self.consumers.items() if event in evs]


PARTITIONS = 4

CANDIDATES = TopicSpec(
    "housing.candidates.v1", "region", PARTITIONS,
    (ev.CandidateSubmitted, ev.CandidateUpdated, ev.CandidateWithdrawn),
    "Outflow candidates from shelters and institutions (pseudonymised).",
    producers={INTAKE: (ev.CandidateSubmitted, ev.CandidateUpdated, ev.CandidateWithdrawn)},
    consumers={MATCHER: (ev.CandidateSubmitted, ev.CandidateUpdated, ev.CandidateWithdrawn)},
)
VACANCIES = TopicSpec(
    "housing.vacancies.v1", "region", PARTITIONS,
    (ev.VacancyPublished, ev.VacancyWithdrawn),
    "Units published by housing corporations.",
    producers={INTAKE: (ev.VacancyPublished, ev.VacancyWithdrawn)},
    consumers={MATCHER: (ev.VacancyPublished, ev.VacancyWithdrawn)},
)
AGREEMENTS = TopicSpec(
    "housing.agreements.v1", "region", PARTITIONS,
    (ev.AgreementRegistered, ev.NeighbourhoodLimitSet),
    "Prestatieafspraken and neighbourhood-load limits registered by municipalities.",
    producers={INTAKE: (ev.AgreementRegistered, ev.NeighbourhoodLimitSet)},
    consumers={MATCHER: (ev.AgreementRegistered, ev.NeighbourhoodLimitSet),
               LEDGER: (ev.AgreementRegistered, ev.NeighbourhoodLimitSet)},
)
OFFER_RESPONSES = TopicSpec(
    "housing.offer-responses.v1", "region", PARTITIONS,
    (ev.OfferConfirmed, ev.OfferRejected, ev.OfferAccepted, ev.OfferDeclined),
    "Answers to offers: the corporation confirms or rejects, the person accepts or declines.",
    producers={INTAKE: (ev.OfferConfirmed, ev.OfferRejected, ev.OfferAccepted, ev.OfferDeclined)},
    # The intake hears its own rejections and declines back in partition order with the matcher's
    # events, so the offer's other party is told only once the answer is on the topic.
    consumers={MATCHER: (ev.OfferConfirmed, ev.OfferRejected, ev.OfferAccepted, ev.OfferDeclined),
               INTAKE: (ev.OfferRejected, ev.OfferDeclined)},
)
OFFERS = TopicSpec(
    "housing.offers.v1", "region", PARTITIONS,
    (ev.OfferMade, ev.CandidatesPassedOver, ev.VacancyNotOffered, ev.OfferExpired, ev.OfferWithdrawn,
     *(_REVIEW := (ev.OfferProposed, ev.ProposalOverdue, ev.ManualMatchRefused, ev.CandidateParked))),
    "Offers the matcher makes, who was passed over for them and why, units left without an offer and why, "
    "and the offers' expiry or withdrawal; proposals waiting for the transfer point, overdue ones, refused "
    "manual matches and parked candidates.",
    producers={MATCHER: (ev.OfferMade, ev.CandidatesPassedOver, ev.VacancyNotOffered, ev.OfferExpired,
                         ev.OfferWithdrawn, *_REVIEW)},
    consumers={INTAKE: (ev.OfferMade, ev.CandidatesPassedOver, ev.VacancyNotOffered, ev.OfferExpired,
                        ev.OfferWithdrawn, *_REVIEW)},
)
REGIONAL_DECISIONS = TopicSpec(
    "housing.regional-decisions.v1", "region", PARTITIONS,
    (ev.RegionPolicyRegistered, ev.TransferPointDecided),
    "The regions' own policies (versioned, with an effective date) and the transfer points' decisions.",
    producers={INTAKE: (ev.RegionPolicyRegistered, ev.TransferPointDecided)},
    consumers={MATCHER: (ev.RegionPolicyRegistered, ev.TransferPointDecided)},
)
SUPPORT_CAPACITY = TopicSpec(
    "housing.support-capacity.v1", "provider", PARTITIONS,
    (ev.SupportCapacitySet,),
    "Support providers' room for new clients per period, shared by all the regions they work in.",
    producers={INTAKE: (ev.SupportCapacitySet,)},
    consumers={MATCHER: (ev.SupportCapacitySet,)},
)
PLACEMENTS = TopicSpec(
    "housing.placements.v1", "person_ref", PARTITIONS,
    (ev.PlacementConfirmed, ev.PlacementReported, ev.PlacementRetracted, ev.PlacementEnded, ev.PersonErased),
    "Realised placements from the matcher and external sources, with corrections.",
    # PersonErased travels here, keyed by the person like every placement, so the ledger applies it in
    # order with the person's reports; the matcher takes only that event from this topic.
    producers={MATCHER: (ev.PlacementConfirmed,),
               INTAKE: (ev.PlacementReported, ev.PlacementRetracted, ev.PlacementEnded, ev.PersonErased)},
    consumers={LEDGER: (ev.PlacementConfirmed, ev.PlacementReported, ev.PlacementRetracted, ev.PlacementEnded,
                        ev.PersonErased),
               INTAKE: (ev.PlacementConfirmed, ev.PlacementReported, ev.PlacementRetracted),
               MATCHER: (ev.PersonErased,)},
)
PLACEMENT_TOTALS = TopicSpec(
    "housing.placement-totals.v1", "source", PARTITIONS,
    (ev.PlacementTotalsReported,),
    "Totals from sources that report no persons: shown beside the count, never added.",
    producers={INTAKE: (ev.PlacementTotalsReported,)},
    consumers={LEDGER: (ev.PlacementTotalsReported,)},
)

ORGANISATIONS = TopicSpec(
    "housing.organisations.v1", "org_id", PARTITIONS,
    (ev.OrganisationRegistered, ev.ApiTokenIssued, ev.ApiTokenRevoked),
    "Organisations and the hashes of their API tokens, so every HTTP API accepts the same tokens.",
    producers={INTAKE: (ev.OrganisationRegistered, ev.ApiTokenIssued, ev.ApiTokenRevoked)},
    consumers={LEDGER: (ev.OrganisationRegistered, ev.ApiTokenIssued, ev.ApiTokenRevoked)},
)

OUTBOUND = TopicSpec(
    "housing.outbound.v1", "org_id", PARTITIONS,
    (ev.PartnerNotified,),
    "What changed for each partner organisation (offers, expiries, placements, results of its inbound "
    "commands), keyed by organisation id: a partner reads the messages with its own key. Ids only.",
    producers={INTAKE: (ev.PartnerNotified,)},  # read by the partners' own systems, not by a service
)

CLOCK = TopicSpec(
    "housing.clock.v1", "region", PARTITIONS,
    (ev.ClockTicked,),
    "Real time reaching a region whose next offer deadline passed while nothing else happened there: "
    "the matcher's own clock, in the log so a replay expires the same offers at the same point.",
    # Only the matcher keeps time-dependent state per region; the intake judges answers by the request's
    # own time and the ledger by the events' dates, so neither subscribes.
    producers={MATCHER: (ev.ClockTicked,)},
    consumers={MATCHER: (ev.ClockTicked,)},
)

SIMULATION_REQUESTS = TopicSpec(
    "housing.simulation-requests.v1", "job_id", PARTITIONS,
    (ev.SimulationRequested,),
    "Simulation jobs municipalities started over the API (issue 21), for the simulation worker.",
    producers={INTAKE: (ev.SimulationRequested,)},
    consumers={SIMULATION: (ev.SimulationRequested,)},
)
SIMULATION_RESULTS = TopicSpec(
    "housing.simulation-results.v1", "job_id", PARTITIONS,
    (ev.SimulationProgressed, ev.SimulationFinished),
    "A simulation job's progress and its report (or why it failed), for the municipality that started it.",
    producers={SIMULATION: (ev.SimulationProgressed, ev.SimulationFinished)},
    consumers={INTAKE: (ev.SimulationProgressed, ev.SimulationFinished)},
)

ALL_TOPICS: tuple[TopicSpec, ...] = (
    CANDIDATES, VACANCIES, AGREEMENTS, OFFER_RESPONSES, OFFERS, PLACEMENTS, PLACEMENT_TOTALS, ORGANISATIONS,
    OUTBOUND, CLOCK, REGIONAL_DECISIONS, SUPPORT_CAPACITY, SIMULATION_REQUESTS, SIMULATION_RESULTS,
)

#: Partners that stream send signed commands here (contracts.inbound.InboundCommand), keyed by their
#: organisation id. Not an event topic: the intake validates, authorises and turns them into events.
INBOUND = "housing.inbound.v1"
INBOUND_PARTITIONS = PARTITIONS

#: Poison messages land here with their reason and (BSN-masked) original bytes.
DEAD_LETTER = "housing.dead-letter.v1"
DEAD_LETTER_PARTITIONS = PARTITIONS

TOPIC_OF_EVENT: dict[type[ev.Event], TopicSpec] = {cls: t for t in ALL_TOPICS for cls in t.events}


def topic_for(event: ev.Event) -> TopicSpec:
    return TOPIC_OF_EVENT[type(event)]


def consumed_by(service: Service) -> list[TopicSpec]:
    """The topics a service subscribes to: those where it handles at least one event."""
    return [t for t in ALL_TOPICS if t.consumers.get(service)]


def events_consumed_by(service: Service) -> set[type[ev.Event]]:
    return {e for t in ALL_TOPICS for e in t.consumers.get(service, ())}


def events_produced_by(service: Service) -> set[type[ev.Event]]:
    return {e for t in ALL_TOPICS for e in t.producers.get(service, ())}


def all_topic_names() -> list[tuple[str, int]]:
    return [(t.name, t.partitions) for t in ALL_TOPICS] + [(INBOUND, INBOUND_PARTITIONS),
                                                            (DEAD_LETTER, DEAD_LETTER_PARTITIONS)]

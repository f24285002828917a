"""Every topic of the product, its key and partition count: defined here and nowhere else.

Keys keep related state together on one partition: region for everything the
matcher owns (so each matcher worker owns a set of regions), the person
reference for placements (so one ledger worker sees all reports of a person).
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts import events as ev


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str  # the event field whose value is the message key
    partitions: int
    events: tuple[type[ev.Event], ...]
    description: str

    def key_of(self, event: ev.Event) -> bytes:
        return str(getattr(event, self.key)).encode()


PARTITIONS = 4

CANDIDATES = TopicSpec(
    "housing.candidates.v1", "region", PARTITIONS,
    (ev.CandidateSubmitted, ev.CandidateUpdated, ev.CandidateWithdrawn),
    "Outflow candidates from shelters and institutions (pseudonymised).",
)
VACANCIES = TopicSpec(
    "housing.vacancies.v1", "region", PARTITIONS,
    (ev.VacancyPublished, ev.VacancyWithdrawn),
    "Units published by housing corporations.",
)
AGREEMENTS = TopicSpec(
    "housing.agreements.v1", "region", PARTITIONS,
    (ev.AgreementRegistered, ev.NeighbourhoodLimitSet),
    "Prestatieafspraken and neighbourhood-load limits registered by municipalities.",
)
OFFER_RESPONSES = TopicSpec(
    "housing.offer-responses.v1", "region", PARTITIONS,
    (ev.OfferConfirmed, ev.OfferRejected, ev.OfferAccepted, ev.OfferDeclined),
    "Answers to offers: the corporation confirms or rejects, the person accepts or declines.",
)
OFFERS = TopicSpec(
    "housing.offers.v1", "region", PARTITIONS,
    (ev.OfferMade, ev.CandidatesPassedOver, ev.VacancyNotOffered, ev.OfferExpired, ev.OfferWithdrawn),
    "Offers the matcher makes, who was passed over for them and why, units left without an offer and why, "
    "and the offers' expiry or withdrawal.",
)
PLACEMENTS = TopicSpec(
    "housing.placements.v1", "person_ref", PARTITIONS,
    (ev.PlacementConfirmed, ev.PlacementReported, ev.PlacementRetracted, ev.PlacementEnded, ev.PersonErased),
    "Realised placements from the matcher and external sources, with corrections.",
)
PLACEMENT_TOTALS = TopicSpec(
    "housing.placement-totals.v1", "source", PARTITIONS,
    (ev.PlacementTotalsReported,),
    "Totals from sources that report no persons: shown beside the count, never added.",
)

ORGANISATIONS = TopicSpec(
    "housing.organisations.v1", "org_id", PARTITIONS,
    (ev.OrganisationRegistered, ev.ApiTokenIssued, ev.ApiTokenRevoked),
    "Organisations and the hashes of their API tokens, so every HTTP API accepts the same tokens.",
)

OUTBOUND = TopicSpec(
    "housing.outbound.v1", "org_id", PARTITIONS,
    (ev.PartnerNotified,),
    "What changed for each partner organisation (offers, expiries, placements, results of its inbound "
    "commands), keyed by organisation id: a partner reads the messages with its own key. Ids only.",
)

ALL_TOPICS: tuple[TopicSpec, ...] = (
    CANDIDATES, VACANCIES, AGREEMENTS, OFFER_RESPONSES, OFFERS, PLACEMENTS, PLACEMENT_TOTALS, ORGANISATIONS,
    OUTBOUND,
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


def all_topic_names() -> list[tuple[str, int]]:
    return [(t.name, t.partitions) for t in ALL_TOPICS] + [(INBOUND, INBOUND_PARTITIONS),
                                                            (DEAD_LETTER, DEAD_LETTER_PARTITIONS)]

"""Prometheus metrics (prometheus-client), named by Prometheus conventions.

Label sets are bounded: service, event type, region (43) and strategy (5);
never municipality by month or anything per person.
"""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

EVENTS_PROCESSED = Counter("housing_events_processed_total", "Events a service consumed and applied",
                           ["service", "event_type"])
DEAD_LETTERED = Counter("housing_events_dead_lettered_total", "Messages sent to the dead-letter topic",
                        ["service"])
CONSUMER_LAG = Gauge("housing_consumer_lag_messages", "Messages behind the end of the topic", ["service"])
SOLVE_SECONDS = Histogram("housing_matching_solve_seconds", "Wall time of one matching round's solve",
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
OPTIMALITY_GAP = Gauge("housing_matching_optimality_gap_ratio",
                       "(bound - objective) / bound of the last round", ["region"])
ROUNDS = Counter("housing_matching_rounds_total", "Matching rounds run", ["region"])
OFFERS = Counter("housing_offers_total", "Offer lifecycle events", ["outcome"])
LAST_ROUND = Gauge("housing_matching_last_round_timestamp_seconds", "Unix time of the last matching round")
REALISED = Gauge("housing_realised_places", "De-duplicated realised extra places", ["region", "strategy"])
REALISED_TOTAL = Gauge("housing_realised_places_national", "De-duplicated realised extra places, nationally")
OCCUPIED = Gauge("housing_occupied_places", "Realised places whose tenancy has not ended")
TARGET = Gauge("housing_national_target_places", "National target of extra places")


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST

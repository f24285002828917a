"""Prometheus metrics (prometheus-client), named by Prometheus conventions.

Names carry their unit (``_seconds``, ``_ratio``, ``_messages``, ``_places``, ``_persons``,
``_consumers``, ``_webhooks``, ``_notifications``); counters end in ``_total``. Label sets are bounded:
service, consumer (one or two per service), event type, topic, outcome, region (43), strategy (5),
source kind (6), caller role (7) and notification channel (email, webhook); never municipality,
month, organisation, webhook or anything per person.

The ledger's figures leave the ledger here too, so they pass the same disclosure control as
its reports: a region x strategy series below 5 places (or one that would reveal such a cell)
is not exported at all, and ``housing_national_realised_places`` carries the exact total.
"""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

# --- pipeline health (every service) ---------------------------------------------------
EVENTS_PROCESSED = Counter("housing_events_processed_total", "Events a service consumed and applied",
                           ["service", "event_type"])
DEAD_LETTERED = Counter("housing_events_dead_lettered_total", "Messages sent to the dead-letter topic",
                        ["service"])
CONSUMER_STOPPED = Gauge("housing_stopped_consumers",
                         "1 while a consumer waits at a message it could neither apply nor dead-letter, or for "
                         "its database (it never skips one); 0 when it goes on", ["service", "consumer"])
CONSUMER_LAG = Gauge("housing_consumer_lag_messages",
                     "Messages between the consumer's position and the end offset, summed over its partitions",
                     ["service", "topic"])
#: role is one of the intake's roles or "anonymous" (no valid token: limited per client address).
RATE_LIMITED = Counter("housing_http_requests_rate_limited",
                       "HTTP requests refused with 429 because the caller exceeded its rate limit (per worker)",
                       ["service", "role"])

# --- matcher ---------------------------------------------------------------------------
SOLVE_SECONDS = Histogram("housing_matching_solve_seconds", "Wall time of one matching round's solve",
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
OPTIMALITY_GAP = Gauge("housing_matching_optimality_gap_ratio",
                       "(bound - objective) / bound of the region's last round (0 = proven optimal)", ["region"])
ROUNDS = Counter("housing_matching_rounds_total", "Matching rounds run", ["region"])
OFFERS = Counter("housing_offers_total", "Offer lifecycle events", ["outcome"])
LAST_ROUND = Gauge("housing_matching_last_round_timestamp_seconds", "Unix time of the last matching round")

# --- ledger: realised places (after disclosure control) -----------------------------------
REALISED = Gauge("housing_realised_places", "De-duplicated realised extra places by region and strategy "
                 "(series under 5 places, or revealing one, are not exported)", ["region", "strategy"])
REALISED_TOTAL = Gauge("housing_national_realised_places", "De-duplicated realised extra places, nationally")
OCCUPIED = Gauge("housing_occupied_places", "Realised places whose tenancy has not ended, nationally")
UNIQUE_PERSONS = Gauge("housing_realised_unique_persons", "Distinct persons with a realised place, nationally")
REVIEW = Gauge("housing_review_flagged_places", "Places of a person reported in another unit within the "
               "review window: not counted until resolved")
UNVERIFIED = Gauge("housing_unverified_reported_places", "Places reported as totals without persons (latest "
                   "figure per source, period and region): never added to the count", ["source_kind"])
SOURCE_PLACES = Gauge("housing_source_kind_realised_places", "Realised places a kind of source reported "
                      "(sources overlap: these do not add up)", ["source_kind"])
TARGET = Gauge("housing_national_target_places", "National target of extra places")
LEDGER_ENTRIES = Counter("housing_ledger_entries_total", "Entries appended to the ledger's journal", ["kind"])

# --- simulation worker (issue 21): outcome is done, refused (the request cannot run) or failed (internal error) -
SIMULATION_JOBS_STARTED = Counter("housing_simulation_jobs_started", "Simulation jobs a worker began to run")
SIMULATION_JOBS_FINISHED = Counter("housing_simulation_jobs_finished", "Simulation jobs that ended, by outcome",
                                   ["outcome"])
SIMULATION_JOB_SECONDS = Histogram("housing_simulation_job_seconds", "Wall time of one simulation job, by outcome",
                                   ["outcome"], buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 2400, 3600))
# Set by the intake, which knows the jobs no worker has begun (the worker's consumer lag does not: faust fetches
# the queued requests into its buffer, so they read as consumed while they wait behind a long job).
SIMULATION_OLDEST_QUEUED = Gauge("housing_simulation_oldest_queued_seconds",
                                 "Age of the oldest simulation job no worker has begun (0: none waiting)")

def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST


async def update_consumer_lag(app, service: str) -> None:
    """Lag of one faust app's consumer: end offsets minus the consumer's positions, per topic.

    The end is the high watermark of the latest fetch answer (``highwater``), not a ListOffsets
    request: tansu's object-store engine answers those with wrong end offsets.

    Topics this worker no longer holds (after a rebalance) are set to 0, so summing the gauge over
    a service's workers counts every partition once.
    """
    consumer = app.consumer
    tps = list(consumer.assignment())
    lag: dict[str, int] = {}
    if tps:
        for tp in tps:
            position = await consumer.position(tp)
            end = consumer.highwater(tp)
            if end is None or position is None:
                continue
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, end - position)
    for topic in _lag_topics.get(service, set()) - set(lag):
        CONSUMER_LAG.labels(service=service, topic=topic).set(0)
    for topic, n in lag.items():
        CONSUMER_LAG.labels(service=service, topic=topic).set(n)
    _lag_topics.setdefault(service, set()).update(lag)


_lag_topics: dict[str, set[str]] = {}

# --- intake notifications (issue 18): channel is email or webhook; never an organisation or endpoint ------
NOTIFICATIONS_SENT = Counter("housing_notifications_sent", "Notifications a receiver took", ["channel"])
NOTIFICATIONS_FAILED = Counter("housing_notifications_failed", "Delivery attempts that failed", ["channel"])
NOTIFICATIONS_RETRIED = Counter("housing_notifications_retried",
                                "Failed deliveries tried again after a back-off", ["channel"])
WEBHOOKS_DISABLED = Counter("housing_webhooks_disabled", "Webhooks disabled after repeated failed deliveries")
WEBHOOKS_FAILING = Gauge("housing_failing_webhooks", "Active webhooks whose last delivery failed")
NOTIFICATIONS_PENDING = Gauge("housing_pending_notifications", "Notifications waiting to be sent", ["channel"])

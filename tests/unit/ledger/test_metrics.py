"""Metric names follow Prometheus conventions and label sets stay bounded."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from services.kernel import metrics

UNITS = ("_seconds", "_ratio", "_messages", "_places", "_persons", "_consumers", "_webhooks", "_notifications")
BOUNDED_LABELS = {"service", "consumer", "event_type", "topic", "outcome", "region", "strategy", "source_kind", "kind", "role",
                  "channel"}


def test_names_units_and_labels():
    found = [v for v in vars(metrics).values() if isinstance(v, (Counter, Gauge, Histogram))]
    assert len(found) >= 15
    for m in found:
        name = m._name
        assert name.startswith("housing_")
        if isinstance(m, Counter):
            assert not name.endswith("_total")  # prometheus-client appends _total to counters itself
        else:
            assert name.endswith(UNITS), name
        assert set(m._labelnames) <= BOUNDED_LABELS, (name, m._labelnames)
    text = metrics.exposition()[0].decode()
    assert "housing_events_processed_total" in text and "housing_matching_solve_seconds_bucket" in text

"""The event contracts: immutable, versioned, strict, and their committed schemas up to date."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from contracts import events as ev
from contracts import generate
from contracts.topics import ALL_TOPICS, TOPIC_OF_EVENT, all_topic_names

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def submitted(**over) -> ev.CandidateSubmitted:
    fields = dict(occurred_at=AT, producer="shelter-1", candidate_id="c1", person_ref="a" * 64, shelter="shelter-1",
                  region="R01", household_size=2, children=1, shelter_entry_date=date(2025, 12, 1))
    return ev.CandidateSubmitted(**{**fields, **over})


def test_event_round_trips_through_bytes():
    e = submitted()
    assert ev.parse_event(ev.encode_event(e)) == e


def test_events_are_immutable():
    with pytest.raises(ValidationError):
        submitted().region = "R02"


def test_unknown_fields_and_bad_codes_are_rejected_with_field_paths():
    raw = ev.encode_event(submitted()).replace(b'"region":"R01"', b'"region":"X1","extra":1')
    with pytest.raises(ValidationError) as err:
        ev.parse_event(raw)
    locs = {e["loc"][-1] for e in err.value.errors()}
    assert {"region", "extra"} <= locs


def test_naive_timestamps_are_rejected():
    with pytest.raises(ValidationError):
        submitted(occurred_at=datetime(2026, 3, 1, 12, 0))


def test_follow_up_event_carries_correlation_and_causation():
    first = submitted()
    nxt = first.caused(ev.CandidateWithdrawn, producer="shelter-1", candidate_id="c1", region="R01", reason="x")
    assert nxt.causation_id == first.event_id and nxt.correlation_id == first.event_id
    third = nxt.caused(ev.CandidateWithdrawn, producer="s", candidate_id="c1", region="R01", reason="y")
    assert third.correlation_id == first.event_id and third.causation_id == nxt.event_id
    assert third.occurred_at == first.occurred_at  # follow-ups keep event time, not the wall clock


def test_every_event_has_exactly_one_topic_and_its_key_field():
    for cls in ev.ALL_EVENTS:
        spec = TOPIC_OF_EVENT[cls]
        assert spec.key in cls.model_fields, (cls.__name__, spec.key)
    names = [n for n, _ in all_topic_names()]
    assert len(names) == len(set(names))
    assert all(t.partitions >= 4 for t in ALL_TOPICS)


def test_event_ids_are_unique_per_event():
    assert submitted().event_id != submitted().event_id
    assert isinstance(submitted().event_id, uuid.UUID)


def test_committed_schemas_and_asyncapi_are_current():
    stale = [str(p.relative_to(generate.HERE.parent)) for p, text in generate.expected_files().items()
             if not p.exists() or p.read_text() != text]
    committed = set(generate.SCHEMA_DIR.glob("*.json"))
    extra = committed - set(generate.expected_files())
    assert not stale and not extra, f"run `python -m contracts.generate`: stale {stale}, extra {extra}"

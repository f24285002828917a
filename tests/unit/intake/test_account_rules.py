"""The pure rules of personal accounts (issue 15): role fit and narrowing, throttling, session timeouts."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.vocabulary import Role, UserRole
from services.intake.domain import accounts as rules
from services.intake.service_layer.operations import OPERATIONS

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_every_person_role_has_a_home_and_a_scope_and_every_tag_a_role():
    assert set(rules.ROLE_HOME) == set(UserRole) == set(rules.ROLE_TAGS)
    assert rules.role_fits("case_worker", "shelter") and not rules.role_fits("case_worker", "corporation")
    assert all(rules.role_fits("org_admin", r) for r in Role)
    assert rules.role_fits("system_admin", "admin") and not rules.role_fits("system_admin", "shelter")
    assert not rules.role_fits("nobody", "shelter") and not rules.may_use("nobody", "candidates")
    tags = {op.tag for op in OPERATIONS}
    assert set().union(*rules.ROLE_TAGS.values()) <= tags  # no scope names an operation tag that does not exist
    assert {t for t in tags if any(t in s for s in rules.ROLE_TAGS.values())} == tags  # every tag has a person


def test_administrators_and_analysts_read_no_clients_data():
    personal = {op.tag for op in OPERATIONS if op.personal}
    for role in (UserRole.ORG_ADMIN, UserRole.SYSTEM_ADMIN, UserRole.ANALYST):
        assert not personal & rules.ROLE_TAGS[role], role


def test_only_a_system_administrator_manages_system_administrators():
    assert rules.may_manage(None, "system_admin") and rules.may_manage("system_admin", "system_admin")
    assert not rules.may_manage("org_admin", "system_admin") and rules.may_manage("org_admin", "case_worker")


def test_failures_lock_after_the_free_attempts_doubling_up_to_an_hour():
    assert rules.locked_until(rules.FREE_ATTEMPTS - 1, T0) is None
    assert rules.locked_until(rules.FREE_ATTEMPTS, T0) == T0 + rules.FIRST_LOCK
    assert rules.locked_until(rules.FREE_ATTEMPTS + 2, T0) == T0 + 4 * rules.FIRST_LOCK
    assert rules.locked_until(rules.FREE_ATTEMPTS + 40, T0) == T0 + rules.MAX_LOCK


def test_a_session_ends_after_15_idle_minutes_or_12_hours():
    assert rules.session_alive(T0, T0 + timedelta(minutes=14), T0 + timedelta(minutes=28))
    assert not rules.session_alive(T0, T0, T0 + timedelta(minutes=15))
    busy = T0 + timedelta(hours=12)
    assert not rules.session_alive(T0, busy - timedelta(minutes=1), busy)
    assert rules.session_alive(T0, T0, T0 + timedelta(minutes=9), pending=True)
    assert not rules.session_alive(T0, T0, T0 + timedelta(minutes=10), pending=True)

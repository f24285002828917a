"""Words every part of the product shares: the services, as one enum instead of bare strings."""
from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    """The three services: they talk only through the topics of contracts/topics.py."""

    INTAKE = "intake"
    MATCHER = "matcher"
    LEDGER = "ledger"

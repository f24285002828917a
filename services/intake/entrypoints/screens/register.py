"""Registers every screen on the intake's web app (one import in views.py)."""
from services.intake.entrypoints.screens import figures, shell  # noqa: F401
from services.intake.entrypoints.screens.case_worker import (  # noqa: F401
    candidate_forms, candidates, notifications, offers,
)

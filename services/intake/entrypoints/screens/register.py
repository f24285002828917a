"""Registers every screen on the intake's web app (one import in views.py)."""
from services.intake.entrypoints.screens import figures, notification_settings, shell  # noqa: F401
from services.intake.entrypoints.screens.case_worker import (  # noqa: F401
    candidate_forms, candidates, notifications, offers,
)
from services.intake.entrypoints.screens.partners import (  # noqa: F401  (issue 17)
    admin, corporation_offers, homes, homes_upload, municipality, region_policy, simulations, transfer_actions,
    transfer_point, transfer_review, webhooks,
)

"""What the matcher's handlers share: the producer name and which submissions are still matched."""
from __future__ import annotations

from contracts.vocabulary import STILL_MATCHABLE

PRODUCER = "matcher"
#: Submissions the matcher still works with (the intake means the same by its ACTIVE).
MATCHABLE = STILL_MATCHABLE

"""What a poison message becomes on the dead-letter topic."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import AwareDatetime


class DeadLetter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str = Field(description="Service that rejected the message")
    reason: str = Field(description="Why: field paths and rules, never the submitted values")
    topic: str
    partition: int
    offset: int
    key_b64: str | None = None
    value_b64: str = Field(description="Original bytes, base64, with anything that looks like a BSN masked")
    headers: dict[str, str] = Field(default_factory=dict,
                                    description="Original headers (name -> base64 value, BSN-masked), so a "
                                                "signed inbound command can be replayed")
    rejected_at: AwareDatetime

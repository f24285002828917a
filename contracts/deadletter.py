"""What a poison message becomes on the dead-letter topic."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import AwareDatetime


class DeadLetter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str = Field(description="Service that rejected the message")
    reason: str = Field(description="Why: field paths and rules, never the submitted values")
    topic: str
    partition: int
    offset: int
    payload: Literal["inline", "reference"] = Field(
        default="inline",
        description="inline: the original key, value and headers are in this letter; reference: the message "
                    "was too large to copy, so the letter keeps only where it is (topic, partition, offset) "
                    "and its digest, and a replay reads it from there")
    value_bytes: int | None = Field(default=None, description="Size of the original value in bytes")
    value_sha256: str | None = Field(
        default=None, description="SHA-256 (hex) of the original value with BSN-like numbers masked: a replay "
                                  "of a referenced letter checks the message it finds against it")
    event_id: str | None = Field(default=None, description="The event's or command's id, where the value had one")
    key_b64: str | None = None
    value_b64: str | None = Field(default=None,
                                  description="Original bytes, base64, with anything that looks like a BSN "
                                              "masked (inline letters only)")
    headers: dict[str, str] = Field(default_factory=dict,
                                    description="Original headers (name -> base64 value, BSN-masked), so a "
                                                "signed inbound command can be replayed (inline letters only)")
    rejected_at: AwareDatetime

"""The one problem schema (RFC 9457) every service answers errors with, and documents."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class InvalidParam(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Path of the field, header or parameter")
    reason: str = Field(description="The rule it broke; never the submitted value")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    invalid_params: list[InvalidParam] | None = None

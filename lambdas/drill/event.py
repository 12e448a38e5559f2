"""The input EventBridge Scheduler sends (terraform/modules/dr/drill.tf): exactly this shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class DrillInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["non-destructive"]  # the scheduled drill never fails over; no other mode is accepted
    rto_minutes: float = Field(gt=0)
    rpo_minutes: float = Field(gt=0)


def explain(exc: ValidationError) -> str:
    """One line naming every bad field."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'event'}: {err['msg']}" for err in exc.errors()
    )

"""The caller's hourly query allowance, as `rateLimit` shows it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.rules.allowance import Standing


@strawberry.type
class RateLimit:
    limit: int = strawberry.field(description="cost points per hour")
    remaining: int = strawberry.field(description="points left in the current hour")
    cost: int = strawberry.field(description="the points this very request was charged")
    reset_at: datetime = strawberry.field(description="when the allowance renews in full")

    @classmethod
    def of(cls, standing: Standing, charged: int) -> RateLimit:
        return cls(
            limit=standing.limit,
            remaining=standing.remaining,
            cost=charged,
            reset_at=standing.resets_at,
        )

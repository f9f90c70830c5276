"""A user's choice of e-mail reminders."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.services.reminder_preferences import ReminderChoice
from schema.types.enums import ReminderKind


@strawberry.type
class ReminderPreference:
    kind: ReminderKind
    enabled: bool = strawberry.field(description="false when the user switched this kind off")
    changed_at: datetime | None = strawberry.field(
        description="when the user last chose; null when never (reminders are on by default)"
    )

    @classmethod
    def from_choice(cls, choice: ReminderChoice) -> ReminderPreference:
        return cls(kind=choice.kind, enabled=choice.enabled, changed_at=choice.changed_at)

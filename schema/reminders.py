"""E-mail reminders: the viewer switches each kind off or on."""

from __future__ import annotations

import strawberry

from models import enums
from resolvers import reminders
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite
from schema.types.enums import ReminderKind
from schema.types.reminders import ReminderPreference


@strawberry.input
class ReminderPreferenceInput:
    kind: ReminderKind
    enabled: bool


@strawberry.input
class SetReminderPreferencesInput:
    preferences: list[ReminderPreferenceInput] = strawberry.field(
        description="the kinds to set; kinds not named stay as they are"
    )


@strawberry.type
class ReminderPreferencesPayload:
    preferences: list[ReminderPreference] | None = strawberry.field(
        default=None, description="every kind's choice in force after the change"
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReminderMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="switch e-mail reminders off or on, kind by kind; each change is kept "
        "as a consent with its time",
    )
    async def set_reminder_preferences(
        self, info: strawberry.Info[Context], input: SetReminderPreferencesInput
    ) -> ReminderPreferencesPayload:
        wanted = [(enums.ReminderKind(p.kind), p.enabled) for p in input.preferences]
        choices = await reminders.set_preferences(info.context, wanted)
        return ReminderPreferencesPayload(
            preferences=[ReminderPreference.from_choice(c) for c in choices]
        )

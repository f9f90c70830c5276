"""The viewer's choice of e-mail reminders."""

from __future__ import annotations

from models.enums import ReminderKind
from models.services import reminder_preferences
from models.services.reminder_preferences import ReminderChoice
from resolvers.context import Context


async def preferences(ctx: Context, user_id: int) -> list[ReminderChoice]:
    """A user's choices: the viewer's own, or anyone's for staff (no one else reaches
    another user's object)."""
    return await ctx.loaders.reminder_choices_by_user.load(user_id)


async def set_preferences(
    ctx: Context, wanted: list[tuple[ReminderKind, bool]]
) -> list[ReminderChoice]:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    choices = await reminder_preferences.set_choices(
        viewer, wanted, clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return choices

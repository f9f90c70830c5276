"""A user's choice of e-mail reminders, kept as consents with their time.

Every change is a new consent row (granted or withdrawn) of the reminder's kind, so the
history stays as RODO asks; the newest row of a kind is the choice in force, and a
kind never chosen is on. Choosing what is already in force writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ReminderKind
from models.errors import ReminderChoiceRepeated
from models.orm import Consent, User
from models.services import audit

# The version of the words on /dane the choice was made against.
TEXT_VERSION = "przypomnienia-2026-12"


@dataclass(frozen=True)
class ReminderChoice:
    kind: ReminderKind
    enabled: bool
    changed_at: datetime | None
    """When the user last chose; None: never (the default, on)."""


async def choices_of(user_ids: Sequence[int]) -> dict[int, list[ReminderChoice]]:
    """Every reminder kind's choice in force for each user, in ReminderKind's order."""
    newest: dict[tuple[int, str], tuple[bool, datetime]] = {}
    if user_ids:
        rows = (
            await Consent.filter(
                user_id__in=list(user_ids), kind__in=[k.consent for k in ReminderKind]
            )
            .order_by("given_at", "id")
            .values_list("user_id", "kind", "granted", "given_at")
        )
        for user_id, kind, granted, given_at in rows:
            newest[(user_id, str(kind))] = (bool(granted), given_at)
    result: dict[int, list[ReminderChoice]] = {}
    for user_id in user_ids:
        choices = []
        for kind in ReminderKind:
            found = newest.get((user_id, str(kind.consent)))
            choices.append(
                ReminderChoice(kind, True, None)
                if found is None
                else ReminderChoice(kind, found[0], found[1])
            )
        result[user_id] = choices
    return result


async def set_choices(
    user: User,
    wanted: Sequence[tuple[ReminderKind, bool]],
    *,
    clock: Clock,
    client_address: str | None,
) -> list[ReminderChoice]:
    """Record the kinds whose choice changes; the others stay as they are."""
    kinds = [kind for kind, _ in wanted]
    if len(set(kinds)) != len(kinds):
        raise ReminderChoiceRepeated("preferences")
    now = clock.now()
    async with in_transaction():
        # The user's row locked: two changes at once are recorded one after the other.
        await User.select_for_update().get(id=user.id)
        current = {c.kind: c.enabled for c in (await choices_of([user.id]))[user.id]}
        changed = {kind: enabled for kind, enabled in wanted if current[kind] != enabled}
        for kind, enabled in changed.items():
            await Consent.create(
                kind=kind.consent,
                text_version=TEXT_VERSION,
                given_at=now,
                user_id=user.id,
                granted=enabled,
            )
        if changed:
            await audit.record(
                "REMINDERS_CHANGED",
                at=now,
                actor=user,
                object_type="User",
                object_id=user.login,
                client_address=client_address,
                details={str(kind): enabled for kind, enabled in changed.items()},
            )
    return (await choices_of([user.id]))[user.id]

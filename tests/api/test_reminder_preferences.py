"""Reminder choices through the API: listed on `me`, switched kind by kind, kept as history."""

from __future__ import annotations

import pytest

from models.enums import Scope
from models.orm import AuditEntry, Consent, User
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

MINE = "{ me { reminderPreferences { kind enabled changedAt } } }"
SET = """mutation($prefs: [ReminderPreferenceInput!]!) {
  setReminderPreferences(input: {preferences: $prefs}) {
    preferences { kind enabled changedAt } errors { field code message } } }"""


async def test_every_kind_is_on_until_switched_off(api: Api) -> None:
    data = await api.data(MINE, as_user="jan.kowalski")
    assert data["me"]["reminderPreferences"] == [
        {"kind": kind, "enabled": True, "changedAt": None}
        for kind in (
            "READING_WINDOW_OPENS",
            "READING_WINDOW_CLOSING",
            "INVOICE_DUE_SOON",
            "INVOICE_OVERDUE",
        )
    ]


async def test_switching_a_kind_off_records_a_consent_with_its_time(api: Api) -> None:
    prefs = [{"kind": "INVOICE_OVERDUE", "enabled": False}]
    payload = (await api.data(SET, {"prefs": prefs}, as_user="jan.kowalski"))[
        "setReminderPreferences"
    ]
    assert payload["errors"] == []
    by_kind = {p["kind"]: p for p in payload["preferences"]}
    assert by_kind["INVOICE_OVERDUE"]["enabled"] is False
    assert by_kind["INVOICE_OVERDUE"]["changedAt"].startswith("2026-11-21T09:00:00")
    assert by_kind["INVOICE_DUE_SOON"] == {
        "kind": "INVOICE_DUE_SOON",
        "enabled": True,
        "changedAt": None,
    }
    jan = await User.get(login="jan.kowalski")
    [row] = await Consent.filter(user=jan, kind="REMINDER_INVOICE_OVERDUE")
    assert row.granted is False and row.text_version
    assert (
        await AuditEntry.filter(action="REMINDERS_CHANGED", object_id="jan.kowalski").count() == 1
    )
    # The same choice again writes nothing; someone else's choices are their own.
    await api.data(SET, {"prefs": prefs}, as_user="jan.kowalski")
    assert await Consent.filter(user=jan, kind="REMINDER_INVOICE_OVERDUE").count() == 1
    other = await api.data(MINE, as_user="wspolnota.lipowa")
    assert all(p["enabled"] for p in other["me"]["reminderPreferences"])


async def test_a_kind_named_twice_is_refused_and_nothing_is_stored(api: Api) -> None:
    prefs = [
        {"kind": "INVOICE_OVERDUE", "enabled": False},
        {"kind": "INVOICE_OVERDUE", "enabled": True},
    ]
    payload = (await api.data(SET, {"prefs": prefs}, as_user="jan.kowalski"))[
        "setReminderPreferences"
    ]
    assert payload["preferences"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("preferences", "INVALID")]
    assert not await Consent.filter(kind__startswith="REMINDER").exists()


async def test_a_read_only_token_and_an_anonymous_caller_change_nothing(api: Api) -> None:
    prefs = [{"kind": "INVOICE_OVERDUE", "enabled": False}]
    read_only = await api.run(
        SET, {"prefs": prefs}, as_user="jan.kowalski", scopes=frozenset({Scope.READ})
    )
    assert read_only.codes == ["FORBIDDEN"]
    anonymous = await api.run(SET, {"prefs": prefs})
    assert anonymous.codes == ["UNAUTHENTICATED"]
    assert not await Consent.filter(kind__startswith="REMINDER").exists()

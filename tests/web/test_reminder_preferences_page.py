"""Switching e-mail reminders off and on from /dane, without JavaScript: a plain form of
labelled checkboxes, posted with its CSRF token, the choice shown back."""

from __future__ import annotations

import re

import httpx
import pytest

from models.orm import Consent, User

pytestmark = pytest.mark.usefixtures("demo")

KINDS = ("READING_WINDOW_OPENS", "READING_WINDOW_CLOSING", "INVOICE_DUE_SOON", "INVOICE_OVERDUE")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _checked(html: str) -> set[str]:
    boxes = re.findall(r'<input class="checkboxes__input"[^>]*name="reminders"[^>]*>', html)
    assert len(boxes) == len(KINDS)
    return {re.search(r'value="([A-Z_]+)"', b)[1] for b in boxes if " checked" in b}  # type: ignore[index]


async def test_every_reminder_is_on_and_labelled_at_first(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/dane")
    assert page.status_code == 200
    html = page.text
    assert '<h2 id="przypomnienia">Przypomnienia e-mail</h2>' in html
    assert 'action="/dane/przypomnienia"' in html and 'name="csrf_token"' in html
    assert _checked(html) == set(KINDS)
    # Each box has its own label, and the group a legend naming where the mail goes.
    for box_id in ("reminders", "reminders-2", "reminders-3", "reminders-4"):
        assert f'id="{box_id}"' in html and f'for="{box_id}"' in html
    assert "Wysyłaj mi przypomnienia na adres" in html
    assert "Przekroczony termin płatności" in html and "Zbliżający się termin płatności" in html


async def test_unticking_boxes_switches_those_kinds_off_and_ticking_back_on(
    signed_in: httpx.AsyncClient,
) -> None:
    token = _csrf((await signed_in.get("/dane")).text)
    data = {"csrf_token": token, "reminders": ["READING_WINDOW_OPENS", "INVOICE_DUE_SOON"]}
    posted = await signed_in.post("/dane/przypomnienia", data=data)
    assert posted.status_code == 303
    assert posted.headers["location"] == "/dane?zmieniono=przypomnienia#przypomnienia"
    page = await signed_in.get(posted.headers["location"])
    assert "Zapisaliśmy Twój wybór przypomnień e-mail." in page.text
    assert _checked(page.text) == {"READING_WINDOW_OPENS", "INVOICE_DUE_SOON"}
    assert "Ostatnia zmiana: 21.11.2026, 10:00" in page.text
    jan = await User.get(login="jan.kowalski")
    rows = await Consent.filter(user=jan, kind__startswith="REMINDER").order_by("id")
    assert sorted((r.kind, r.granted) for r in rows) == [
        ("REMINDER_INVOICE_OVERDUE", False),
        ("REMINDER_READING_WINDOW_CLOSING", False),
    ]
    # Every box unticked, then all ticked again: each change is a new row.
    await signed_in.post("/dane/przypomnienia", data={"csrf_token": token})
    assert _checked((await signed_in.get("/dane")).text) == set()
    await signed_in.post("/dane/przypomnienia", data={"csrf_token": token, "reminders": KINDS})
    assert _checked((await signed_in.get("/dane")).text) == set(KINDS)
    assert await Consent.filter(user=jan, kind__startswith="REMINDER").count() == 2 + 2 + 4


async def test_a_post_without_its_token_changes_nothing(signed_in: httpx.AsyncClient) -> None:
    refused = await signed_in.post("/dane/przypomnienia", data={"reminders": []})
    assert refused.status_code == 403
    assert not await Consent.filter(kind__startswith="REMINDER").exists()


async def test_an_unknown_value_is_ignored_not_a_server_error(
    signed_in: httpx.AsyncClient,
) -> None:
    token = _csrf((await signed_in.get("/dane")).text)
    data = {"csrf_token": token, "reminders": ["<script>", "INVOICE_OVERDUE"]}
    posted = await signed_in.post("/dane/przypomnienia", data=data)
    assert posted.status_code == 303
    assert _checked((await signed_in.get("/dane")).text) == {"INVOICE_OVERDUE"}

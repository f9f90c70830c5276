"""Repeat views of account pages answer 304 from an ETag, never stale after a write."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from models.clock import Clock
from models.orm import Account, Session, User
from models.reads.identity import session_with_user
from models.reads.versions import data_version
from models.services.figures import check_figures
from tests.support import StatementCounter

pytestmark = pytest.mark.usefixtures("demo")

PAGES = ["/konto", "/faktury", "/odczyty", "/platnosci", "/saldo"]


@pytest.mark.parametrize("path", PAGES)
async def test_a_repeat_view_is_answered_304_without_running_the_page(
    signed_in: httpx.AsyncClient, sql_statements: StatementCounter, path: str
) -> None:
    first = await signed_in.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    sql_statements.statements.clear()
    again = await signed_in.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    # The session lookup, which reads the data version with it: nothing of the page.
    assert len(sql_statements.statements) == 1, sql_statements.statements


async def test_a_write_changes_the_etag_and_the_page(signed_in: httpx.AsyncClient) -> None:
    first = await signed_in.get("/konto")
    # The balance goes wrong, and the service that repairs stored figures puts it right.
    await Account.filter(number="100001").update(balance="0.00")
    await check_figures(repair=True)
    after = await signed_in.get("/konto", headers={"if-none-match": first.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != first.headers["etag"]


async def test_time_passing_or_other_display_settings_are_another_page(
    signed_in: httpx.AsyncClient, clock: Clock
) -> None:
    first = await signed_in.get("/konto")
    etag = first.headers["etag"]
    contrast = await signed_in.get("/ustawienia/kontrast/high", headers={"referer": "/konto"})
    assert contrast.status_code in (303, 204)
    assert (await signed_in.get("/konto", headers={"if-none-match": etag})).status_code == 200
    second = await signed_in.get("/konto")
    # Due dates pass and windows open with time: the answer is good for its minute.
    clock.set(clock.now() + timedelta(minutes=2))
    later = await signed_in.get("/konto", headers={"if-none-match": second.headers["etag"]})
    assert later.status_code == 200


async def test_signing_out_clears_what_the_browser_kept(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/konto")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    out = await signed_in.post("/logout", data={"csrf_token": token[1]})
    assert out.headers["clear-site-data"] == '"cache"'


async def test_the_version_read_with_the_session_is_the_viewers_data_version(
    signed_in: httpx.AsyncClient,
) -> None:
    """Read in the session's statement or on its own, the version is one string, and
    it moves with a write to one of the viewer's accounts."""
    session = await Session.all().order_by("-id").first()
    assert session is not None
    found = await session_with_user(session.key_hash, with_version=True)
    assert found is not None
    user = await User.get(id=session.user_id)
    assert found[1] == await data_version(user.id)
    account = await Account.get(number="100001")
    await Account.filter(id=account.id).update(version=account.version + 1)
    moved = await session_with_user(session.key_hash, with_version=True)
    assert moved is not None and moved[1] != found[1]
    assert moved[1] == await data_version(user.id)
    assert (await session_with_user(session.key_hash))[1] is None  # type: ignore[index]

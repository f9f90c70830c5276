"""Registration, staff verification and the back office: who may, then the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from models.errors import Forbidden, NotFound
from models.orm import AuditEntry, Registration, User
from models.reads import accounts as account_reads
from models.rows import AccountRow
from models.services import audit, backoffice
from models.services import registration as registrations
from resolvers.context import Context
from resolvers.ids import pk_of

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    start: int
    total: int


async def register(ctx: Context, request: registrations.RegisterRequest) -> Registration:
    registration = await registrations.register(request, ctx.clock, ctx.client_address)
    await registration.fetch_related("account")
    return registration


async def request_account_link(
    ctx: Context, account_number: str, invoice_number: str
) -> Registration:
    viewer = ctx.viewer
    assert viewer is not None  # CanWrite: a signed-in user
    if ctx.is_staff:
        raise Forbidden()  # staff see every account already; they link none to themselves
    registration = await registrations.request_account_link(
        viewer, account_number, invoice_number, ctx.clock, ctx.client_address
    )
    await registration.fetch_related("account")
    return registration


async def pending_registrations(ctx: Context) -> list[Registration]:
    return await registrations.pending()


async def pending_count(ctx: Context) -> int:
    return await registrations.pending_count()


async def decide_registration(
    ctx: Context, registration_id: str, approve: bool, note: str | None
) -> Registration:
    staff = ctx.viewer
    assert staff is not None  # IsStaffWriting
    pk = pk_of(registration_id, "Registration")
    if pk is None:
        raise NotFound("id")
    decided = await registrations.decide(pk, approve, note, staff, ctx.clock, ctx.client_address)
    ctx.loaders.clear_all()
    return decided


async def search_accounts(ctx: Context, query: str, start: int, size: int) -> Page[AccountRow]:
    ids = await backoffice.search_account_ids(query)
    window = ids[start : start + size + 1]
    rows = {row.id: row for row in await account_reads.accounts_by_ids(window)}
    return Page([rows[i] for i in window if i in rows], start, len(ids))


async def audit_log(
    ctx: Context, start: int, size: int, action: str | None, actor: str | None
) -> Page[AuditEntry]:
    rows, total = await audit.entries(offset=start, limit=size + 1, action=action, actor=actor)
    return Page(rows, start, total)


async def audit_actions(ctx: Context) -> list[str]:
    return await audit.actions()


async def account_users(ctx: Context, number: str) -> list[User]:
    return await backoffice.account_users(number.strip())


async def account_registrations(ctx: Context, number: str) -> list[Registration]:
    return await registrations.pending_for_account(number.strip())

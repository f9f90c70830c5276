"""Staff import bank statements and see what the recent ones booked."""

from __future__ import annotations

from models.services.bank_statements import (
    ImportResult,
    StatementSummary,
    import_statement,
    recent_statements,
)
from resolvers.context import Context

RECENT = 20


async def import_file(ctx: Context, filename: str, data: bytes) -> ImportResult:
    viewer = ctx.viewer
    assert viewer is not None  # IsStaffWriting requires a staff viewer
    result = await import_statement(
        data,
        filename,
        ctx.clock,
        bank_branch=ctx.settings.utility.bank_branch,
        actor_id=viewer.id,
    )
    ctx.loaders.clear_all()
    return result


async def recent(ctx: Context, first: int) -> list[StatementSummary]:
    return await recent_statements(min(first, RECENT * 5))

"""The caller's hourly query allowance: whose it is, charging it, and reading it.

A signed-in user has one allowance whether they come with a token or a session; an
anonymous caller is known by client address. Only requests through /graphql are
charged (`Context.charge_allowance`); the pages' in-process operations are not.
"""

from __future__ import annotations

import math

from models.errors import AllowanceSpent
from models.rules.allowance import Standing
from models.security_log import security_event
from models.services.allowances import Allowances
from resolvers.context import Context


def caller_key(ctx: Context) -> str:
    if ctx.viewer is not None:
        return f"user:{ctx.viewer.id}"
    return f"address:{ctx.client_address or 'unknown'}"


def _allowances(ctx: Context) -> Allowances:
    # Without a process buffer (a bare context in a script or test) the shared table
    # is read and written directly.
    return ctx.allowances or Allowances(ctx.settings.query_allowance)


async def charge(ctx: Context, cost: int) -> None:
    """Charge a /graphql request's cost to its caller (AllowanceSpent when spent)."""
    if not ctx.charge_allowance:
        return
    key = caller_key(ctx)
    try:
        ctx.allowance = await _allowances(ctx).charge(key, cost, ctx.clock.now())
    except AllowanceSpent as spent:
        _refused(ctx, key, spent)
        raise
    ctx.charged = cost


async def standing(ctx: Context) -> Standing:
    """The allowance after this request (what `rateLimit` shows)."""
    if ctx.allowance is not None:
        return ctx.allowance
    return await _allowances(ctx).peek(caller_key(ctx), ctx.clock.now())


def _refused(ctx: Context, key: str, spent: AllowanceSpent) -> None:
    security_event(
        "query_allowance_spent",
        caller=key,
        ip=ctx.client_address,
        request=ctx.request_id,
        reset_at=spent.reset_at.isoformat(),
    )
    headers = getattr(ctx.response, "headers", None)
    if headers is not None:
        seconds = math.ceil((spent.reset_at - ctx.clock.now()).total_seconds())
        headers["Retry-After"] = str(max(1, seconds))

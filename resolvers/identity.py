"""Signing in partner apps, their tokens, and who the viewer is."""

from __future__ import annotations

from models.orm import ApiToken
from models.services import tokens
from models.services.signin import Credentials, sign_in
from models.services.tokens import IssuedToken
from resolvers.context import Context
from resolvers.ids import pk_of

UNKNOWN_ADDRESS = "unknown"


async def issue_token(ctx: Context, login: str, password: str, otp: str | None) -> IssuedToken:
    address = ctx.client_address or UNKNOWN_ADDRESS
    user = await sign_in(Credentials(login, password, otp, address), ctx.clock)
    return await tokens.issue_access_token(user, ctx.clock, client_address=address)


async def refresh_token(ctx: Context, refresh: str) -> IssuedToken:
    return await tokens.refresh_access_token(refresh, ctx.clock, client_address=ctx.client_address)


async def api_tokens(ctx: Context, user_id: int) -> list[ApiToken]:
    return await ctx.loaders.api_tokens_by_user.load(user_id)


async def revoke_api_token(ctx: Context, token_id: str) -> None:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    pk = pk_of(token_id, "ApiToken") or 0
    await tokens.revoke_token(viewer, pk, ctx.clock, client_address=ctx.client_address)
    ctx.loaders.clear_all()

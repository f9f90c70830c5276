"""The viewer's own credentials: password, login, e-mail, regulations, two-step sign-in,
partner-app tokens. Thin glue: who is asking and from where, then one service call."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Scope
from models.orm import ApiToken, User
from models.services import credentials, tokens, two_step
from models.services.credentials import Origin
from resolvers.context import Context
from resolvers.identity import UNKNOWN_ADDRESS


@dataclass(frozen=True)
class TwoStepSetup:
    secret: str
    otpauth_uri: str


def _viewer(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # the fields' permissions require a signed-in viewer
    return viewer


def origin(ctx: Context) -> Origin:
    """The session or token this request came through: a password change keeps it."""
    state = getattr(ctx.request, "state", None)
    session = getattr(state, "session", None) if state is not None else None
    token_id = getattr(state, "token_id", None) if state is not None else None
    return Origin(
        client_address=ctx.client_address,
        session_id=session.id if session is not None else None,
        token_id=token_id,
    )


async def _refreshed(ctx: Context, user: User) -> User:
    """Later fields of the same request see the changed user."""
    ctx.viewer = user
    ctx.loaders.clear_all()
    return user


async def change_password(ctx: Context, current: str, new: str) -> User:
    user = await credentials.change_password(_viewer(ctx), current, new, ctx.clock, origin(ctx))
    return await _refreshed(ctx, user)


async def accept_terms(ctx: Context, version: str) -> User:
    current = ctx.settings.utility.terms_version
    user = await credentials.accept_terms(_viewer(ctx), version, current, ctx.clock, origin(ctx))
    return await _refreshed(ctx, user)


async def change_login(ctx: Context, new_login: str, password: str) -> User:
    user = await credentials.change_login(_viewer(ctx), new_login, password, ctx.clock, origin(ctx))
    return await _refreshed(ctx, user)


async def request_password_reset(ctx: Context, login: str) -> None:
    await credentials.request_password_reset(
        login,
        ctx.clock,
        public_url=ctx.settings.public_url,
        client_address=ctx.client_address or UNKNOWN_ADDRESS,
    )


async def reset_password(ctx: Context, token: str, new_password: str) -> None:
    await credentials.reset_password(token, new_password, ctx.clock, origin(ctx))


async def request_email_change(ctx: Context, new_email: str, password: str) -> None:
    await credentials.request_email_change(
        _viewer(ctx),
        new_email,
        password,
        ctx.clock,
        public_url=ctx.settings.public_url,
        origin=origin(ctx),
    )


async def confirm_email_change(ctx: Context, token: str) -> None:
    await credentials.confirm_email_change(token, ctx.clock, origin(ctx))
    ctx.loaders.clear_all()


async def begin_two_step(ctx: Context) -> TwoStepSetup:
    viewer = _viewer(ctx)
    secret = await two_step.begin(viewer)
    return TwoStepSetup(secret, two_step.otpauth_uri(secret, viewer.login))


async def pending_two_step(ctx: Context) -> TwoStepSetup | None:
    viewer = _viewer(ctx)
    secret = await two_step.pending_secret(viewer)
    return (
        None if secret is None else TwoStepSetup(secret, two_step.otpauth_uri(secret, viewer.login))
    )


async def confirm_two_step(ctx: Context, code: str) -> tuple[User, list[str]]:
    codes = await two_step.confirm(_viewer(ctx), code, ctx.clock, origin(ctx))
    user = await User.get(id=_viewer(ctx).id)
    return await _refreshed(ctx, user), codes


async def disable_two_step(ctx: Context, password: str, code: str) -> User:
    user = await two_step.disable(_viewer(ctx), password, code, ctx.clock, origin(ctx))
    return await _refreshed(ctx, user)


async def recovery_codes_left(ctx: Context, user_id: int) -> int:
    return await two_step.recovery_codes_left(user_id)


async def create_api_token(
    ctx: Context, name: str, scopes: list[Scope], expires_in_days: int | None
) -> tuple[ApiToken, str]:
    row, secret = await tokens.create_personal_token(
        _viewer(ctx),
        name,
        scopes,
        expires_in_days,
        ctx.clock,
        client_address=ctx.client_address,
    )
    ctx.loaders.clear_all()
    return row, secret

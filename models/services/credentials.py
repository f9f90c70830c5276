"""A user's own credentials: password changes and resets, the login, the e-mail address,
accepting the regulations, and the staff accounts `ebok create-staff` makes.

Each use case is one transaction that also writes its audit entry and queues the
e-mail telling the user what happened (the outbox delivers it after the commit).
argon2 hashing is done before the transaction, so no lock is held while it runs.

A password change or reset ends every other way in: every other browser session,
every API token, every reset link still unused. Secrets (passwords, tokens, links)
never reach a log line or an audit entry: only ids and logins do.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ConsentKind, Role, UserTokenPurpose
from models.errors import (
    InvalidEmail,
    InvalidLogin,
    LinkExpired,
    LoginTaken,
    SameEmail,
    SamePassword,
    TermsVersionOutdated,
    WrongPassword,
)
from models.errors import local_time as _local_time
from models.orm import ApiToken, Consent, Session, User, UserToken
from models.rules.password_policy import PasswordContext, require_acceptable
from models.security_log import security_event
from models.services import audit, outbox, passwords
from models.services.secrets import new_secret, secret_hash

RESET_LIFETIME = timedelta(hours=1)
EMAIL_CHANGE_LIFETIME = timedelta(hours=24)
# At most this many reset links per user an hour; further requests answer the same
# and send nothing, so the form cannot flood someone's mailbox.
RESETS_PER_HOUR = 3
ONE_TIME_PASSWORD_LIFETIME = timedelta(days=7)
LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
EMAIL_PATTERN = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
# Unambiguous characters for passwords people copy from a terminal or an e-mail.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Origin:
    """Where a change comes from: the address, and the session or token it came through
    (which a password change leaves signed in)."""

    client_address: str | None = None
    session_id: int | None = None
    token_id: int | None = None


def password_context(user: User, *, login: str | None = None) -> PasswordContext:
    return PasswordContext(login=login or user.login, email=user.email)


def _links(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + path


async def _end_other_ways_in(user_id: int, origin: Origin, now: datetime) -> tuple[int, int]:
    """Delete every session but the origin's and revoke every token but the origin's;
    returns how many of each."""
    sessions = Session.filter(user_id=user_id)
    if origin.session_id is not None:
        sessions = sessions.exclude(id=origin.session_id)
    ended = await sessions.delete()
    tokens = ApiToken.filter(user_id=user_id, revoked_at__isnull=True)
    if origin.token_id is not None:
        tokens = tokens.exclude(id=origin.token_id)
    revoked = await tokens.update(revoked_at=now)
    await UserToken.filter(
        user_id=user_id, purpose=UserTokenPurpose.PASSWORD_RESET, used_at__isnull=True
    ).update(used_at=now)
    return ended, revoked


async def _set_password(user: User, password_hash: str, now: datetime) -> None:
    await User.filter(id=user.id).update(
        password_hash=password_hash,
        must_change_password=False,
        password_expires_at=None,
        password_changed_at=now,
        version=user.version + 1,
    )


async def change_password(user: User, current: str, new: str, clock: Clock, origin: Origin) -> User:
    """The signed-in user's new password; the current one proves it is them."""
    if not await passwords.verify_password(user.password_hash, current):
        security_event("password_change_refused", user_id=user.id, ip=origin.client_address)
        raise WrongPassword(field="currentPassword")
    if new == current or await passwords.verify_password(user.password_hash, new):
        raise SamePassword(field="newPassword")
    require_acceptable(new, password_context(user), field="newPassword")
    new_hash = await passwords.hash_password(new)
    now = clock.now()
    async with in_transaction():
        locked = await User.select_for_update().get(id=user.id)
        await _set_password(locked, new_hash, now)
        ended, revoked = await _end_other_ways_in(user.id, origin, now)
        await audit.record(
            "PASSWORD_CHANGED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
            details={"sessions_ended": ended, "tokens_revoked": revoked},
        )
        await _tell(
            locked, "password_changed", now, f"password-changed:{user.id}:{now.isoformat()}"
        )
    security_event("password_changed", user_id=user.id, ip=origin.client_address)
    return await User.get(id=user.id)


async def _tell(user: User, template: str, now: datetime, key: str, **context: object) -> None:
    await outbox.queue_email(
        user.email,
        template,
        {"login": user.login, "at": _local_time(now), **context},
        now=now,
        key=key,
    )


async def accept_terms(
    user: User, version: str, current_version: str, clock: Clock, origin: Origin
) -> User:
    """The user accepts the regulations in force (and only those)."""
    if version.strip() != current_version:
        raise TermsVersionOutdated(field="version", version=current_version)
    now = clock.now()
    async with in_transaction():
        await User.filter(id=user.id).update(accepted_terms_version=current_version)
        await Consent.create(
            kind=ConsentKind.TERMS, text_version=current_version, given_at=now, user_id=user.id
        )
        await audit.record(
            "TERMS_ACCEPTED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
            details={"version": current_version},
        )
    return await User.get(id=user.id)


async def _users_named(login_or_email: str) -> list[User]:
    text = login_or_email.strip().lower()
    if not text or len(text) > 254:
        return []
    if "@" in text:
        return await User.filter(email__iexact=text, is_active=True).order_by("id")
    return await User.filter(login=text, is_active=True).order_by("id")


async def request_password_reset(
    login_or_email: str, clock: Clock, *, public_url: str, client_address: str | None
) -> None:
    """E-mail a single-use reset link to the user with this login (or e-mail address).

    Returns the same nothing whether or not anyone has that login: the caller must
    not learn which logins exist. A user gets at most RESETS_PER_HOUR links an hour.
    """
    now = clock.now()
    for user in await _users_named(login_or_email):
        recent = await UserToken.filter(
            user_id=user.id,
            purpose=UserTokenPurpose.PASSWORD_RESET,
            created_at__gt=now - timedelta(hours=1),
        ).count()
        if recent >= RESETS_PER_HOUR:
            security_event("password_reset_throttled", user_id=user.id, ip=client_address)
            continue
        token = new_secret()
        async with in_transaction():
            row = await UserToken.create(
                user=user,
                purpose=UserTokenPurpose.PASSWORD_RESET,
                token_hash=secret_hash(token),
                created_at=now,
                expires_at=now + RESET_LIFETIME,
            )
            await audit.record(
                "PASSWORD_RESET_REQUESTED",
                at=now,
                actor=None,
                object_type="User",
                object_id=user.id,
                client_address=client_address,
            )
            await _tell(
                user,
                "password_reset",
                now,
                f"password-reset:{row.id}",
                link=_links(public_url, f"/haslo/reset/{token}"),
                valid_until=_local_time(now + RESET_LIFETIME),
            )
        security_event("password_reset_requested", user_id=user.id, ip=client_address)


async def _live_token(token: str, purpose: UserTokenPurpose, now: datetime) -> UserToken:
    row = (
        await UserToken.filter(token_hash=secret_hash(token.strip()), purpose=purpose)
        .select_related("user")
        .first()
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise LinkExpired(field="token")
    if not row.user.is_active:
        raise LinkExpired(field="token")
    return row


async def reset_link_valid(token: str, clock: Clock) -> bool:
    try:
        await _live_token(token, UserTokenPurpose.PASSWORD_RESET, clock.now())
    except LinkExpired:
        return False
    return True


async def reset_password(token: str, new: str, clock: Clock, origin: Origin) -> None:
    """A new password through a reset link: the link works once, within the hour, and
    everything signed in as the user is signed out."""
    now = clock.now()
    row = await _live_token(token, UserTokenPurpose.PASSWORD_RESET, now)
    user = row.user
    require_acceptable(new, password_context(user), field="newPassword")
    new_hash = await passwords.hash_password(new)
    async with in_transaction():
        claimed = await UserToken.filter(id=row.id, used_at__isnull=True).update(used_at=now)
        if claimed != 1:
            raise LinkExpired(field="token")
        locked = await User.select_for_update().get(id=user.id)
        await _set_password(locked, new_hash, now)
        ended, revoked = await _end_other_ways_in(user.id, Origin(), now)
        await audit.record(
            "PASSWORD_RESET",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
            details={"sessions_ended": ended, "tokens_revoked": revoked},
        )
        await _tell(locked, "password_changed", now, f"password-reset-done:{row.id}")
    security_event("password_reset", user_id=user.id, ip=origin.client_address)


def normalise_new_login(text: str) -> str:
    login = text.strip().lower()
    if not LOGIN_PATTERN.fullmatch(login):
        raise InvalidLogin(field="newLogin")
    return login


async def change_login(
    user: User, new_login: str, password: str, clock: Clock, origin: Origin
) -> User:
    login = normalise_new_login(new_login)
    if not await passwords.verify_password(user.password_hash, password):
        raise WrongPassword(field="password")
    if login == user.login:
        return user
    now = clock.now()
    if await User.filter(login=login).exists():
        raise LoginTaken(field="newLogin")
    try:
        async with in_transaction():
            await User.filter(id=user.id).update(login=login, version=user.version + 1)
            await audit.record(
                "LOGIN_CHANGED",
                at=now,
                actor=user,
                object_type="User",
                object_id=user.id,
                client_address=origin.client_address,
                details={"from": user.login, "to": login},
            )
            changed = await User.get(id=user.id)
            await _tell(
                changed, "login_changed", now, f"login-changed:{user.id}:{login}", old=user.login
            )
    except IntegrityError as taken:  # the same login claimed a moment earlier
        raise LoginTaken(field="newLogin") from taken
    security_event("login_changed", user_id=user.id, ip=origin.client_address)
    return await User.get(id=user.id)


def normalise_email(text: str) -> str:
    email = text.strip()
    if len(email) > 254 or not EMAIL_PATTERN.fullmatch(email) or not email.isprintable():
        raise InvalidEmail(field="newEmail")
    local, _, domain = email.partition("@")
    return f"{local}@{domain.lower()}"


async def request_email_change(
    user: User, new_email: str, password: str, clock: Clock, *, public_url: str, origin: Origin
) -> None:
    """A confirmation link to the new address; the address changes when it is opened."""
    email = normalise_email(new_email)
    if not await passwords.verify_password(user.password_hash, password):
        raise WrongPassword(field="password")
    if email.lower() == user.email.lower():
        raise SameEmail(field="newEmail")
    now = clock.now()
    token = new_secret()
    async with in_transaction():
        # One address at a time: an earlier link stops working.
        await UserToken.filter(
            user_id=user.id, purpose=UserTokenPurpose.EMAIL_CHANGE, used_at__isnull=True
        ).update(used_at=now)
        row = await UserToken.create(
            user=user,
            purpose=UserTokenPurpose.EMAIL_CHANGE,
            token_hash=secret_hash(token),
            new_email=email,
            created_at=now,
            expires_at=now + EMAIL_CHANGE_LIFETIME,
        )
        await audit.record(
            "EMAIL_CHANGE_REQUESTED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
        )
        await outbox.queue_email(
            email,
            "email_confirm",
            {
                "login": user.login,
                "link": _links(public_url, f"/dane/email/{token}"),
                "valid_until": _local_time(now + EMAIL_CHANGE_LIFETIME),
            },
            now=now,
            key=f"email-confirm:{row.id}",
        )
        await _tell(user, "email_change_requested", now, f"email-change-notice:{row.id}")
    security_event("email_change_requested", user_id=user.id, ip=origin.client_address)


async def confirm_email_change(token: str, clock: Clock, origin: Origin) -> User:
    now = clock.now()
    row = await _live_token(token, UserTokenPurpose.EMAIL_CHANGE, now)
    user = row.user
    async with in_transaction():
        claimed = await UserToken.filter(id=row.id, used_at__isnull=True).update(used_at=now)
        if claimed != 1 or row.new_email is None:
            raise LinkExpired(field="token")
        await User.filter(id=user.id).update(email=row.new_email, version=user.version + 1)
        await audit.record(
            "EMAIL_CHANGED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
        )
        # The old address learns of it too: if it was not its owner, they can act.
        await _tell(user, "email_changed", now, f"email-changed:{row.id}", new_email=row.new_email)
    security_event("email_changed", user_id=user.id, ip=origin.client_address)
    return await User.get(id=user.id)


def one_time_password() -> str:
    """A generated first password: 20 characters from 31 (about 99 bits), in groups."""
    raw = "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


async def create_staff(login: str, email: str, clock: Clock) -> tuple[User, str]:
    """A staff user with a one-time password (valid for one sign-in within 7 days), who
    must set their own password and two-step sign-in before anything else."""
    try:
        name = normalise_new_login(login)
    except InvalidLogin as bad:
        raise InvalidLogin(field="login") from bad
    try:
        address = normalise_email(email)
    except InvalidEmail as bad:
        raise InvalidEmail(field="email") from bad
    password = one_time_password()
    password_hash = await passwords.hash_password(password)
    now = clock.now()
    try:
        async with in_transaction():
            user = await User.create(
                login=name,
                email=address,
                password_hash=password_hash,
                role=Role.STAFF,
                must_change_password=True,
                password_expires_at=now + ONE_TIME_PASSWORD_LIFETIME,
                created_at=now,
            )
            await audit.record(
                "STAFF_CREATED", at=now, actor=None, object_type="User", object_id=user.id
            )
    except IntegrityError as taken:
        raise LoginTaken(field="login") from taken
    security_event("staff_created", user_id=user.id, login=name)
    return user, password

"""Who may sign in, and the proofs of it: users, sessions, tokens, consents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import (
    ConsentKind,
    LoginOutcome,
    RegistrationKind,
    RequestStatus,
    Role,
    TokenKind,
    UserTokenPurpose,
)

if TYPE_CHECKING:
    from models.orm.accounts import Account


class User(Model):
    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, default=Role.CUSTOMER)
    must_change_password = fields.BooleanField(default=False)
    accepted_terms_version = fields.CharField(max_length=32, null=True)
    totp_secret = fields.CharField(max_length=64, null=True)
    is_active = fields.BooleanField(default=True)
    # The time step (RFC 6238) of the last one-time code accepted: a code works once.
    totp_last_step = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()
    password_changed_at = fields.DatetimeField(null=True)
    # A generated first (or staff one-time) password works until then, for one
    # sign-in only: signing in with it leaves the password to be changed at once.
    password_expires_at = fields.DatetimeField(null=True)
    # A secret shown on the two-step set-up page, waiting for its first code.
    totp_pending_secret = fields.CharField(max_length=64, null=True)
    # Bumped when what a user sees of themselves changes (tokens, sign-in methods).
    version = fields.IntField(default=0)
    accounts: fields.ManyToManyRelation[Account] = fields.ManyToManyField(
        "ebok.Account",
        related_name="users",
        through="user_accounts",
        forward_key="account_id",
        backward_key="user_id",
    )

    class Meta:
        table = "users"


class Session(Model):
    """A signed-in browser. Only a hash of the cookie's random id is stored."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="sessions", on_delete=fields.CASCADE
    )
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    client_address = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "sessions"
        indexes = (("user_id",),)


class ApiToken(Model):
    """A bearer token of a partner app: the secret is shown once, only its hash kept."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TokenKind, max_length=16)
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    refresh_hash = fields.CharField(max_length=64, unique=True, null=True)
    scopes = fields.CharField(max_length=64, description="comma-separated Scope values")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    refresh_expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    # A partner app's sign-in and every pair refreshed from it form one family: the id
    # of its first token. Reuse of a rotated refresh token revokes the whole family, and
    # the family ends 30 days after `signed_in_at`, however often it was refreshed.
    family_id = fields.IntField(null=True)
    signed_in_at = fields.DatetimeField(null=True)
    # Set when `refreshToken` traded this pair for a new one (unlike `revoked_at`, set
    # by a user or by reuse detection): presenting it again means it was stolen.
    rotated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
        indexes = (
            ("user_id",),
            ("family_id",),
        )


class UserToken(Model):
    """A single-use link sent by e-mail: a password reset, or the confirmation of a new
    e-mail address (`new_email`). Only a hash of the random token is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="tokens", on_delete=fields.CASCADE
    )
    purpose = fields.CharEnumField(UserTokenPurpose, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    new_email = fields.CharField(max_length=254, null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_tokens"
        indexes = (("user_id", "purpose"),)


class RecoveryCode(Model):
    """One of the ten single-use codes that sign in when the phone is lost."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_codes"
        indexes = (("user_id",),)


class LoginAttempt(Model):
    """Every sign-in attempt, for throttling per login and per client address.

    An attempt is written as PENDING before the password is checked, so that parallel
    guesses count against each other at once; `device_id` names a browser that has
    signed in to this login before (see models.services.signin_guard).
    """

    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64)
    client_address = fields.CharField(max_length=64)
    outcome = fields.CharEnumField(LoginOutcome, max_length=16, default=LoginOutcome.PENDING)
    device_id = fields.CharField(max_length=32, null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "login_attempts"
        indexes = (("login", "at"), ("client_address", "at"), ("device_id", "at"))


class Registration(Model):
    """A request for eBOK access, waiting for staff to verify it: a new user's, or a
    signed-in user's request to add another account (`requested_by`)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(RegistrationKind, max_length=16, default=RegistrationKind.NEW_USER)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="registrations", on_delete=fields.CASCADE
    )
    invoice_number = fields.CharField(max_length=32)
    email = fields.CharField(max_length=254)
    login = fields.CharField(max_length=64)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.TextField(null=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="registrations", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "registrations"
        indexes = (
            ("status", "created_at"),
            ("account_id",),
        )


class Consent(Model):
    """A consent as given: which text version, when, by whom (RODO asks for the record)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ConsentKind, max_length=32)
    text_version = fields.CharField(max_length=32)
    given_at = fields.DatetimeField()
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name="consents", null=True, on_delete=fields.CASCADE
    )
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        "ebok.Registration", related_name="consents", null=True, on_delete=fields.CASCADE
    )
    # False records a consent withdrawn (a reminder switched off). Every change is a new
    # row, so the history stays; the newest row of a kind is the one in force.
    granted = fields.BooleanField(default=True, db_default=True)

    class Meta:
        table = "consents"
        indexes = (("user_id",),)

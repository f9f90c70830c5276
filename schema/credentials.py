"""The viewer's own credentials: first sign-in (a new password, the regulations),
password reset, login and e-mail changes, two-step sign-in, partner-app tokens.

What a user must be able to do before the first steps are done (change the first
password, accept the regulations, set up two-step sign-in) is declared with
`CanWriteOwnCredentials`; the rest with `CanWrite`, so a token without the WRITE
scope changes nothing. Reset and e-mail confirmation links are public: the secret
in the link is the proof.
"""

from __future__ import annotations

import strawberry

from resolvers import credentials
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.mutation import OkPayload
from schema.permissions import CanWrite, CanWriteOwnCredentials, Public
from schema.types.enums import Scope
from schema.types.identity import ApiToken, User


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class ChangeLoginInput:
    new_login: str
    password: str


@strawberry.input
class RequestPasswordResetInput:
    login: str = strawberry.field(description="the login, or the e-mail address of the user")


@strawberry.input
class ResetPasswordInput:
    token: str
    new_password: str


@strawberry.input
class AcceptTermsInput:
    version: str


@strawberry.input
class RequestEmailChangeInput:
    new_email: str
    password: str = strawberry.field(description="the current password, re-entered")


@strawberry.input
class ConfirmEmailChangeInput:
    token: str = strawberry.field(description="the secret from the link sent to the new address")


@strawberry.input
class ConfirmTwoStepSetupInput:
    code: str = strawberry.field(description="the code the authenticator app shows now")


@strawberry.input
class DisableTwoStepInput:
    password: str
    code: str = strawberry.field(description="a current code from the app, or a recovery code")


@strawberry.input
class CreateApiTokenInput:
    name: str
    scopes: list[Scope]
    expires_in_days: int | None = strawberry.field(
        default=None, description="default 365; at most 730"
    )


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateApiTokenPayload:
    token: str | None = strawberry.field(
        default=None, description="the secret, shown once; only its hash is stored"
    )
    api_token: ApiToken | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TwoStepSetupPayload:
    secret: str | None = strawberry.field(
        default=None, description="the new TOTP secret (base32), for typing into the app"
    )
    otpauth_uri: str | None = strawberry.field(
        default=None, description="the otpauth:// address an app reads from a QR code"
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecoveryCodesPayload:
    user: User | None = None
    recovery_codes: list[str] | None = strawberry.field(
        default=None,
        description="ten single-use codes that sign in instead of the app's code; shown once",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CredentialMutation:
    @mutation(
        permission_classes=[CanWriteOwnCredentials],
        description="a new password; the current one (or the first password) proves it is "
        "the user. Ends every other session and token, and says so by e-mail",
    )
    async def change_password(
        self, info: strawberry.Info[Context], input: ChangePasswordInput
    ) -> UserPayload:
        user = await credentials.change_password(
            info.context, input.current_password, input.new_password
        )
        return UserPayload(user=User.from_row(user))

    @mutation(
        permission_classes=[CanWriteOwnCredentials],
        description="accept the regulations in force (termsVersion)",
    )
    async def accept_terms(
        self, info: strawberry.Info[Context], input: AcceptTermsInput
    ) -> UserPayload:
        user = await credentials.accept_terms(info.context, input.version)
        return UserPayload(user=User.from_row(user))

    @mutation(permission_classes=[CanWrite], description="a new login; the password proves it")
    async def change_login(
        self, info: strawberry.Info[Context], input: ChangeLoginInput
    ) -> UserPayload:
        user = await credentials.change_login(info.context, input.new_login, input.password)
        return UserPayload(user=User.from_row(user))

    @mutation(
        permission_classes=[Public],
        description="PUBLIC: always ok, whether or not the login exists",
    )
    async def request_password_reset(
        self, info: strawberry.Info[Context], input: RequestPasswordResetInput
    ) -> OkPayload:
        await credentials.request_password_reset(info.context, input.login)
        return OkPayload(ok=True)

    @mutation(permission_classes=[Public], description="PUBLIC")
    async def reset_password(
        self, info: strawberry.Info[Context], input: ResetPasswordInput
    ) -> OkPayload:
        await credentials.reset_password(info.context, input.token, input.new_password)
        return OkPayload(ok=True)

    @mutation(
        permission_classes=[CanWrite],
        description="send a confirmation link to a new e-mail address; the address changes "
        "when the link is opened (confirmEmailChange)",
    )
    async def request_email_change(
        self, info: strawberry.Info[Context], input: RequestEmailChangeInput
    ) -> OkPayload:
        await credentials.request_email_change(info.context, input.new_email, input.password)
        return OkPayload(ok=True)

    @mutation(
        permission_classes=[Public],
        description="PUBLIC: the link sent to the new address; it works once, for 24 hours",
    )
    async def confirm_email_change(
        self, info: strawberry.Info[Context], input: ConfirmEmailChangeInput
    ) -> OkPayload:
        await credentials.confirm_email_change(info.context, input.token)
        return OkPayload(ok=True)

    @mutation(
        permission_classes=[CanWriteOwnCredentials],
        description="start setting up two-step sign-in: a new secret for the authenticator "
        "app, active once confirmTwoStepSetup gets its first code",
    )
    async def begin_two_step_setup(self, info: strawberry.Info[Context]) -> TwoStepSetupPayload:
        setup = await credentials.begin_two_step(info.context)
        return TwoStepSetupPayload(secret=setup.secret, otpauth_uri=setup.otpauth_uri)

    @mutation(
        permission_classes=[CanWriteOwnCredentials],
        description="switch two-step sign-in on with the app's first code; returns the "
        "recovery codes, once",
    )
    async def confirm_two_step_setup(
        self, info: strawberry.Info[Context], input: ConfirmTwoStepSetupInput
    ) -> RecoveryCodesPayload:
        user, codes = await credentials.confirm_two_step(info.context, input.code)
        return RecoveryCodesPayload(user=User.from_row(user), recovery_codes=codes)

    @mutation(
        permission_classes=[CanWrite],
        description="switch two-step sign-in off (customers only): the password and a code",
    )
    async def disable_two_step(
        self, info: strawberry.Info[Context], input: DisableTwoStepInput
    ) -> UserPayload:
        user = await credentials.disable_two_step(info.context, input.password, input.code)
        return UserPayload(user=User.from_row(user))

    @mutation(
        permission_classes=[CanWrite],
        description="a token for a partner app: the secret is shown once, only its hash kept",
    )
    async def create_api_token(
        self, info: strawberry.Info[Context], input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        row, secret = await credentials.create_api_token(
            info.context, input.name, list(input.scopes), input.expires_in_days
        )
        return CreateApiTokenPayload(token=secret, api_token=ApiToken.from_row(row))

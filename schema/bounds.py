"""Bounds on every value a caller sends, checked in one place before anything runs.

schema/limits.py hands every argument of the selected operation (literals and
variables alike, nested input objects and lists included) to `check_argument`. A
value out of bounds refuses the whole request with BAD_REQUEST, so no resolver, loader
or database ever meets a 100 kB login, the year 9999 or a key beyond a bigint:

- strings: at most MAX_LENGTHS[where] characters, DEFAULT_MAX_LENGTH elsewhere;
- dates and date-times: within EARLIEST_DATE..LATEST_DATE;
- decimals: finite, at most MAX_DECIMAL_DIGITS before the point and
  MAX_DECIMAL_PLACES after it;
- global ids: a key between 1 and MAX_PRIMARY_KEY (an id that is not one of ours at
  all is left to the field, which answers null);
- lists: at most MAX_LIST_ITEMS items; `first`: 1 to MAX_PAGE_SIZE.

`where` names an argument as `Type.field(argument)` and an input field as
`InputType.field`, the names the schema shows.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLInputType,
    get_nullable_type,
    is_input_object_type,
    is_list_type,
)
from graphql.pyutils import Undefined
from strawberry import relay

from models.errors import BadRequest
from resolvers.ids import MAX_PK
from schema.types.common import MAX_PAGE_SIZE

DEFAULT_MAX_LENGTH = 200

MAX_LENGTHS: dict[str, int] = {
    "Query.account(number)": 16,  # customer numbers (accounts.number)
    "Query.myAccount(number)": 16,
    "Account.invoice(number)": 32,  # invoice numbers (invoices.number)
    "Query.invoice(number)": 32,
    "IssueTokenInput.login": 64,  # users.login
    "IssueTokenInput.password": 256,
    "IssueTokenInput.otp": 16,
    "RefreshTokenInput.refreshToken": 128,
    # Inputs of the contract that later work serves; their limits are decided here.
    "RegisterInput.accountNumber": 16,
    "RegisterInput.invoiceNumber": 32,
    "RegisterInput.email": 254,
    "RegisterInput.login": 64,
    "ChangePasswordInput.currentPassword": 256,
    "ChangePasswordInput.newPassword": 256,
    "ChangeLoginInput.newLogin": 64,
    "ChangeLoginInput.password": 256,
    "ResetPasswordInput.newPassword": 256,
    "SendMessageInput.body": 10_000,
    "ReplyInput.body": 10_000,
    "ReportFailureInput.address": 400,
    "ReportFailureInput.description": 5_000,
    "ReportFailureInput.contactPhone": 32,
    "ReportFailureInput.contactEmail": 254,
    "PublishAnnouncementInput.title": 400,
    "PublishAnnouncementInput.body": 20_000,
    "DecideInput.note": 2_000,
    "StartPaymentInput.returnUrl": 500,  # models/rules/return_url.py keeps at most that
    "LiftReadingBlockInput.note": 2_000,
    "AssignCreditInput.accountNumber": 16,
    "ReverseCreditAssignmentInput.reason": 2_000,
    "ReverseCreditAssignmentInput.accountNumber": 16,
    "RequestAccountLinkInput.accountNumber": 16,
    "RequestAccountLinkInput.invoiceNumber": 32,
    "Query.searchAccounts(query)": 100,
    "Query.auditLog(action)": 64,
    "Query.auditLog(actor)": 64,
    "Query.accountUsers(number)": 16,
    "Query.accountRegistrations(number)": 16,
    # Credentials (passwords are checked against the policy's 128 after this).
    "RequestPasswordResetInput.login": 254,
    "ResetPasswordInput.token": 128,
    "AcceptTermsInput.version": 32,
    "RequestEmailChangeInput.newEmail": 254,
    "RequestEmailChangeInput.password": 256,
    "ConfirmEmailChangeInput.token": 128,
    "ConfirmTwoStepSetupInput.code": 16,
    "DisableTwoStepInput.password": 256,
    "DisableTwoStepInput.code": 16,
    "CreateApiTokenInput.name": 100,
}

# Wide enough for any invoice history and any contract the utility will sign; narrow
# enough that date arithmetic a resolver does (a day before, a month after) stays valid.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

# Meter readings and amounts: a 12-digit register, money to the grosz, volumes to
# the litre; nothing the utility stores needs more.
MAX_DECIMAL_DIGITS = 15
MAX_DECIMAL_PLACES = 6

# Primary keys are bigints at most.
MAX_PRIMARY_KEY = MAX_PK
MAX_LIST_ITEMS = 100
# Integer arguments bounded wherever they appear, by argument name.
INT_RANGES: dict[str, tuple[int, int]] = {"first": (1, MAX_PAGE_SIZE)}

_INTEGER = re.compile(r"-?[0-9]+")


def check_argument(
    parent: str, field: str, argument: str, type_: GraphQLInputType, value: Any
) -> None:
    """Refuse the request (BadRequest) when an argument's value is out of bounds."""
    where = f"{parent}.{field}({argument})"
    if argument in INT_RANGES and isinstance(value, int):
        low, high = INT_RANGES[argument]
        if not low <= value <= high:
            raise BadRequest(f"`{argument}` must be between {low} and {high}, not {value}.")
    _check_value(where, type_, value)


def _check_value(where: str, type_: GraphQLInputType, value: Any) -> None:
    if value is None or value is Undefined:
        return
    type_ = get_nullable_type(type_)
    if is_list_type(type_):
        _check_list(where, type_.of_type, value)
    elif is_input_object_type(type_):
        for name, input_field in type_.fields.items():
            item = value.get(input_field.out_name or name, Undefined)
            _check_value(f"{type_.name}.{name}", input_field.type, item)
    else:
        _check_scalar(where, type_.name, value)


def _check_list(where: str, item_type: GraphQLInputType, values: list[Any]) -> None:
    if len(values) > MAX_LIST_ITEMS:
        raise BadRequest(f"{where} takes at most {MAX_LIST_ITEMS} items.")
    for item in values:
        _check_value(where, item_type, item)


def _check_scalar(where: str, scalar: str, value: Any) -> None:
    if isinstance(value, str):
        _check_length(where, value)
        if scalar == "ID":
            _check_key(where, value)
    elif isinstance(value, datetime):
        _check_date(where, value.date())
    elif isinstance(value, date):
        _check_date(where, value)
    elif isinstance(value, Decimal):
        _check_decimal(where, value)


def _check_length(where: str, value: str) -> None:
    limit = MAX_LENGTHS.get(where, DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        raise BadRequest(f"{where} takes at most {limit} characters.")


def _check_key(where: str, value: str) -> None:
    """A global id whose key is a number no row can have is hostile, not just unknown."""
    try:
        key = relay.GlobalID.from_id(value).node_id
    except (ValueError, TypeError):
        return
    if _INTEGER.fullmatch(key) and not 1 <= int(key) <= MAX_PRIMARY_KEY:
        raise BadRequest(f"{where} is not a valid id.")


def _check_date(where: str, day: date) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise BadRequest(
            f"{where} must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
        )


def _check_decimal(where: str, value: Decimal) -> None:
    if not value.is_finite():
        raise BadRequest(f"{where} must be a finite number.")
    # Worked out from the digits: arithmetic in a decimal context could overflow.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    places = max(0, -(exponent + trailing_zeros))
    if value.adjusted() >= MAX_DECIMAL_DIGITS or places > MAX_DECIMAL_PLACES:
        raise BadRequest(
            f"{where} takes at most {MAX_DECIMAL_DIGITS} digits before the point "
            f"and {MAX_DECIMAL_PLACES} after it."
        )

"""From a row fetched by `node(id)` to its GraphQL type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry import relay

from schema.types.accounts import Account, Contract, Meter, Reading
from schema.types.billing import Invoice, Payment
from schema.types.identity import User
from schema.types.talk import (
    Announcement,
    Attachment,
    BillingCycleChangeRequest,
    DataChangeRequest,
    Message,
    MessageThread,
)

_CONSTRUCTORS: dict[str, Callable[[Any], relay.Node]] = {
    "Account": Account.from_row,
    "Invoice": Invoice.from_row,
    "Payment": Payment.from_row,
    "Meter": Meter.from_row,
    "Reading": Reading.from_row,
    "Contract": Contract.from_row,
    "Announcement": Announcement.from_row,
    "User": User.from_row,
    "MessageThread": MessageThread.from_row,
    "Message": Message.from_row,
    "Attachment": Attachment.from_row,
    "DataChangeRequest": DataChangeRequest.from_row,
    "BillingCycleChangeRequest": BillingCycleChangeRequest.from_row,
}


def to_node(type_name: str, row: Any) -> relay.Node:
    return _CONSTRUCTORS[type_name](row)

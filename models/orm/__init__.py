"""The Tortoise tables of eBOK, one module per area; Tortoise loads them from here."""

from models.orm.accounts import Account, Contract, Meter, Premises, Reading
from models.orm.billing import (
    BankStatement,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    Payment,
    PaymentAllocation,
    Tariff,
)
from models.orm.identity import (
    ApiToken,
    Consent,
    LoginAttempt,
    RecoveryCode,
    Registration,
    Session,
    User,
    UserToken,
)
from models.orm.operations import AuditEntry, JobState, OutboxEmail, RateAllowance, ReminderSent
from models.orm.talk import (
    Announcement,
    Attachment,
    BillingCycleChangeRequest,
    DataChangeRequest,
    FailureReport,
    Message,
    MessageThread,
)

__all__ = [
    "Account",
    "Announcement",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "BankStatement",
    "BillingCycleChangeRequest",
    "Consent",
    "Contract",
    "DataChangeRequest",
    "FailureReport",
    "Invoice",
    "InvoiceLine",
    "InvoiceSeries",
    "JobState",
    "LoginAttempt",
    "Message",
    "MessageThread",
    "Meter",
    "OutboxEmail",
    "Payment",
    "PaymentAllocation",
    "Premises",
    "RateAllowance",
    "Reading",
    "RecoveryCode",
    "Registration",
    "ReminderSent",
    "Session",
    "Tariff",
    "User",
    "UserToken",
]

"""Enumerations shared by the tables, the domain rules and the GraphQL schema.

One definition each: the schema exposes these very classes, so a value stored in
the database is always a value the API can name.
"""

from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"


class AccountKind(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    HOUSING_COMMUNITY = "HOUSING_COMMUNITY"


class BillingCycle(StrEnum):
    MONTHLY = "MONTHLY"
    BIMONTHLY = "BIMONTHLY"


class Service(StrEnum):
    WATER = "WATER"
    SEWAGE = "SEWAGE"
    SUBSCRIPTION = "SUBSCRIPTION"


class ReadingSource(StrEnum):
    CUSTOMER = "CUSTOMER"
    COLLECTOR = "COLLECTOR"
    ESTIMATED = "ESTIMATED"
    METER_REPLACEMENT = "METER_REPLACEMENT"


class InvoiceKind(StrEnum):
    INVOICE = "INVOICE"
    CORRECTION = "CORRECTION"
    INTEREST_NOTE = "INTEREST_NOTE"


class InvoiceStatus(StrEnum):
    UNPAID = "UNPAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    OVERDUE = "OVERDUE"


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "BANK_TRANSFER"
    ONLINE = "ONLINE"
    CASH = "CASH"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class LedgerEntryKind(StrEnum):
    INVOICE = "INVOICE"
    CORRECTION = "CORRECTION"
    INTEREST_NOTE = "INTEREST_NOTE"
    PAYMENT = "PAYMENT"
    REFUND = "REFUND"


class AnnouncementKind(StrEnum):
    PRODUCT = "PRODUCT"
    PROMOTION = "PROMOTION"
    PLANNED_OUTAGE = "PLANNED_OUTAGE"
    FAILURE = "FAILURE"
    NEWS = "NEWS"


class ThreadCategory(StrEnum):
    QUESTION = "QUESTION"
    COMPLAINT = "COMPLAINT"
    REQUEST = "REQUEST"
    REMARK = "REMARK"
    GRIEVANCE = "GRIEVANCE"


class ThreadStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


class Author(StrEnum):
    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Scope(StrEnum):
    READ = "READ"
    WRITE = "WRITE"


class TokenKind(StrEnum):
    """How an API token came to be: a sign-in of a partner app or a token the user made."""

    ACCESS = "ACCESS"
    PERSONAL = "PERSONAL"


class LoginOutcome(StrEnum):
    """What became of a sign-in attempt. PENDING and FAILED count as failures: a guess
    still being checked counts against the next one."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUSED = "REFUSED"


class ConsentKind(StrEnum):
    TERMS = "TERMS"
    DATA_PROCESSING = "DATA_PROCESSING"
    # E-mail reminders, one kind each: a row with `granted` false switches one off, and
    # the newest row of a kind is the user's choice (no row: reminders are on).
    REMINDER_READING_WINDOW_OPENS = "REMINDER_READING_WINDOW_OPENS"
    REMINDER_READING_WINDOW_CLOSING = "REMINDER_READING_WINDOW_CLOSING"
    REMINDER_INVOICE_DUE_SOON = "REMINDER_INVOICE_DUE_SOON"
    REMINDER_INVOICE_OVERDUE = "REMINDER_INVOICE_OVERDUE"


class ReminderKind(StrEnum):
    """The e-mail reminders eBOK sends, each once per event, each switched off apart."""

    READING_WINDOW_OPENS = "READING_WINDOW_OPENS"
    READING_WINDOW_CLOSING = "READING_WINDOW_CLOSING"
    INVOICE_DUE_SOON = "INVOICE_DUE_SOON"
    INVOICE_OVERDUE = "INVOICE_OVERDUE"

    @property
    def consent(self) -> ConsentKind:
        """The consent kind that records the user's choice about this reminder."""
        return ConsentKind(f"REMINDER_{self.value}")


class RegistrationKind(StrEnum):
    """A new user asking for access, or a signed-in user asking for one more account."""

    NEW_USER = "NEW_USER"
    ADD_ACCOUNT = "ADD_ACCOUNT"


class UserTokenPurpose(StrEnum):
    PASSWORD_RESET = "PASSWORD_RESET"
    EMAIL_CHANGE = "EMAIL_CHANGE"


class OutboxStatus(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


class ErrorCode(StrEnum):
    """Why a request was refused: the codes partner apps and pages act on."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    TERMS_NOT_ACCEPTED = "TERMS_NOT_ACCEPTED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    LOGIN_TAKEN = "LOGIN_TAKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    # Staff must set up two-step sign-in before anything else.
    TWO_STEP_REQUIRED = "TWO_STEP_REQUIRED"
    REGISTRATION_NOT_ELIGIBLE = "REGISTRATION_NOT_ELIGIBLE"
    OUTSIDE_READING_WINDOW = "OUTSIDE_READING_WINDOW"
    ALREADY_SUBMITTED_THIS_MONTH = "ALREADY_SUBMITTED_THIS_MONTH"
    READINGS_BLOCKED = "READINGS_BLOCKED"
    READING_DECREASED = "READING_DECREASED"
    IMPLAUSIBLE_READING = "IMPLAUSIBLE_READING"
    INVOICE_NOT_PAYABLE = "INVOICE_NOT_PAYABLE"
    # The staff queue of unmatched bank credits.
    CREDIT_ALREADY_ASSIGNED = "CREDIT_ALREADY_ASSIGNED"
    NOT_A_BANK_CREDIT = "NOT_A_BANK_CREDIT"
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE"
    ATTACHMENT_TYPE_NOT_ALLOWED = "ATTACHMENT_TYPE_NOT_ALLOWED"
    RATE_LIMITED = "RATE_LIMITED"

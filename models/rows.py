"""Plain typed rows of the read path: what loaders hand to the schema's types.

They are read by fixed SQL (models/reads) instead of ORM model objects, which cost
more to build than the whole rest of a request; the schema reads their attributes
and can query nothing through them. Talk and identity objects, read rarely, are
still ORM rows (aliased at the end) until their areas need the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from models.enums import (
    AccountKind,
    AnnouncementKind,
    BillingCycle,
    InvoiceKind,
    InvoiceStatus,
    PaymentMethod,
    PaymentStatus,
    ReadingSource,
    Service,
)
from models.orm import (
    ApiToken,
    Attachment,
    AuditEntry,
    BillingCycleChangeRequest,
    DataChangeRequest,
    FailureReport,
    Message,
    MessageThread,
    Registration,
    User,
)


@dataclass(frozen=True, slots=True)
class AddressRow:
    street: str
    building_number: str
    apartment_number: str | None
    postal_code: str
    city: str


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: int
    number: str
    kind: AccountKind
    holder_name: str
    tax_id: str | None
    address: AddressRow
    email: str | None
    phone: str | None
    billing_cycle: BillingCycle
    e_readings_blocked: bool
    balance: Decimal
    version: int


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: int
    account_id: int
    number: str
    signed_on: date
    valid_from: date
    valid_to: date | None
    services: tuple[Service, ...]
    premises: AddressRow


@dataclass(frozen=True, slots=True)
class MeterRow:
    id: int
    account_id: int
    serial_number: str
    is_main: bool
    installed_on: date
    removed_on: date | None
    digits: int
    premises: AddressRow


@dataclass(frozen=True, slots=True)
class ReadingRow:
    id: int
    meter_id: int
    value: Decimal
    read_on: date
    source: ReadingSource
    submitted_at: datetime
    customer_month: date | None


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    account_id: int
    number: str
    kind: InvoiceKind
    issued_on: date
    period_from: date
    period_to: date
    due_date: date
    net: Decimal
    vat: Decimal
    gross: Decimal
    paid: Decimal
    # UNPAID, PARTIALLY_PAID or PAID: OVERDUE depends on the day and is never stored.
    settlement: InvoiceStatus
    ksef_number: str | None
    corrects_id: int | None


@dataclass(frozen=True, slots=True)
class InvoiceLineRow:
    invoice_id: int
    position: int
    service: Service
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal
    estimated: bool


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: int
    account_id: int | None
    amount: Decimal
    method: PaymentMethod
    status: PaymentStatus
    created_at: datetime
    booked_on: date | None
    reference: str
    # The bank statement the credit was read from (None: online, cash, or booked by hand).
    statement_id: int | None = None


@dataclass(frozen=True, slots=True)
class AllocationRow:
    payment_id: int
    invoice: InvoiceRow
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TariffRow:
    valid_from: date
    valid_to: date | None
    water_price: Decimal
    sewage_price: Decimal
    subscription_fee: Decimal
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class AnnouncementRow:
    id: int
    kind: AnnouncementKind
    title: str
    body: str
    published_at: datetime
    valid_from: datetime | None
    valid_to: datetime | None


# Read rarely, still ORM rows: their schema types only read attributes.
ApiTokenRow = ApiToken
AttachmentRow = Attachment
BillingCycleChangeRequestRow = BillingCycleChangeRequest
DataChangeRequestRow = DataChangeRequest
FailureReportRow = FailureReport
MessageRow = Message
MessageThreadRow = MessageThread
UserRow = User
RegistrationRow = Registration
AuditEntryRow = AuditEntry

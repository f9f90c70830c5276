"""The customer's world: accounts, contracts, meters, readings and what follows from them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlencode

import strawberry
from strawberry import relay

from models.errors import DomainError
from models.rows import AccountRow, AddressRow, ContractRow, MeterRow, ReadingRow
from models.rules.ledger import LedgerLine
from models.rules.ledger import Statement as StatementOf
from resolvers import accounts as account_resolvers
from resolvers import forecasts as forecast_resolvers
from resolvers.context import Context
from resolvers.readings import (
    consumption_since,
    last_two_readings,
    reading_page,
    submission_blocked_by,
)
from schema.errors import ErrorCode
from schema.types.billing import Invoice, Payment
from schema.types.common import (
    Address,
    Connection,
    Money,
    check_page_size,
    connection,
    money_or_none,
    page_start,
    paginate,
)
from schema.types.enums import (
    AccountKind,
    BillingCycle,
    InvoiceStatus,
    LedgerEntryKind,
    ReadingSource,
    Service,
)
from schema.types.forecast import Forecast, SimulatedReadingInput, refusal

if TYPE_CHECKING:
    from schema.types.talk import BillingCycleChangeRequest, DataChangeRequest, MessageThread

TALK = "schema.types.talk"
# A reading whose predecessor has not been looked up yet (None means: it has none).
UNKNOWN = object()


def address_of(row: AddressRow) -> Address:
    return Address(
        street=row.street,
        building_number=row.building_number,
        apartment_number=row.apartment_number,
        postal_code=row.postal_code,
        city=row.city,
    )


@strawberry.type
class ReadingWindow:
    opens_on: date
    closes_on: date
    is_open: bool


@strawberry.type
class ConsumptionPoint:
    month: date = strawberry.field(description="first day of the month")
    volume: Decimal
    estimated: bool


@strawberry.type
class LedgerEntry:
    date: date
    kind: LedgerEntryKind
    reference: str
    debit: Money | None
    credit: Money | None
    balance_after: Money
    description: str = strawberry.field(
        description="what the entry is, in a few words: a document's billing period, "
        "how a payment came"
    )

    @classmethod
    def of(cls, line: LedgerLine) -> LedgerEntry:
        return cls(
            date=line.date,
            kind=LedgerEntryKind(line.kind),
            reference=line.reference,
            debit=money_or_none(line.debit),
            credit=money_or_none(line.credit),
            balance_after=Money.of(line.balance_after),
            description=line.description,
        )


@strawberry.type(
    description="the ledger of a date range between the balance carried over into it "
    "and the balance at its end"
)
class Statement:
    from_: date = strawberry.field(name="from")
    to: date
    opening: Money = strawberry.field(
        description="the balance at the start of `from`: everything before it"
    )
    closing: Money = strawberry.field(
        description="the balance at the end of `to`: opening plus every entry"
    )
    total_debit: Money
    total_credit: Money
    entries: list[LedgerEntry]
    csv_url: str = strawberry.field(description="relative URL of the statement as CSV")
    pdf_url: str = strawberry.field(description="relative URL of the statement as PDF")

    @classmethod
    def of(cls, number: str, found: StatementOf) -> Statement:
        query = urlencode({"konto": number, "from": found.start, "to": found.end})
        return cls(
            from_=found.start,
            to=found.end,
            opening=Money.of(found.opening),
            closing=Money.of(found.closing),
            total_debit=Money.of(found.debits),
            total_credit=Money.of(found.credits),
            entries=[LedgerEntry.of(line) for line in found.lines],
            csv_url=f"/saldo.csv?{query}",
            pdf_url=f"/saldo.pdf?{query}",
        )


@strawberry.type
class Contract(relay.Node):
    id: relay.NodeID[int]
    number: str
    signed_on: date
    valid_from: date
    valid_to: date | None
    services: list[Service]
    premises_address: Address

    @classmethod
    def from_row(cls, row: ContractRow) -> Contract:
        return cls(
            id=row.id,
            number=row.number,
            signed_on=row.signed_on,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            services=list(row.services),
            premises_address=address_of(row.premises),
        )


@strawberry.type
class Reading(relay.Node):
    id: relay.NodeID[int]
    value: Decimal
    read_on: date
    source: ReadingSource
    submitted_at: datetime
    row: strawberry.Private[ReadingRow]
    # The value of the meter's reading before this one, when already known.
    previous: strawberry.Private[object] = UNKNOWN

    @classmethod
    def from_row(cls, row: ReadingRow, previous: object = UNKNOWN) -> Reading:
        return cls(
            id=row.id,
            value=row.value,
            read_on=row.read_on,
            source=row.source,
            submitted_at=row.submitted_at,
            row=row,
            previous=previous,
        )

    @strawberry.field
    async def meter(self, info: strawberry.Info[Context]) -> Meter:
        meter = await info.context.loaders.meters_by_id.load(self.row.meter_id)
        assert meter is not None  # a reading's meter always exists (RESTRICT on delete)
        return Meter.from_row(meter)

    @strawberry.field(
        description="m3 since the previous reading of the same meter (rollover-aware); "
        "null for the first"
    )
    async def consumption(self, info: strawberry.Info[Context]) -> Decimal | None:
        loaders = info.context.loaders
        meter = await loaders.meters_by_id.load(self.row.meter_id)
        assert meter is not None
        previous = self.previous
        if previous is UNKNOWN:
            previous = await loaders.previous_value_by_reading.load(self.id)
        assert previous is None or isinstance(previous, Decimal)
        return consumption_since(previous, self.row, meter.digits)


def _readings_with_previous(newest_first: list[ReadingRow], limit: int) -> list[Reading]:
    """Readings of one meter, newest first, each told the value of the next one in the
    list (its predecessor) when the list has it."""
    found = []
    for index, row in enumerate(newest_first[:limit]):
        older = newest_first[index + 1] if index + 1 < len(newest_first) else None
        found.append(Reading.from_row(row, older.value if older else UNKNOWN))
    return found


@strawberry.type
class Meter(relay.Node):
    id: relay.NodeID[int]
    serial_number: str
    is_main: bool = strawberry.field(description="true for the main (building) meter")
    premises_address: Address
    installed_on: date
    digits: int = strawberry.field(
        description="number of integer digits on the register; "
        "the value rolls over to 0 past 10^digits"
    )
    row: strawberry.Private[MeterRow]

    @classmethod
    def from_row(cls, row: MeterRow) -> Meter:
        return cls(
            id=row.id,
            serial_number=row.serial_number,
            is_main=row.is_main,
            premises_address=address_of(row.premises),
            installed_on=row.installed_on,
            digits=row.digits,
            row=row,
        )

    @strawberry.field(description="the account the meter belongs to")
    async def account(self, info: strawberry.Info[Context]) -> Account:
        row = await info.context.loaders.accounts_by_id.load(self.row.account_id)
        assert row is not None  # a meter's account always exists (RESTRICT on delete)
        return Account.from_row(row)

    @strawberry.field
    async def last_reading(self, info: strawberry.Info[Context]) -> Reading | None:
        newest, previous = await last_two_readings(info.context, self.row)
        return None if newest is None else Reading.from_row(newest, previous)

    @strawberry.field
    async def readings(
        self, info: strawberry.Info[Context], first: int | None = 24, after: str | None = None
    ) -> Connection[Reading]:
        size = check_page_size(first, default=24)
        start = page_start(after)
        rows, total = await reading_page(self.id, start, size)
        return connection(_readings_with_previous(rows, size + 1), start, size, total)

    @strawberry.field(
        description="whether the viewer could submit a reading for this meter right now"
    )
    async def can_submit_reading(self, info: strawberry.Info[Context]) -> bool:
        return await submission_blocked_by(info.context, self.row) is None

    @strawberry.field(description="why not, when canSubmitReading is false")
    async def submission_blocked_by(self, info: strawberry.Info[Context]) -> ErrorCode | None:
        return await submission_blocked_by(info.context, self.row)


@strawberry.type
class Account(relay.Node):
    id: relay.NodeID[int]
    number: str = strawberry.field(description="customer number, as printed on invoices")
    kind: AccountKind
    holder_name: str
    tax_id: str | None = strawberry.field(
        description="the holder's tax id (NIP, 10 digits), when the holder has one"
    )
    correspondence_address: Address
    email: str | None
    phone: str | None
    billing_cycle: BillingCycle
    e_readings_blocked: bool = strawberry.field(
        description="true after a missed reading window: back on bimonthly billing, "
        "e-readings blocked"
    )
    balance: Money = strawberry.field(description="positive: the customer owes; negative: overpaid")
    row: strawberry.Private[AccountRow]

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(
            id=row.id,
            number=row.number,
            kind=row.kind,
            holder_name=row.holder_name,
            tax_id=row.tax_id,
            correspondence_address=address_of(row.address),
            email=row.email,
            phone=row.phone,
            billing_cycle=row.billing_cycle,
            e_readings_blocked=row.e_readings_blocked,
            balance=Money.of(row.balance),
            row=row,
        )

    @strawberry.field(
        description="the customer's individual bank account for transfers (IBAN, PL + 26 digits)"
    )
    def payment_account_number(self, info: strawberry.Info[Context]) -> str:
        return account_resolvers.payment_account_number(info.context, self.row)

    @strawberry.field
    async def overdue(self, info: strawberry.Info[Context]) -> Money:
        return Money.of(await account_resolvers.overdue(info.context, self.id))

    @strawberry.field
    async def next_due_date(self, info: strawberry.Info[Context]) -> date | None:
        return await account_resolvers.next_due_date(info.context, self.id)

    @strawberry.field
    async def contracts(self, info: strawberry.Info[Context]) -> list[Contract]:
        rows = await info.context.loaders.contracts_by_account.load(self.id)
        return [Contract.from_row(r) for r in rows]

    @strawberry.field
    async def meters(self, info: strawberry.Info[Context]) -> list[Meter]:
        rows = await info.context.loaders.meters_by_account.load(self.id)
        return [Meter.from_row(r) for r in rows]

    @strawberry.field
    async def invoices(
        self,
        info: strawberry.Info[Context],
        first: int | None = 20,
        after: str | None = None,
        status: InvoiceStatus | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> Connection[Invoice]:
        size = check_page_size(first)
        page = await account_resolvers.invoice_page(
            info.context, self.id, status, from_, to, page_start(after), size
        )
        nodes = [Invoice.from_row(r) for r in page.rows]
        return connection(nodes, page.offset, page.size, page.total)

    @strawberry.field
    async def invoice(self, info: strawberry.Info[Context], number: str) -> Invoice | None:
        found = await account_resolvers.invoice_of_account(info.context, self.id, number)
        return Invoice.from_row(found) if found else None

    @strawberry.field
    async def payments(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[Payment]:
        size = check_page_size(first)
        page = await account_resolvers.payment_page(info.context, self.id, page_start(after), size)
        nodes = [Payment.from_row(r) for r in page.rows]
        return connection(nodes, page.offset, page.size, page.total)

    @strawberry.field(
        description="the balance at the end of the given day (documents issued and payments "
        "booked up to and including it): the opening or closing line of a statement"
    )
    async def balance_on(self, info: strawberry.Info[Context], day: date) -> Money:
        return Money.of(await account_resolvers.balance_on(info.context, self.row, day))

    @strawberry.field(
        description="every charge and payment with the running balance: "
        "the customer's balance analysis"
    )
    async def ledger(
        self,
        info: strawberry.Info[Context],
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[LedgerEntry]:
        lines = await account_resolvers.ledger(info.context, self.row, from_, to)
        return [LedgerEntry.of(line) for line in lines]

    @strawberry.field(
        description="the statement of a date range (this year so far by default): "
        "opening balance, every charge and payment with the running balance, closing "
        "balance; a range may span at most ten years"
    )
    async def statement(
        self,
        info: strawberry.Info[Context],
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> Statement:
        found = await account_resolvers.statement(info.context, self.row, from_, to)
        return Statement.of(self.number, found)

    @strawberry.field(
        description="metered consumption per calendar month, from readings "
        "(estimated months flagged)"
    )
    async def consumption(
        self,
        info: strawberry.Info[Context],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> list[ConsumptionPoint]:
        points = await account_resolvers.consumption(info.context, self.id, from_, to)
        return [
            ConsumptionPoint(month=p.month, volume=p.volume, estimated=p.estimated) for p in points
        ]

    @strawberry.field(description="an estimated invoice for a period the customer chooses")
    async def forecast(
        self,
        info: strawberry.Info[Context],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> Forecast:
        return Forecast.of(await forecast_resolvers.forecast(info.context, self.row, from_, to))

    @strawberry.field(description="what the bill would be if the given readings were taken today")
    async def simulate(
        self, info: strawberry.Info[Context], readings: list[SimulatedReadingInput]
    ) -> Forecast:
        given = [forecast_resolvers.SimulatedReading(str(r.meter_id), r.value) for r in readings]
        try:
            found = await forecast_resolvers.simulate(info.context, self.row, given)
        except DomainError as error:
            if error.top_level:
                raise
            raise refusal(error, info.context.language) from error
        return Forecast.of(found)

    @strawberry.field
    async def billing_cycle_change_requests(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[BillingCycleChangeRequest, strawberry.lazy(TALK)]]:
        from schema.types.talk import BillingCycleChangeRequest

        found = await info.context.loaders.cycle_requests_by_account.load(self.id)
        return [BillingCycleChangeRequest.from_row(r) for r in found]

    @strawberry.field
    async def message_threads(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[Annotated[MessageThread, strawberry.lazy(TALK)]]:
        from schema.types.talk import MessageThread

        found = await info.context.loaders.threads_by_account.load(self.id)
        return paginate([MessageThread.from_row(r) for r in found], first, after)

    @strawberry.field
    async def data_change_requests(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[DataChangeRequest, strawberry.lazy(TALK)]]:
        from schema.types.talk import DataChangeRequest

        found = await info.context.loaders.data_change_requests_by_account.load(self.id)
        return [DataChangeRequest.from_row(r) for r in found]

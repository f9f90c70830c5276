"""Invoices, their lines, payments and the tariff."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

import strawberry
from strawberry import relay

from models.rows import InvoiceLineRow, InvoiceRow, PaymentRow, TariffRow
from models.rules.billing import gross_unit_price
from models.rules.transfer import transfer_title
from resolvers.accounts import invoice_amount_due, invoice_status
from resolvers.context import Context
from schema.types.common import Money
from schema.types.enums import InvoiceKind, InvoiceStatus, PaymentMethod, PaymentStatus, Service

if TYPE_CHECKING:
    from schema.types.accounts import Account, Reading

ACCOUNTS = "schema.types.accounts"


def invoice_path(number: str) -> str:
    """Invoice numbers contain slashes (FV/2026/11/000123): keep them as path segments."""
    return "/faktury/" + quote(number, safe="/")


@strawberry.type
class Tariff:
    valid_from: date
    valid_to: date | None
    water_price: Money = strawberry.field(description="net price per m3")
    sewage_price: Money
    subscription_fee: Money = strawberry.field(description="net fixed fee per month and account")
    vat_rate: Decimal
    water_price_gross: Money = strawberry.field(
        description="price per m3 with VAT, rounded to grosze as an invoice line is"
    )
    sewage_price_gross: Money
    subscription_fee_gross: Money

    @classmethod
    def from_row(cls, row: TariffRow) -> Tariff:
        return cls(
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            water_price=Money.of(row.water_price),
            sewage_price=Money.of(row.sewage_price),
            subscription_fee=Money.of(row.subscription_fee),
            vat_rate=row.vat_rate.normalize(),
            water_price_gross=Money.of(gross_unit_price(row.water_price, row.vat_rate)),
            sewage_price_gross=Money.of(gross_unit_price(row.sewage_price, row.vat_rate)),
            subscription_fee_gross=Money.of(gross_unit_price(row.subscription_fee, row.vat_rate)),
        )


@strawberry.type
class InvoiceLine:
    service: Service
    description: str
    quantity: Decimal
    unit: str = strawberry.field(description="M3 or MONTH")
    unit_price: Money
    net: Money
    vat_rate: Decimal = strawberry.field(description='e.g. "8" for 8 %')
    vat: Money
    gross: Money
    estimated: bool = strawberry.field(description="true when the quantity was estimated, not read")

    @classmethod
    def from_row(cls, row: InvoiceLineRow) -> InvoiceLine:
        return cls(
            service=row.service,
            description=row.description,
            quantity=row.quantity,
            unit=row.unit,
            unit_price=Money.of(row.unit_price),
            net=Money.of(row.net),
            vat_rate=row.vat_rate.normalize(),
            vat=Money.of(row.vat),
            gross=Money.of(row.gross),
            estimated=row.estimated,
        )


@strawberry.type
class Invoice(relay.Node):
    id: relay.NodeID[int]
    number: str
    kind: InvoiceKind
    issued_on: date
    period_from: date
    period_to: date
    due_date: date
    net: Money
    vat: Money
    gross: Money
    ksef_number: str | None = strawberry.field(
        description="number assigned by the national e-invoice system, once sent"
    )
    row: strawberry.Private[InvoiceRow]

    @classmethod
    def from_row(cls, row: InvoiceRow) -> Invoice:
        return cls(
            id=row.id,
            number=row.number,
            kind=row.kind,
            issued_on=row.issued_on,
            period_from=row.period_from,
            period_to=row.period_to,
            due_date=row.due_date,
            net=Money.of(row.net),
            vat=Money.of(row.vat),
            gross=Money.of(row.gross),
            ksef_number=row.ksef_number,
            row=row,
        )

    @strawberry.field
    def status(self, info: strawberry.Info[Context]) -> InvoiceStatus:
        return invoice_status(info.context, self.row)

    @strawberry.field
    def amount_due(self) -> Money:
        return Money.of(invoice_amount_due(self.row))

    @strawberry.field
    async def lines(self, info: strawberry.Info[Context]) -> list[InvoiceLine]:
        rows = await info.context.loaders.lines_by_invoice.load(self.id)
        return [InvoiceLine.from_row(r) for r in rows]

    @strawberry.field(
        description="relative URL of the invoice image (PDF), readable by its owner and staff"
    )
    def pdf_url(self) -> str:
        return invoice_path(self.number) + ".pdf"

    @strawberry.field(description="relative URL of the structured e-invoice (KSeF FA(3) XML)")
    def e_invoice_url(self) -> str:
        return invoice_path(self.number) + ".xml"

    @strawberry.field(description="the payment title to write on a transfer")
    async def transfer_title(self, info: strawberry.Info[Context]) -> str:
        account = await info.context.loaders.accounts_by_id.load(self.row.account_id)
        assert account is not None  # an invoice always belongs to an account
        return transfer_title(account.number, self.number)

    @strawberry.field(description="the account the invoice was issued to")
    async def account(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Account, strawberry.lazy(ACCOUNTS)]:
        from schema.types.accounts import Account

        row = await info.context.loaders.accounts_by_id.load(self.row.account_id)
        assert row is not None  # an invoice always belongs to an account
        return Account.from_row(row)

    @strawberry.field(
        description="the readings the invoice's quantities come from "
        "(estimated ones flagged by source)"
    )
    async def readings(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[Reading, strawberry.lazy(ACCOUNTS)]]:
        from schema.types.accounts import Reading

        rows = await info.context.loaders.readings_by_invoice.load(self.id)
        return [Reading.from_row(r) for r in rows]

    @strawberry.field(description="for a correction: the invoice it corrects")
    async def corrected_invoice(self, info: strawberry.Info[Context]) -> Invoice | None:
        if self.row.corrects_id is None:
            return None
        row = await info.context.loaders.invoices_by_id.load(self.row.corrects_id)
        return Invoice.from_row(row) if row else None

    @strawberry.field(description="the corrections issued against this invoice")
    async def corrections(self, info: strawberry.Info[Context]) -> list[Invoice]:
        rows = await info.context.loaders.corrections_by_invoice.load(self.id)
        return [Invoice.from_row(r) for r in rows]


@strawberry.type
class PaymentAllocation:
    invoice: Invoice
    amount: Money


@strawberry.type
class Payment(relay.Node):
    id: relay.NodeID[int]
    amount: Money
    method: PaymentMethod
    status: PaymentStatus
    created_at: datetime
    booked_on: date | None
    reference: str
    from_bank_statement: bool = strawberry.field(
        default=False,
        description="a credit read from an imported bank statement: STAFF may give a wrong "
        "assignment of it back to the queue (reverseCreditAssignment)",
    )
    account_id: strawberry.Private[int | None] = None

    @classmethod
    def from_row(cls, row: PaymentRow) -> Payment:
        return cls(
            account_id=row.account_id,
            id=row.id,
            amount=Money.of(row.amount),
            method=row.method,
            status=row.status,
            created_at=row.created_at,
            booked_on=row.booked_on,
            reference=row.reference,
            from_bank_statement=row.statement_id is not None
            and row.method == PaymentMethod.BANK_TRANSFER,
        )

    @strawberry.field(
        description="the account the payment was made to (null while an unmatched bank "
        "credit waits for staff)"
    )
    async def account(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Account, strawberry.lazy(ACCOUNTS)] | None:
        from schema.types.accounts import Account

        if self.account_id is None:
            return None
        row = await info.context.loaders.accounts_by_id.load(self.account_id)
        return Account.from_row(row) if row is not None else None

    @strawberry.field
    async def allocations(self, info: strawberry.Info[Context]) -> list[PaymentAllocation]:
        rows = await info.context.loaders.allocations_by_payment.load(self.id)
        return [
            PaymentAllocation(invoice=Invoice.from_row(a.invoice), amount=Money.of(a.amount))
            for a in rows
        ]

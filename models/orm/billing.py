"""Money: tariffs, invoices and their lines, payments and what they paid."""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

from models.enums import InvoiceKind, InvoiceStatus, PaymentMethod, PaymentStatus, Service
from models.orm._fields import money, volume
from models.orm.accounts import Account, Reading
from models.orm.identity import User


class Tariff(Model):
    """A price list approved by the regulator, valid from a day until the next one."""

    id = fields.IntField(primary_key=True)
    valid_from = fields.DateField(unique=True)
    valid_to = fields.DateField(null=True)
    water_price = money()
    sewage_price = money()
    subscription_fee = money()
    vat_rate = fields.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        table = "tariffs"


class Invoice(Model):
    """An issued document. Totals are stored because an invoice never changes once issued,
    they always equal the sum of its lines (checked by tests and by the billing code)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="invoices", on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(InvoiceKind, max_length=16, default=InvoiceKind.INVOICE)
    issued_on = fields.DateField()
    period_from = fields.DateField()
    period_to = fields.DateField()
    due_date = fields.DateField()
    net = money()
    vat = money()
    gross = money()
    # Kept exact by the services that book payments (models/services/figures.py), in
    # the transaction that changes them: what completed payments allocated to it,
    # and UNPAID, PARTIALLY_PAID or PAID accordingly. OVERDUE is never stored: it
    # depends on the day, and is read from the due date of an invoice not yet PAID.
    paid = money(default=Decimal("0"))
    settlement = fields.CharEnumField(InvoiceStatus, max_length=16, default=InvoiceStatus.UNPAID)
    corrects: fields.ForeignKeyNullableRelation[Invoice] = fields.ForeignKeyField(
        "ebok.Invoice",
        related_name="corrections",
        null=True,
        on_delete=fields.RESTRICT,
    )
    ksef_number = fields.CharField(max_length=35, null=True, unique=True)
    # What the billing run issued this document for: "<account id>:<period end>" for a
    # period's invoice, "<corrected id>:correction" for a correction. Unique, so a run
    # repeated (or two at once) can never issue the same document twice.
    billing_key = fields.CharField(max_length=80, null=True, unique=True)
    created_at = fields.DatetimeField()
    readings: fields.ManyToManyRelation[Reading] = fields.ManyToManyField(
        "ebok.Reading",
        related_name="invoices",
        through="invoice_readings",
        forward_key="reading_id",
        backward_key="invoice_id",
    )

    class Meta:
        table = "invoices"
        indexes = (
            ("account_id", "issued_on"),
            ("account_id", "due_date"),
            # The open invoices of an account, oldest due first: the dashboard's figures.
            ("account_id", "settlement", "due_date"),
            ("corrects_id",),
        )


class InvoiceSeries(Model):
    """The last number given in a series (e.g. "FV/2026/11"): numbers follow without
    gaps because the next is taken, under a row lock, in the invoice's transaction."""

    series = fields.CharField(max_length=32, primary_key=True)
    last_number = fields.IntField(default=0)

    class Meta:
        table = "invoice_series"


class InvoiceLine(Model):
    id = fields.IntField(primary_key=True)
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "ebok.Invoice", related_name="lines", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    service = fields.CharEnumField(Service, max_length=16)
    description = fields.CharField(max_length=200)
    quantity = volume()
    unit = fields.CharField(max_length=8)
    unit_price = money()
    net = money()
    vat_rate = fields.DecimalField(max_digits=5, decimal_places=2)
    vat = money()
    gross = money()
    estimated = fields.BooleanField(default=False)
    tariff: fields.ForeignKeyNullableRelation[Tariff] = fields.ForeignKeyField(
        "ebok.Tariff", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "invoice_lines"
        unique_together = (("invoice", "position"),)


class BankStatement(Model):
    """An imported statement file (one row per distinct file, by its hash); what it
    booked is in `payments`, its transaction counts are kept for the staff's list."""

    id = fields.IntField(primary_key=True)
    filename = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64, unique=True)
    format = fields.CharField(max_length=16)
    imported_at = fields.DatetimeField()
    imported_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    transactions = fields.IntField(default=0)
    credits = fields.IntField(default=0)
    period_from = fields.DateField(null=True)
    period_to = fields.DateField(null=True)

    class Meta:
        table = "bank_statements"
        indexes = (("imported_at",),)


class Payment(Model):
    """Money received (or, with a negative amount, refunded).

    `reference` is unique: a bank transaction reference or a gateway session id, so a
    statement imported twice or a notification delivered twice books one payment.
    `account` is NULL while an unmatched credit waits in the staff queue.
    """

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="payments", null=True, on_delete=fields.RESTRICT
    )
    amount = money()
    method = fields.CharEnumField(PaymentMethod, max_length=16)
    status = fields.CharEnumField(PaymentStatus, max_length=16)
    created_at = fields.DatetimeField()
    booked_on = fields.DateField(null=True)
    reference = fields.CharField(max_length=64, unique=True)
    title = fields.CharField(max_length=255, default="")
    payer_name = fields.CharField(max_length=200, null=True)
    payer_account = fields.CharField(max_length=34, null=True)
    statement: fields.ForeignKeyNullableRelation[BankStatement] = fields.ForeignKeyField(
        "ebok.BankStatement", related_name="payments", null=True, on_delete=fields.RESTRICT
    )
    # An online payment's order: the provider that takes it ("sandbox", "przelewy24"),
    # the provider's own order id once it reports one, and the page on this site the
    # customer returns to (a path).
    provider = fields.CharField(max_length=16, null=True)
    provider_order_id = fields.BigIntField(null=True)
    return_url = fields.CharField(max_length=500, null=True)
    chosen_invoices: fields.ManyToManyRelation[Invoice] = fields.ManyToManyField(
        "ebok.Invoice",
        related_name="payment_requests",
        through="payment_chosen_invoices",
        forward_key="invoice_id",
        backward_key="payment_id",
    )

    class Meta:
        table = "payments"
        indexes = (
            ("account_id", "booked_on"),
            ("account_id", "created_at"),
            ("status", "created_at"),
        )


class PaymentAllocation(Model):
    id = fields.IntField(primary_key=True)
    payment: fields.ForeignKeyRelation[Payment] = fields.ForeignKeyField(
        "ebok.Payment", related_name="allocations", on_delete=fields.CASCADE
    )
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "ebok.Invoice", related_name="allocations", on_delete=fields.RESTRICT
    )
    amount = money()

    class Meta:
        table = "payment_allocations"
        indexes = (("invoice_id",),)
        unique_together = (("payment", "invoice"),)

"""The customer relationship: accounts, premises, contracts, meters and their readings."""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

from models.enums import AccountKind, BillingCycle, ReadingSource
from models.orm._fields import money, volume
from models.orm.identity import User


class Account(Model):
    """A customer (odbiorca usług) under one customer number."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True)
    kind = fields.CharEnumField(AccountKind, max_length=32)
    holder_name = fields.CharField(max_length=200)
    tax_id = fields.CharField(max_length=10, null=True)
    street = fields.CharField(max_length=120)
    building_number = fields.CharField(max_length=16)
    apartment_number = fields.CharField(max_length=16, null=True)
    postal_code = fields.CharField(max_length=6)
    city = fields.CharField(max_length=80)
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=32, null=True)
    billing_cycle = fields.CharEnumField(BillingCycle, max_length=16)
    e_readings_blocked = fields.BooleanField(default=False)
    # When a missed reading window blocked e-readings (the why is in the audit log).
    e_readings_blocked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    # What the customer owes (positive) or overpaid (negative): every invoice less
    # every completed payment, kept exact by the services that issue and book them.
    balance = money(default=Decimal("0"))
    # Bumped by every change to anything of the account: an unchanged version lets a
    # repeated view be answered "304 Not Modified" without running its operation.
    version = fields.IntField(default=0)

    class Meta:
        table = "accounts"
        # Staff's list of blocked accounts, newest block first.
        indexes = (("e_readings_blocked", "e_readings_blocked_at"),)


class Premises(Model):
    """A place supplied with water: a house, a flat, a building."""

    id = fields.IntField(primary_key=True)
    street = fields.CharField(max_length=120)
    building_number = fields.CharField(max_length=16)
    apartment_number = fields.CharField(max_length=16, null=True)
    postal_code = fields.CharField(max_length=6)
    city = fields.CharField(max_length=80)

    class Meta:
        table = "premises"


class Contract(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="contracts", on_delete=fields.RESTRICT
    )
    premises: fields.ForeignKeyRelation[Premises] = fields.ForeignKeyField(
        "ebok.Premises", related_name="contracts", on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=32, unique=True)
    signed_on = fields.DateField()
    valid_from = fields.DateField()
    valid_to = fields.DateField(null=True)
    services = fields.CharField(max_length=64, description="comma-separated Service values")

    class Meta:
        table = "contracts"
        indexes = (("account_id",),)


class Meter(Model):
    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "ebok.Contract", related_name="meters", on_delete=fields.RESTRICT
    )
    serial_number = fields.CharField(max_length=32, unique=True)
    is_main = fields.BooleanField(default=False)
    installed_on = fields.DateField()
    removed_on = fields.DateField(null=True)
    digits = fields.SmallIntField(default=5)

    class Meta:
        table = "meters"
        indexes = (("contract_id",),)


class Reading(Model):
    """One register value of one meter.

    `customer_month` is the first day of the month for a customer's own reading and
    NULL otherwise, so the unique pair (meter, customer_month) lets the database
    itself refuse a second customer reading in a month while collectors, estimates
    and meter replacements are unconstrained (NULLs never collide).
    """

    id = fields.IntField(primary_key=True)
    meter: fields.ForeignKeyRelation[Meter] = fields.ForeignKeyField(
        "ebok.Meter", related_name="readings", on_delete=fields.RESTRICT
    )
    value = volume()
    read_on = fields.DateField()
    source = fields.CharEnumField(ReadingSource, max_length=32)
    submitted_at = fields.DatetimeField()
    submitted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    customer_month = fields.DateField(null=True)
    flagged_implausible = fields.BooleanField(default=False)

    class Meta:
        table = "readings"
        unique_together = (("meter", "customer_month"),)
        # The meter's history; staff's list of unusual readings to review.
        indexes = (("meter_id", "read_on"), ("flagged_implausible", "submitted_at"))

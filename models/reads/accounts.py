"""Accounts, who may see them, their contracts and meters."""

from __future__ import annotations

from collections.abc import Sequence

from models.enums import AccountKind, BillingCycle, Service
from models.reads.sql import Row, as_date, as_decimal, as_optional_date, fetch
from models.rows import AccountRow, AddressRow, ContractRow, MeterRow

_ACCOUNT = """a.id, a.number, a.kind, a.holder_name, a.tax_id, a.street, a.building_number,
    a.apartment_number, a.postal_code, a.city, a.email, a.phone, a.billing_cycle,
    a.e_readings_blocked, a.balance, a.version"""
_PREMISES = "p.street, p.building_number, p.apartment_number, p.postal_code, p.city"


def _address(row: Row) -> AddressRow:
    return AddressRow(
        row["street"],
        row["building_number"],
        row["apartment_number"],
        row["postal_code"],
        row["city"],
    )


def _account(row: Row) -> AccountRow:
    return AccountRow(
        id=row["id"],
        number=row["number"],
        kind=AccountKind(row["kind"]),
        holder_name=row["holder_name"],
        tax_id=row["tax_id"],
        address=_address(row),
        email=row["email"],
        phone=row["phone"],
        billing_cycle=BillingCycle(row["billing_cycle"]),
        e_readings_blocked=bool(row["e_readings_blocked"]),
        balance=as_decimal(row["balance"]),
        version=row["version"],
    )


async def accounts_by_ids(ids: Sequence[int]) -> list[AccountRow]:
    sql = f"SELECT {_ACCOUNT} FROM accounts a WHERE a.id IN ({{ids}})"
    return [_account(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def accounts_by_numbers(numbers: Sequence[str]) -> list[AccountRow]:
    """Any accounts with these numbers (for staff, who see every account)."""
    sql = f"SELECT {_ACCOUNT} FROM accounts a WHERE a.number IN ({{ids}})"
    return [_account(r) for r in await fetch(sql, numbers, list_length=len(numbers))]


async def linked_accounts_by_numbers(user_id: int, numbers: Sequence[str]) -> list[AccountRow]:
    """Those of the accounts with these numbers that are linked to the user: one
    statement finds the account and proves the viewer may see it."""
    sql = f"""SELECT {_ACCOUNT} FROM accounts a
        JOIN user_accounts ua ON ua.account_id = a.id AND ua.user_id = ?
        WHERE a.number IN ({{ids}})"""
    return [_account(r) for r in await fetch(sql, [user_id, *numbers], list_length=len(numbers))]


async def linked_accounts(user_id: int) -> list[AccountRow]:
    """The accounts linked to a user, in the order they were created."""
    sql = f"""SELECT {_ACCOUNT} FROM accounts a
        JOIN user_accounts ua ON ua.account_id = a.id
        WHERE ua.user_id = ? ORDER BY a.id"""
    return [_account(r) for r in await fetch(sql, [user_id])]


async def linked_account_ids(user_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(user id, account id) pairs for these users, by account id."""
    sql = """SELECT user_id, account_id FROM user_accounts
        WHERE user_id IN ({ids}) ORDER BY account_id"""
    rows = await fetch(sql, user_ids, list_length=len(user_ids))
    return [(r["user_id"], r["account_id"]) for r in rows]


async def contracts_of_accounts(ids: Sequence[int]) -> list[ContractRow]:
    sql = f"""SELECT c.id, c.account_id, c.number, c.signed_on, c.valid_from, c.valid_to,
        c.services, {_PREMISES}
        FROM contracts c JOIN premises p ON p.id = c.premises_id
        WHERE c.account_id IN ({{ids}}) ORDER BY c.id"""
    return [
        ContractRow(
            id=r["id"],
            account_id=r["account_id"],
            number=r["number"],
            signed_on=as_date(r["signed_on"]),
            valid_from=as_date(r["valid_from"]),
            valid_to=as_optional_date(r["valid_to"]),
            services=tuple(Service(s) for s in r["services"].split(",") if s),
            premises=_address(r),
        )
        for r in await fetch(sql, ids, list_length=len(ids))
    ]


# Contracts first: an account's meters are found through its contracts (both indexed).
_METER = f"""m.id, c.account_id, m.serial_number, m.is_main, m.installed_on, m.removed_on,
    m.digits, {_PREMISES}
    FROM contracts c JOIN meters m ON m.contract_id = c.id
    JOIN premises p ON p.id = c.premises_id"""


def _meter(row: Row) -> MeterRow:
    return MeterRow(
        id=row["id"],
        account_id=row["account_id"],
        serial_number=row["serial_number"],
        is_main=bool(row["is_main"]),
        installed_on=as_date(row["installed_on"]),
        removed_on=as_optional_date(row["removed_on"]),
        digits=row["digits"],
        premises=_address(row),
    )


async def meters_of_accounts(ids: Sequence[int]) -> list[MeterRow]:
    sql = f"SELECT {_METER} WHERE c.account_id IN ({{ids}}) ORDER BY m.id"
    return [_meter(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def meters_by_ids(ids: Sequence[int]) -> list[MeterRow]:
    sql = f"SELECT {_METER} WHERE m.id IN ({{ids}})"
    return [_meter(r) for r in await fetch(sql, ids, list_length=len(ids))]

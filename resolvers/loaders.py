"""Per-request DataLoaders, named `<things>_by_<key>`, results aligned to the keys.

Each loader turns the many `.load(key)` calls of one GraphQL request into one SQL
statement, so a dashboard costs the same number of statements however many
invoices, meters or readings it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from models.enums import PaymentStatus
from models.orm import (
    Account,
    Contract,
    Invoice,
    InvoiceLine,
    Meter,
    Payment,
    PaymentAllocation,
    Reading,
    Tariff,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one_each(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[V | None]:
    by_key = {key(row): row for row in rows}
    return [by_key.get(k) for k in keys]


def _many_each(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


async def _accounts_by_id(ids: list[int]) -> list[Account | None]:
    return _one_each(ids, await Account.filter(id__in=ids), lambda a: a.id)


async def _accounts_by_number(numbers: list[str]) -> list[Account | None]:
    return _one_each(numbers, await Account.filter(number__in=numbers), lambda a: a.number)


async def _account_ids_by_user(user_ids: list[int]) -> list[list[int]]:
    """The accounts linked to each user (the user_accounts link table), in id order."""
    pairs = (
        await Account.filter(users__id__in=user_ids).order_by("id").values_list("users__id", "id")
    )
    grouped = _many_each(user_ids, pairs, lambda pair: pair[0])
    return [[account_id for _, account_id in group] for group in grouped]


async def _contracts_by_account(ids: list[int]) -> list[list[Contract]]:
    rows = await Contract.filter(account_id__in=ids).select_related("premises").order_by("id")
    return _many_each(ids, rows, lambda c: c.account_id)


async def _meters_by_account(ids: list[int]) -> list[list[Meter]]:
    rows = (
        await Meter.filter(contract__account_id__in=ids)
        .select_related("contract__premises")
        .order_by("id")
    )
    return _many_each(ids, rows, lambda m: m.contract.account_id)


async def _meters_by_id(ids: list[int]) -> list[Meter | None]:
    rows = await Meter.filter(id__in=ids).select_related("contract__premises")
    return _one_each(ids, rows, lambda m: m.id)


async def _readings_by_meter(ids: list[int]) -> list[list[Reading]]:
    """Every reading of each meter, oldest first (consumption needs the predecessor)."""
    rows = await Reading.filter(meter_id__in=ids).order_by("read_on", "id")
    return _many_each(ids, rows, lambda r: r.meter_id)


async def _readings_by_id(ids: list[int]) -> list[Reading | None]:
    return _one_each(ids, await Reading.filter(id__in=ids), lambda r: r.id)


async def _invoices_by_account(ids: list[int]) -> list[list[Invoice]]:
    """Newest first, the order customers read their invoices in."""
    rows = await Invoice.filter(account_id__in=ids).order_by("-issued_on", "-id")
    return _many_each(ids, rows, lambda i: i.account_id)


async def _invoices_by_id(ids: list[int]) -> list[Invoice | None]:
    return _one_each(ids, await Invoice.filter(id__in=ids), lambda i: i.id)


async def _lines_by_invoice(ids: list[int]) -> list[list[InvoiceLine]]:
    rows = await InvoiceLine.filter(invoice_id__in=ids).order_by("position")
    return _many_each(ids, rows, lambda line: line.invoice_id)


async def _readings_by_invoice(ids: list[int]) -> list[list[Reading]]:
    invoices = await Invoice.filter(id__in=ids).prefetch_related("readings")
    by_id = {i.id: sorted(i.readings, key=lambda r: (r.read_on, r.id)) for i in invoices}
    return [by_id.get(i, []) for i in ids]


async def _corrections_by_invoice(ids: list[int]) -> list[list[Invoice]]:
    rows = await Invoice.filter(corrects_id__in=ids).order_by("issued_on", "id")
    return _many_each(ids, rows, lambda i: i.corrects_id)


async def _paid_allocations_by_invoice(ids: list[int]) -> list[list[PaymentAllocation]]:
    """Allocations of completed payments only: a pending online payment pays nothing yet."""
    rows = await PaymentAllocation.filter(
        invoice_id__in=ids, payment__status=PaymentStatus.COMPLETED
    ).order_by("id")
    return _many_each(ids, rows, lambda a: a.invoice_id)


async def _allocations_by_payment(ids: list[int]) -> list[list[PaymentAllocation]]:
    rows = await PaymentAllocation.filter(payment_id__in=ids).order_by("id")
    return _many_each(ids, rows, lambda a: a.payment_id)


async def _payments_by_account(ids: list[int]) -> list[list[Payment]]:
    """Newest first."""
    rows = await Payment.filter(account_id__in=ids).order_by("-created_at", "-id")
    return _many_each(ids, rows, lambda p: p.account_id)


async def _payments_by_id(ids: list[int]) -> list[Payment | None]:
    return _one_each(ids, await Payment.filter(id__in=ids), lambda p: p.id)


async def _all_tariffs(keys: list[str]) -> list[list[Tariff]]:
    rows = await Tariff.all().order_by("valid_from")
    return [rows for _ in keys]


def _loader(fn: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
    return DataLoader(load_fn=fn)


class Loaders:
    """A fresh set per request: nothing cached outlives the request that loaded it."""

    def __init__(self) -> None:
        self.accounts_by_id = _loader(_accounts_by_id)
        self.accounts_by_number = _loader(_accounts_by_number)
        self.account_ids_by_user = _loader(_account_ids_by_user)
        self.contracts_by_account = _loader(_contracts_by_account)
        self.meters_by_account = _loader(_meters_by_account)
        self.meters_by_id = _loader(_meters_by_id)
        self.readings_by_meter = _loader(_readings_by_meter)
        self.readings_by_id = _loader(_readings_by_id)
        self.invoices_by_account = _loader(_invoices_by_account)
        self.invoices_by_id = _loader(_invoices_by_id)
        self.lines_by_invoice = _loader(_lines_by_invoice)
        self.readings_by_invoice = _loader(_readings_by_invoice)
        self.corrections_by_invoice = _loader(_corrections_by_invoice)
        self.paid_allocations_by_invoice = _loader(_paid_allocations_by_invoice)
        self.allocations_by_payment = _loader(_allocations_by_payment)
        self.payments_by_account = _loader(_payments_by_account)
        self.payments_by_id = _loader(_payments_by_id)
        self.tariffs = _loader(_all_tariffs)

    def clear_all(self) -> None:
        """After a mutation: later fields of the same request see the new state."""
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()

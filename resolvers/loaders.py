"""Per-request DataLoaders, named `<things>_by_<key>`, results aligned to the keys.

Each loader turns the many `.load(key)` calls of one GraphQL request into one SQL
statement, so a dashboard costs the same number of statements however many
invoices, meters or readings it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader

from models.clock import Clock
from models.enums import PaymentStatus
from models.orm import (
    Account,
    ApiToken,
    Attachment,
    BillingCycleChangeRequest,
    Contract,
    DataChangeRequest,
    Invoice,
    InvoiceLine,
    Message,
    MessageThread,
    Meter,
    Payment,
    PaymentAllocation,
    Reading,
    Tariff,
)
from models.services.tokens import live_tokens

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


async def _threads_by_account(ids: list[int]) -> list[list[MessageThread]]:
    """Most recently active first."""
    rows = await MessageThread.filter(account_id__in=ids).order_by("-updated_at", "-id")
    return _many_each(ids, rows, lambda t: t.account_id)


async def _messages_by_thread(ids: list[int]) -> list[list[Message]]:
    rows = await Message.filter(thread_id__in=ids).order_by("sent_at", "id")
    return _many_each(ids, rows, lambda m: m.thread_id)


async def _attachments_by_message(ids: list[int]) -> list[list[Attachment]]:
    rows = await Attachment.filter(message_id__in=ids).order_by("id")
    return _many_each(ids, rows, lambda a: a.message_id)


async def _data_change_requests_by_account(ids: list[int]) -> list[list[DataChangeRequest]]:
    rows = await DataChangeRequest.filter(account_id__in=ids).order_by("-created_at", "-id")
    return _many_each(ids, rows, lambda r: r.account_id)


async def _cycle_requests_by_account(ids: list[int]) -> list[list[BillingCycleChangeRequest]]:
    rows = await BillingCycleChangeRequest.filter(account_id__in=ids).order_by("-created_at", "-id")
    return _many_each(ids, rows, lambda r: r.account_id)


def _loader(fn: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
    return DataLoader(load_fn=fn)


class Loaders:
    """A fresh set per request, each made on first use: nothing cached outlives the
    request that loaded it, and a request that needs two loaders builds two."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or Clock()

    @cached_property
    def accounts_by_id(self) -> DataLoader[int, Account | None]:
        return _loader(_accounts_by_id)

    @cached_property
    def accounts_by_number(self) -> DataLoader[str, Account | None]:
        return _loader(_accounts_by_number)

    @cached_property
    def account_ids_by_user(self) -> DataLoader[int, list[int]]:
        return _loader(_account_ids_by_user)

    @cached_property
    def contracts_by_account(self) -> DataLoader[int, list[Contract]]:
        return _loader(_contracts_by_account)

    @cached_property
    def meters_by_account(self) -> DataLoader[int, list[Meter]]:
        return _loader(_meters_by_account)

    @cached_property
    def meters_by_id(self) -> DataLoader[int, Meter | None]:
        return _loader(_meters_by_id)

    @cached_property
    def readings_by_meter(self) -> DataLoader[int, list[Reading]]:
        return _loader(_readings_by_meter)

    @cached_property
    def readings_by_id(self) -> DataLoader[int, Reading | None]:
        return _loader(_readings_by_id)

    @cached_property
    def invoices_by_account(self) -> DataLoader[int, list[Invoice]]:
        return _loader(_invoices_by_account)

    @cached_property
    def invoices_by_id(self) -> DataLoader[int, Invoice | None]:
        return _loader(_invoices_by_id)

    @cached_property
    def lines_by_invoice(self) -> DataLoader[int, list[InvoiceLine]]:
        return _loader(_lines_by_invoice)

    @cached_property
    def readings_by_invoice(self) -> DataLoader[int, list[Reading]]:
        return _loader(_readings_by_invoice)

    @cached_property
    def corrections_by_invoice(self) -> DataLoader[int, list[Invoice]]:
        return _loader(_corrections_by_invoice)

    @cached_property
    def paid_allocations_by_invoice(self) -> DataLoader[int, list[PaymentAllocation]]:
        return _loader(_paid_allocations_by_invoice)

    @cached_property
    def allocations_by_payment(self) -> DataLoader[int, list[PaymentAllocation]]:
        return _loader(_allocations_by_payment)

    @cached_property
    def payments_by_account(self) -> DataLoader[int, list[Payment]]:
        return _loader(_payments_by_account)

    @cached_property
    def payments_by_id(self) -> DataLoader[int, Payment | None]:
        return _loader(_payments_by_id)

    @cached_property
    def tariffs(self) -> DataLoader[str, list[Tariff]]:
        return _loader(_all_tariffs)

    @cached_property
    def threads_by_account(self) -> DataLoader[int, list[MessageThread]]:
        return _loader(_threads_by_account)

    @cached_property
    def messages_by_thread(self) -> DataLoader[int, list[Message]]:
        return _loader(_messages_by_thread)

    @cached_property
    def attachments_by_message(self) -> DataLoader[int, list[Attachment]]:
        return _loader(_attachments_by_message)

    @cached_property
    def data_change_requests_by_account(self) -> DataLoader[int, list[DataChangeRequest]]:
        return _loader(_data_change_requests_by_account)

    @cached_property
    def cycle_requests_by_account(self) -> DataLoader[int, list[BillingCycleChangeRequest]]:
        return _loader(_cycle_requests_by_account)

    @cached_property
    def api_tokens_by_user(self) -> DataLoader[int, list[ApiToken]]:
        """Live tokens only (revoked, rotated and expired ones are history)."""

        async def load(user_ids: list[int]) -> list[list[ApiToken]]:
            rows = await live_tokens(user_ids, self._clock.now())
            return _many_each(user_ids, rows, lambda t: t.user_id)

        return _loader(load)

    def clear_all(self) -> None:
        """After a mutation: later fields of the same request see the new state."""
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()

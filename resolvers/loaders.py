"""Per-request DataLoaders, named `<things>_by_<key>`, results aligned to the keys.

Each loader turns the many `.load(key)` calls of one GraphQL request into one SQL
statement (fixed SQL from models/reads, plain rows from models/rows), so a
dashboard costs the same few statements whatever the number of invoices, meters or
readings behind it. Loaders are made on first use: a request that needs two
builds two. A row loaded by one loader is offered to the by-id loader of its kind,
so asking for it again by id costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader

from models.clock import Clock
from models.orm import (
    ApiToken,
    Attachment,
    BillingCycleChangeRequest,
    DataChangeRequest,
    Message,
    MessageThread,
)
from models.reads import accounts, billing, public, readings
from models.rows import (
    AccountRow,
    AllocationRow,
    AnnouncementRow,
    ContractRow,
    InvoiceLineRow,
    InvoiceRow,
    MeterRow,
    PaymentRow,
    ReadingRow,
    TariffRow,
)
from models.rules.reading_window import add_months, month_start
from models.services.reminder_preferences import ReminderChoice, choices_of
from models.services.tokens import live_tokens

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# The dashboard's chart shows 24 full months before this one; readings from then on
# (and the one just before) are loaded once and serve the chart, each meter's last
# reading and whether one was sent this month.
RECENT_MONTHS = 24


def _one_each(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[V | None]:
    by_key = {key(row): row for row in rows}
    return [by_key.get(k) for k in keys]


def _many_each(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


def _loader(fn: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
    return DataLoader(load_fn=fn)


def recent_since(today: date) -> date:
    """The first day of the recent readings: the chart's first month."""
    return add_months(month_start(today), -RECENT_MONTHS)


class Loaders:
    """A fresh set per request: nothing cached outlives the request that loaded it."""

    def __init__(self, clock: Clock | None = None, viewer_id: int | None = None) -> None:
        self._clock = clock or Clock()
        self._viewer_id = viewer_id

    def _prime(self, loader: DataLoader[int, V | None], rows: Iterable[V]) -> None:
        """Offer rows loaded by another loader to a by-id loader."""
        for row in rows:
            loader.prime(row.id, row)  # type: ignore[attr-defined]

    # --- accounts ------------------------------------------------------------------------

    @cached_property
    def accounts_by_id(self) -> DataLoader[int, AccountRow | None]:
        async def load(ids: list[int]) -> list[AccountRow | None]:
            return _one_each(ids, await accounts.accounts_by_ids(ids), lambda a: a.id)

        return _loader(load)

    @cached_property
    def accounts_by_number(self) -> DataLoader[str, AccountRow | None]:
        """Any account with the number (who may see it is the caller's question)."""

        async def load(numbers: list[str]) -> list[AccountRow | None]:
            rows = await accounts.accounts_by_numbers(numbers)
            self._prime(self.accounts_by_id, rows)
            return _one_each(numbers, rows, lambda a: a.number)

        return _loader(load)

    @cached_property
    def linked_accounts_by_number(self) -> DataLoader[str, AccountRow | None]:
        """The viewer's own account with the number, if it is linked to them."""

        async def load(numbers: list[str]) -> list[AccountRow | None]:
            assert self._viewer_id is not None
            rows = await accounts.linked_accounts_by_numbers(self._viewer_id, numbers)
            self._prime(self.accounts_by_id, rows)
            return _one_each(numbers, rows, lambda a: a.number)

        return _loader(load)

    @cached_property
    def linked_accounts_by_user(self) -> DataLoader[int, list[AccountRow]]:
        async def load(user_ids: list[int]) -> list[list[AccountRow]]:
            found = [await accounts.linked_accounts(user_id) for user_id in user_ids]
            for rows in found:
                self._prime(self.accounts_by_id, rows)
            return found

        return _loader(load)

    @cached_property
    def account_ids_by_user(self) -> DataLoader[int, list[int]]:
        async def load(user_ids: list[int]) -> list[list[int]]:
            pairs = await accounts.linked_account_ids(user_ids)
            return [[a for _, a in group] for group in _many_each(user_ids, pairs, lambda p: p[0])]

        return _loader(load)

    @cached_property
    def contracts_by_account(self) -> DataLoader[int, list[ContractRow]]:
        async def load(ids: list[int]) -> list[list[ContractRow]]:
            rows = await accounts.contracts_of_accounts(ids)
            return _many_each(ids, rows, lambda c: c.account_id)

        return _loader(load)

    @cached_property
    def meters_by_account(self) -> DataLoader[int, list[MeterRow]]:
        async def load(ids: list[int]) -> list[list[MeterRow]]:
            rows = await accounts.meters_of_accounts(ids)
            self._prime(self.meters_by_id, rows)
            return _many_each(ids, rows, lambda m: m.account_id)

        return _loader(load)

    @cached_property
    def meters_by_id(self) -> DataLoader[int, MeterRow | None]:
        async def load(ids: list[int]) -> list[MeterRow | None]:
            return _one_each(ids, await accounts.meters_by_ids(ids), lambda m: m.id)

        return _loader(load)

    # --- readings ------------------------------------------------------------------------

    @cached_property
    def recent_readings_by_meter(self) -> DataLoader[int, list[ReadingRow]]:
        """Each meter's readings since `recent_since(today)` and the one just before,
        oldest first."""

        async def load(ids: list[int]) -> list[list[ReadingRow]]:
            since = recent_since(self._clock.today())
            rows = await readings.readings_from(ids, since)
            self._prime(self.readings_by_id, rows)
            return _many_each(ids, rows, lambda r: r.meter_id)

        return _loader(load)

    @cached_property
    def latest_readings_by_meter(self) -> DataLoader[int, list[ReadingRow]]:
        """Each meter's newest reading and the one before it, oldest first."""

        async def load(ids: list[int]) -> list[list[ReadingRow]]:
            rows = await readings.latest_two_of_meters(ids)
            self._prime(self.readings_by_id, rows)
            return _many_each(ids, rows, lambda r: r.meter_id)

        return _loader(load)

    @cached_property
    def readings_by_id(self) -> DataLoader[int, ReadingRow | None]:
        async def load(ids: list[int]) -> list[ReadingRow | None]:
            return _one_each(ids, await readings.readings_by_ids(ids), lambda r: r.id)

        return _loader(load)

    @cached_property
    def previous_value_by_reading(self) -> DataLoader[int, Decimal | None]:
        """The value of the meter's reading just before this one (None for the first)."""

        async def load(ids: list[int]) -> list[Decimal | None]:
            found = dict(await readings.previous_values(ids))
            return [found.get(i) for i in ids]

        return _loader(load)

    @cached_property
    def readings_by_invoice(self) -> DataLoader[int, list[ReadingRow]]:
        async def load(ids: list[int]) -> list[list[ReadingRow]]:
            pairs = await readings.readings_of_invoices(ids)
            grouped = _many_each(ids, pairs, lambda p: p[0])
            return [[reading for _, reading in group] for group in grouped]

        return _loader(load)

    # --- invoices and payments -----------------------------------------------------------

    @cached_property
    def invoices_by_id(self) -> DataLoader[int, InvoiceRow | None]:
        async def load(ids: list[int]) -> list[InvoiceRow | None]:
            return _one_each(ids, await billing.invoices_by_ids(ids), lambda i: i.id)

        return _loader(load)

    @cached_property
    def invoices_by_number(self) -> DataLoader[str, InvoiceRow | None]:
        async def load(numbers: list[str]) -> list[InvoiceRow | None]:
            rows = await billing.invoices_by_numbers(numbers)
            self._prime(self.invoices_by_id, rows)
            return _one_each(numbers, rows, lambda i: i.number)

        return _loader(load)

    @cached_property
    def open_invoices_by_account(self) -> DataLoader[int, list[InvoiceRow]]:
        """Invoices not yet paid in full, newest first."""

        async def load(ids: list[int]) -> list[list[InvoiceRow]]:
            rows = await billing.open_invoices_of_accounts(ids)
            self._prime(self.invoices_by_id, rows)
            return _many_each(ids, rows, lambda i: i.account_id)

        return _loader(load)

    @cached_property
    def lines_by_invoice(self) -> DataLoader[int, list[InvoiceLineRow]]:
        async def load(ids: list[int]) -> list[list[InvoiceLineRow]]:
            rows = await billing.lines_of_invoices(ids)
            return _many_each(ids, rows, lambda line: line.invoice_id)

        return _loader(load)

    @cached_property
    def corrections_by_invoice(self) -> DataLoader[int, list[InvoiceRow]]:
        async def load(ids: list[int]) -> list[list[InvoiceRow]]:
            rows = await billing.corrections_of_invoices(ids)
            self._prime(self.invoices_by_id, rows)
            return _many_each(ids, rows, lambda i: i.corrects_id)

        return _loader(load)

    @cached_property
    def payments_by_id(self) -> DataLoader[int, PaymentRow | None]:
        async def load(ids: list[int]) -> list[PaymentRow | None]:
            return _one_each(ids, await billing.payments_by_ids(ids), lambda p: p.id)

        return _loader(load)

    @cached_property
    def allocations_by_payment(self) -> DataLoader[int, list[AllocationRow]]:
        async def load(ids: list[int]) -> list[list[AllocationRow]]:
            rows = await billing.allocations_of_payments(ids)
            self._prime(self.invoices_by_id, (a.invoice for a in rows))
            return _many_each(ids, rows, lambda a: a.payment_id)

        return _loader(load)

    # --- public --------------------------------------------------------------------------

    @cached_property
    def tariffs(self) -> DataLoader[str, list[TariffRow]]:
        async def load(keys: list[str]) -> list[list[TariffRow]]:
            rows = await public.all_tariffs()
            return [rows for _ in keys]

        return _loader(load)

    @cached_property
    def published_announcements(self) -> DataLoader[str, list[AnnouncementRow]]:
        async def load(keys: list[str]) -> list[list[AnnouncementRow]]:
            rows = await public.published_announcements(self._clock.now())
            return [rows for _ in keys]

        return _loader(load)

    @cached_property
    def announcements_by_id(self) -> DataLoader[int, AnnouncementRow | None]:
        async def load(ids: list[int]) -> list[AnnouncementRow | None]:
            return _one_each(ids, await public.announcements_by_ids(ids), lambda a: a.id)

        return _loader(load)

    # --- talk (read rarely: ORM rows) ----------------------------------------------------

    @cached_property
    def threads_by_account(self) -> DataLoader[int, list[MessageThread]]:
        async def load(ids: list[int]) -> list[list[MessageThread]]:
            rows = await MessageThread.filter(account_id__in=ids).order_by("-updated_at", "-id")
            return _many_each(ids, rows, lambda t: t.account_id)

        return _loader(load)

    @cached_property
    def messages_by_thread(self) -> DataLoader[int, list[Message]]:
        async def load(ids: list[int]) -> list[list[Message]]:
            rows = await Message.filter(thread_id__in=ids).order_by("sent_at", "id")
            return _many_each(ids, rows, lambda m: m.thread_id)

        return _loader(load)

    @cached_property
    def attachments_by_message(self) -> DataLoader[int, list[Attachment]]:
        async def load(ids: list[int]) -> list[list[Attachment]]:
            rows = await Attachment.filter(message_id__in=ids).order_by("id")
            return _many_each(ids, rows, lambda a: a.message_id)

        return _loader(load)

    @cached_property
    def data_change_requests_by_account(self) -> DataLoader[int, list[DataChangeRequest]]:
        async def load(ids: list[int]) -> list[list[DataChangeRequest]]:
            rows = await DataChangeRequest.filter(account_id__in=ids).order_by("-created_at", "-id")
            return _many_each(ids, rows, lambda r: r.account_id)

        return _loader(load)

    @cached_property
    def cycle_requests_by_account(self) -> DataLoader[int, list[BillingCycleChangeRequest]]:
        async def load(ids: list[int]) -> list[list[BillingCycleChangeRequest]]:
            rows = await BillingCycleChangeRequest.filter(account_id__in=ids).order_by(
                "-created_at", "-id"
            )
            return _many_each(ids, rows, lambda r: r.account_id)

        return _loader(load)

    @cached_property
    def api_tokens_by_user(self) -> DataLoader[int, list[ApiToken]]:
        """Live tokens only (revoked, rotated and expired ones are history)."""

        async def load(user_ids: list[int]) -> list[list[ApiToken]]:
            rows = await live_tokens(user_ids, self._clock.now())
            return _many_each(user_ids, rows, lambda t: t.user_id)

        return _loader(load)

    @cached_property
    def reminder_choices_by_user(self) -> DataLoader[int, list[ReminderChoice]]:
        async def load(user_ids: list[int]) -> list[list[ReminderChoice]]:
            found = await choices_of(user_ids)
            return [found[u] for u in user_ids]

        return _loader(load)

    def clear_all(self) -> None:
        """After a mutation: later fields of the same request see the new state."""
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()

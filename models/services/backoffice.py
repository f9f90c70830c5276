"""What the staff back office looks up: account search across the indexed numbers.

Customer numbers, meter serials and invoice numbers are unique columns: they are
matched exactly (and customer numbers also by prefix, a range on the same index),
so no search reads a whole table of meters or invoices. Holder names and addresses
are matched anywhere in the text, only for three characters or more.
"""

from __future__ import annotations

from models.orm import Account, Invoice, Meter, User

MIN_TEXT_QUERY = 3
# A prefix range's upper bound: above every character a customer number can hold.
_PREFIX_END = "\uffff"
NUMBER_LENGTH = 16
SERIAL_LENGTH = 32
INVOICE_NUMBER_LENGTH = 32
TEXT_COLUMNS = (("holder_name", 200), ("street", 120), ("city", 80))


async def search_account_ids(query: str) -> list[int]:
    """Ids of the accounts matching `query`, ordered by customer number."""
    text = " ".join(query.split())
    if not text:
        return []
    ids: set[int] = set()
    # The ORM refuses a value longer than its column: such a value matches nothing.
    if len(text) < NUMBER_LENGTH:
        prefix = Account.filter(number__gte=text, number__lt=text + _PREFIX_END)
        ids.update(await prefix.values_list("id", flat=True))
    elif len(text) == NUMBER_LENGTH:
        ids.update(await Account.filter(number=text).values_list("id", flat=True))
    if len(text) <= SERIAL_LENGTH:
        meters = Meter.filter(serial_number=text)
        ids.update(await meters.values_list("contract__account_id", flat=True))
    if len(text) <= INVOICE_NUMBER_LENGTH:
        ids.update(await Invoice.filter(number=text).values_list("account_id", flat=True))
    if len(text) >= MIN_TEXT_QUERY:
        for column, length in TEXT_COLUMNS:
            if len(text) <= length:
                matching = Account.filter(**{f"{column}__icontains": text})
                ids.update(await matching.values_list("id", flat=True))
    found = [i for i in ids if i is not None]
    if not found:
        return []
    return list(await Account.filter(id__in=found).order_by("number").values_list("id", flat=True))


async def account_users(account_number: str) -> list[User]:
    """The eBOK users linked to an account."""
    return list(await User.filter(accounts__number=account_number).order_by("id"))

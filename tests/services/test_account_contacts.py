"""News about an account reaches every address it has, each once."""

from __future__ import annotations

import pytest

from models.orm import Account, User
from models.services.account_contacts import account_emails

pytestmark = pytest.mark.usefixtures("demo")


async def test_the_holders_users_and_the_accounts_own_address_each_once() -> None:
    account = await Account.get(number="100001")
    users = await User.filter(accounts__id=account.id)
    expected = {u.email for u in users if u.email}
    assert expected, "the demo account has a registered user"

    account.email = "biuro.kowalskich@example.pl"
    await account.save(update_fields=["email"])
    assert await account_emails(account) == sorted(expected | {"biuro.kowalskich@example.pl"})

    # The account's address equal to a user's is not written to twice.
    account.email = next(iter(expected))
    await account.save(update_fields=["email"])
    assert await account_emails(account) == sorted(expected)


async def test_an_account_nobody_registered_is_written_to_at_its_own_address() -> None:
    held = {a.id for user in await User.all().prefetch_related("accounts") for a in user.accounts}
    account = await Account.exclude(id__in=held).first()
    assert account is not None, "the demo has an account nobody registered"
    assert await account_emails(account) == ([account.email] if account.email else [])

    account.email = "wspolnota@example.pl"
    await account.save(update_fields=["email"])
    assert await account_emails(account) == ["wspolnota@example.pl"]

"""Where to write to about an account: the one place that gathers its e-mail addresses."""

from __future__ import annotations

from models.orm import Account, User

__all__ = ["account_emails"]


async def account_emails(account: Account) -> list[str]:
    """Every address news about `account` goes to, each once, in a stable order: the
    addresses of the users who hold it in eBOK, and the account's own contact address
    (a customer who never registered still hears of what happens to the account)."""
    addresses = {user.email for user in await User.filter(accounts__id=account.id) if user.email}
    if account.email:
        addresses.add(account.email)
    return sorted(addresses)

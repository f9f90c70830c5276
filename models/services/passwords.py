"""Password hashing with argon2id, off the event loop (a hash takes tens of milliseconds)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.orm import User

# argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id.
_hasher = PasswordHasher()

# Verified against when a login does not exist, so a missing login costs as much
# time as a wrong password and response times reveal nothing.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the time of one verification."""
    target = password_hash or _DUMMY_HASH
    try:
        ok = await asyncio.to_thread(_hasher.verify, target, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok) and password_hash is not None


async def rehash_if_outdated(user: User, password: str) -> None:
    """After a successful sign-in: a hash made with older argon2 parameters is replaced
    by one made with today's, while the password is at hand."""
    if not _hasher.check_needs_rehash(user.password_hash):
        return
    user.password_hash = await hash_password(password)
    await user.save(update_fields=["password_hash"])

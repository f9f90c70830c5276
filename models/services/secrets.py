"""Random secrets handed to clients, and the hashes kept of them."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """256 random bits, URL-safe; the prefix tells a leaked string's kind at a glance."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """SHA-256 suffices here: the secrets are random, not guessable passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()

"""Known devices: a browser that signed in to a login before can prove it later.

After a successful sign-in the pages give the browser a proof bound to that login:
a random device id with an HMAC of (login, device id) under the secret key. Sign-in
protection treats attempts carrying a valid proof for the attempted login apart
from everyone else's (models/services/signin.py), so an attacker who keeps a login
locked cannot keep out its owner on their usual browser. The proof is no
credential: the password is still checked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_SEPARATOR = "."


def _signature(secret_key: str, login: str, device_id: str) -> str:
    message = f"known-device:{login}:{device_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def new_proof(secret_key: str, login: str) -> str:
    device_id = secrets.token_hex(16)
    return device_id + _SEPARATOR + _signature(secret_key, login, device_id)


def proven_device(secret_key: str, login: str, proof: str | None) -> str | None:
    """The device id, when the proof was made for this login with this key."""
    if not proof or proof.count(_SEPARATOR) != 1:
        return None
    device_id, signature = proof.split(_SEPARATOR)
    if len(device_id) != 32:
        return None
    expected = _signature(secret_key, login, device_id)
    return device_id if hmac.compare_digest(expected, signature) else None

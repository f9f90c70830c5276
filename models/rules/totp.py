"""Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import datetime

STEP_SECONDS = 30
DIGITS = 6


def _decode_secret(secret_base32: str) -> bytes:
    cleaned = secret_base32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def totp_at(secret_base32: str, moment: datetime, offset_steps: int = 0) -> str:
    """The code shown by an authenticator app at `moment` (RFC 4226 truncation)."""
    counter = int(moment.timestamp()) // STEP_SECONDS + offset_steps
    digest = hmac.new(_decode_secret(secret_base32), struct.pack(">Q", counter), hashlib.sha1)
    mac = digest.digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def verify_totp(secret_base32: str, code: str, moment: datetime, window: int = 1) -> bool:
    """Accept the current code and its neighbours (clocks of phones drift a little)."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return False
    return any(
        hmac.compare_digest(totp_at(secret_base32, moment, step), code)
        for step in range(-window, window + 1)
    )

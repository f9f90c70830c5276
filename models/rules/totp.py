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
    counter = time_step(moment) + offset_steps
    digest = hmac.new(_decode_secret(secret_base32), struct.pack(">Q", counter), hashlib.sha1)
    mac = digest.digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def time_step(moment: datetime) -> int:
    """The RFC 6238 counter at `moment`: the number of 30-second steps since 1970."""
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret_base32: str, code: str, moment: datetime, window: int = 1) -> int | None:
    """The time step whose code this is, among the current step and its neighbours
    (phone clocks drift a little); None when it matches none of them.

    The step is what makes a code single-use: the caller accepts it only when it is
    later than the step of the last code the user signed in with.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_step = time_step(moment)
    for offset in range(-window, window + 1):
        if hmac.compare_digest(totp_at(secret_base32, moment, offset), code):
            return now_step + offset
    return None


def verify_totp(secret_base32: str, code: str, moment: datetime, window: int = 1) -> bool:
    """Whether the code is valid around `moment` (reuse is checked by the caller)."""
    return matching_step(secret_base32, code, moment, window) is not None

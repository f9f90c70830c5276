"""When a message that could not be delivered is tried again, and when it is given up.

A mail server that is down or busy is the normal case for a few minutes a month, so a
failed attempt is retried after 1 minute, then 2, 4, 8 ... up to an hour between
attempts, for about a day in all (MAX_ATTEMPTS): a longer outage needs an operator,
and the message stays in the outbox as FAILED for them to see. An answer that says the
message itself can never be delivered (a 5xx reply to its recipient or its content)
is not retried: asking again gets the same answer.
"""

from __future__ import annotations

from datetime import timedelta

FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=1)
# 1+2+4+8+16+32 minutes, then hourly: the 30th attempt comes about 25 hours after the first.
MAX_ATTEMPTS = 30


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 for the first)."""
    if attempts < 1:
        raise ValueError("a retry follows at least one attempt")
    # Past 2**6 minutes the cap applies anyway; the bound keeps the power small.
    doubling = min(attempts - 1, 16)
    return min(FIRST_DELAY * (2**doubling), LONGEST_DELAY)


def gives_up(attempts: int, *, permanent: bool) -> bool:
    """Whether a message that failed its `attempts`-th attempt is given up (FAILED)."""
    return permanent or attempts >= MAX_ATTEMPTS


def is_permanent_reply(code: int) -> bool:
    """An SMTP reply that refuses for good (5yz, RFC 5321 4.2.1); 4yz means "try later"."""
    return 500 <= code <= 599

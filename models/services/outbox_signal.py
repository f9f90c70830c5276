"""A nudge from `queue_email` to the workers in this process: "mail is waiting".

Only a nudge: it comes before the queuing transaction commits, so a worker that hears
it waits a moment before looking, and the regular poll finds whatever it missed. A
worker in another process never hears it and finds the message at its next poll.
"""

from __future__ import annotations

import asyncio

_listeners: set[asyncio.Event] = set()


def listen(event: asyncio.Event) -> None:
    _listeners.add(event)


def stop_listening(event: asyncio.Event) -> None:
    _listeners.discard(event)


def mail_queued() -> None:
    """Wake this process's workers (the queuing code runs on their event loop)."""
    for event in _listeners:
        event.set()

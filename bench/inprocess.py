"""eBOK's app in this process, on a bench database, behind an httpx client (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx


@asynccontextmanager
async def app_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `create_app` in production mode on `database_url`, with a query
    allowance too large to matter; the database is closed on leaving."""
    from models.services.database import close_database, open_database
    from models.settings import load_settings
    from web.app import create_app

    settings = load_settings(
        {
            "EBOK_DATABASE_URL": database_url,
            "EBOK_SECRET_KEY": "bench-secret-key-not-for-production",
            "EBOK_ENV": "production",
            "EBOK_QUERY_ALLOWANCE": str(10**12),
        }
    )
    app = create_app(settings, manage_database=False)
    await open_database(database_url)
    try:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://ebok") as client:
            yield client
    finally:
        await close_database()

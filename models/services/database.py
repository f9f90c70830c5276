"""Opening, migrating and closing the database."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate

from models.config import sqlite_path, tortoise_config


def _prepare(database_url: str) -> None:
    path = sqlite_path(database_url)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def migrate_database(database_url: str) -> None:
    """Apply every pending migration (Tortoise's own migrations)."""
    _prepare(database_url)
    await migrate(config=tortoise_config(database_url))


async def open_database(database_url: str) -> None:
    """Open the connections for the whole process.

    The global fallback matters under a server: the ASGI lifespan runs in its own
    task, and without it the requests' tasks would not see the ORM's context.
    """
    _prepare(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_reachable() -> bool:
    """Whether the database answers a trivial query (for the health check)."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure to reach it is the answer, not an error here
        return False
    return True

"""Shared fixtures: a real database per test worker, a clock, the demo data.

SQLite by default; PostgreSQL when EBOK_TEST_DATABASE_URL is set, with one
database per pytest-xdist worker so the workers never share rows.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections

from models.clock import WARSAW, Clock
from models.services.database import migrate_database, open_database
from models.services.demo import seed_demo
from models.settings import Settings
from tests.support import Api, StatementCounter
from web.app import create_app

# The calendar every test sees unless it moves the clock: a Saturday in November,
# so the reading window (25th–30th) is still ahead.
TEST_NOW = datetime(2026, 11, 21, 10, 0, tzinfo=WARSAW)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


async def _postgres_url_for_worker(base_url: str) -> str:
    """Create a fresh database for this worker on the server behind base_url."""
    import asyncpg

    name = f"ebok_test_{_worker()}"
    admin = await asyncpg.connect(base_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def database_kind() -> str:
    return "postgres" if os.environ.get("EBOK_TEST_DATABASE_URL") else "sqlite"


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A migrated, empty database for this worker, open for the whole session."""
    base = os.environ.get("EBOK_TEST_DATABASE_URL")
    if base:
        url = await _postgres_url_for_worker(base)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "ebok.sqlite3"
        url = f"sqlite://{path}"
    await migrate_database(url)
    await Tortoise.close_connections()
    await open_database(url)
    yield url
    await Tortoise.close_connections()


def _table_names() -> list[str]:
    """Every table the models define, including many-to-many link tables."""
    names: set[str] = set()
    for model in Tortoise.apps["ebok"].values():
        names.add(model._meta.db_table)
        for field_name in model._meta.m2m_fields:
            names.add(model._meta.fields_map[field_name].through)
    return sorted(names)


async def _empty_all_tables(kind: str) -> None:
    conn = connections.get("default")
    tables = _table_names()
    if kind == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "PRAGMA foreign_keys = OFF;\n"
        script += "".join(f'DELETE FROM "{t}";\n' for t in tables)
        script += "DELETE FROM sqlite_sequence;\nPRAGMA foreign_keys = ON;\n"
        await conn.execute_script(script)


@pytest.fixture
async def db(database_url: str, database_kind: str) -> AsyncIterator[str]:
    """An empty database for one test."""
    await _empty_all_tables(database_kind)
    yield database_url


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock(TEST_NOW, frozen=True)


@pytest.fixture
def settings(db: str) -> Settings:
    return Settings(database_url=db, secret_key="test-secret", env="test")


@pytest.fixture
async def demo(db: str, clock: Clock, settings: Settings) -> None:
    """The demo data, seeded as `ebok demo` would at the test clock's date."""
    assert await seed_demo(clock, settings.utility)


@pytest.fixture
def api(settings: Settings, clock: Clock) -> Api:
    return Api(settings, clock)


@pytest.fixture
async def http(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """The whole ASGI app (middleware, routes) over an in-process transport."""
    app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def signed_in(http: httpx.AsyncClient) -> httpx.AsyncClient:
    """`http` signed in through the /login form as the demo's jan.kowalski."""
    page = await http.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the sign-in form carries a CSRF token"
    data = {"login": "jan.kowalski", "password": "Woda-Demo-2026!", "csrf_token": token[1]}
    assert (await http.post("/login", data=data)).status_code == 303
    return http


@pytest.fixture
def sql_statements() -> Iterator[StatementCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)

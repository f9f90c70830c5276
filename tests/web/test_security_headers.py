"""Transport headers: HSTS on https only."""

from __future__ import annotations

import httpx
import pytest

from models.clock import Clock
from models.settings import Settings
from web.app import create_app
from web.security import STRICT_TRANSPORT_SECURITY

pytestmark = pytest.mark.usefixtures("db")


@pytest.mark.parametrize("path", ["/regulamin", "/healthz", "/static/css/ebok.css", "/nie-ma"])
async def test_https_responses_carry_hsts_and_plain_http_ones_do_not(
    settings: Settings, clock: Clock, path: str
) -> None:
    assert STRICT_TRANSPORT_SECURITY == "max-age=31536000; includeSubDomains"
    app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    for scheme, expected in (("https", STRICT_TRANSPORT_SECURITY), ("http", None)):
        async with httpx.AsyncClient(
            transport=transport, base_url=f"{scheme}://testserver"
        ) as client:
            response = await client.get(path)
        assert response.headers.get("strict-transport-security") == expected


async def test_graphql_over_https_carries_hsts(settings: Settings, clock: Clock) -> None:
    app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.post("/graphql", json={"query": "{ termsVersion }"})
    assert response.headers["strict-transport-security"] == STRICT_TRANSPORT_SECURITY

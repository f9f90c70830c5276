"""GraphiQL outside production comes from the project's own static files."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest

from models.clock import Clock
from models.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.usefixtures("db")

BROWSER = {"accept": "text/html,application/xhtml+xml", "sec-fetch-dest": "document"}


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


async def test_graphiql_uses_only_this_sites_static_files(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    urls = _asset_urls(page.text)
    assert any(url.endswith("/graphiql.min.js") for url in urls)
    assert all(url.startswith("/static/") for url in urls), urls
    assert "<script>" not in page.text and "unpkg" not in page.text
    assert re.search(r'<meta name="csrf-token" content="[^"]*">', page.text)
    for url in urls:
        asset = await http.get(url)
        assert asset.status_code == 200, url
        assert asset.content


async def test_graphiql_has_a_policy_that_allows_no_other_host(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=BROWSER)
    policy = page.headers["content-security-policy"]
    assert "http" not in policy and "*" not in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"


async def test_graphiql_sends_the_csrf_header_from_the_meta_tag(http: httpx.AsyncClient) -> None:
    script = await http.get("/static/js/graphiql-init.js")
    assert script.status_code == 200
    assert '"X-CSRF-Token"' in script.text and 'meta[name="csrf-token"]' in script.text


@pytest.mark.parametrize("accept", ["text/html", "*/*"])
async def test_no_graphiql_in_production(settings: Settings, clock: Clock, accept: str) -> None:
    app = create_app(replace(settings, env="production"), clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/graphql", headers={**BROWSER, "accept": accept})
    assert page.status_code == 404
    assert page.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "graphiql" not in page.text.lower()

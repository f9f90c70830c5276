"""Every form post on every page route refuses a request without the CSRF token."""

from __future__ import annotations

import httpx
import pytest
from starlette.routing import Route

from web.pages import routes as page_routes

pytestmark = pytest.mark.usefixtures("demo")


def _post_paths() -> list[str]:
    paths = []
    for route in page_routes():
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            # Path parameters get a harmless value: the token check comes first.
            paths.append(route.path.replace("{number:path}", "FV/2026/11/000001"))
    return sorted(set(paths))


def test_there_are_form_posts_to_check() -> None:
    assert "/login" in _post_paths() and "/logout" in _post_paths()


@pytest.mark.parametrize("path", _post_paths())
async def test_a_post_without_a_token_is_refused(http: httpx.AsyncClient, path: str) -> None:
    await http.get("/login")  # a browser that has visited the site has its cookies
    response = await http.post(path, data={"anything": "1"})
    assert response.status_code == 403
    assert "Odśwież stronę" in response.text

"""Page routes, one module per area."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    from web import preferences
    from web.pages import public, signin

    return [*signin.routes, *preferences.routes, *public.routes]

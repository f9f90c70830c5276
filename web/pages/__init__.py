"""Page routes, one module per area."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    from web import preferences
    from web.pages import (
        credentials,
        dashboard,
        home,
        invoices,
        ledger,
        payments,
        public,
        readings,
        signin,
    )

    return [
        *home.routes,
        *signin.routes,
        *dashboard.routes,
        *invoices.routes,
        *readings.routes,
        *payments.routes,
        *ledger.routes,
        *preferences.routes,
        *public.routes,
        *credentials.routes,
    ]

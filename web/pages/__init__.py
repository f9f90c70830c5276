"""Page routes, one module per area."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    from web import preferences
    from web.pages import (
        access,
        billing_admin,
        billing_cycle,
        credentials,
        dashboard,
        forecast,
        home,
        invoice_pdf,
        invoice_xml,
        invoices,
        ledger,
        payments,
        public,
        readings,
        signin,
        staff_readings,
        talk,
    )

    return [
        *home.routes,
        *signin.routes,
        *dashboard.routes,
        # An invoice's documents before the invoice page, whose {number:path} would take them.
        *invoice_xml.routes,
        *invoice_pdf.routes,
        *invoices.routes,
        *readings.routes,
        *forecast.routes,
        *staff_readings.routes,
        *billing_cycle.routes,
        *billing_admin.routes,
        *payments.routes,
        *ledger.routes,
        *preferences.routes,
        *public.routes,
        *access.routes,
        *credentials.routes,
        *talk.routes,
    ]

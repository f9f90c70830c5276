"""Page routes, one module per area."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    from web import preferences
    from web.pages import (
        access,
        bank_statements,
        billing_admin,
        billing_cycle,
        credentials,
        credit_queue,
        dashboard,
        data_changes,
        forecast,
        home,
        invoice_pdf,
        invoice_xml,
        invoices,
        ledger,
        messages,
        payments,
        public,
        readings,
        sandbox_payment,
        signin,
        staff_readings,
        staff_requests,
        statement,
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
        *staff_requests.routes,
        *data_changes.routes,
        *billing_admin.routes,
        *bank_statements.routes,
        *payments.routes,
        *sandbox_payment.routes,
        # The statement's documents beside /saldo, the page they are downloaded from.
        *statement.routes,
        *ledger.routes,
        *preferences.routes,
        *public.routes,
        *access.routes,
        *credit_queue.routes,
        *credentials.routes,
        *talk.routes,
        *messages.routes,
    ]

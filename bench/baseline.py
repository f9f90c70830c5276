"""A hand-written endpoint for each benchmarked operation: what eBOK's read path is
measured against.

A plain Starlette app with one token lookup and a few hand-written SQL statements per
request, on the same database drivers eBOK uses (aiosqlite, asyncpg). It answers
byte-for-byte what `/graphql` answers for the same operation and variables (bench/run.py
checks that before timing):

    POST /dashboard   {"variables": {"number": …, "from": …, "to": …}}  as `Dashboard`
    POST /invoice     {"variables": {"number": …}}                       as `InvoiceDetail`

Only the pure domain rules (models/rules: statuses, reading window, consumption) are
shared with eBOK; no ORM, no GraphQL, no loaders. The business day is today in
Europe/Warsaw, as the app's clock has it.

    .venv/bin/python bench/baseline.py --database-url sqlite://var/bench-20k.sqlite3 --port 8101
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sqlite3
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.clock import WARSAW
from models.config import sqlite_path
from models.rules.consumption import MeterReadingPoint, merge_meters, monthly_consumption
from models.rules.iban import individual_account_number, to_iban
from models.rules.invoice_status import amount_due, status_on
from models.rules.reading_window import add_months, month_start, window_for
from models.rules.rollover import consumption_between
from models.rules.transfer import transfer_title
from models.settings import UtilitySettings

UTILITY = UtilitySettings()
CENT = Decimal("0.01")
RECENT_MONTHS = 24
DUE_LIMIT = 50


class Database:
    """One aiosqlite connection or an asyncpg pool; `?` placeholders either way."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        self._texts: dict[str, str] = {}

    async def open(self) -> None:
        if self.postgres:
            import asyncpg

            self.pool = await asyncpg.create_pool(
                self.url.replace("postgres://", "postgresql://", 1), min_size=1, max_size=5
            )
        else:
            import aiosqlite

            self.connection = await aiosqlite.connect(sqlite_path(self.url) or "")
            self.connection.row_factory = sqlite3.Row

    async def close(self) -> None:
        if self.postgres:
            await self.pool.close()
        else:
            await self.connection.close()

    def _text(self, sql: str) -> str:
        text = self._texts.get(sql)
        if text is None:
            parts = sql.split("?")
            text = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], 1))
            self._texts[sql] = text
        return text

    async def fetch(self, sql: str, *values: Any) -> Sequence[Any]:
        if self.postgres:
            return await self.pool.fetch(self._text(sql), *values)
        plain = [v.isoformat() if isinstance(v, date) else v for v in values]
        async with self.connection.execute(sql, plain) as cursor:
            return await cursor.fetchall()


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _money(value: Decimal) -> dict[str, str]:
    return {"amount": str(value.quantize(CENT))}


def _global_id(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def _json(data: Any) -> Response:
    return Response(orjson.dumps({"data": data}), media_type="application/json")


def _unauthorized() -> Response:
    return Response(b'{"errors":[{"message":"token"}]}', 401, media_type="application/json")


async def _viewer(db: Database, request: Request) -> int | None:
    """The user behind the bearer token: the one token lookup."""
    header = request.headers.get("authorization", "")
    token = header.partition(" ")[2].strip()
    rows = await db.fetch(
        """SELECT t.user_id, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.rotated_at IS NULL
        AND u.is_active""",
        hashlib.sha256(token.encode()).hexdigest(),
    )
    if not rows:
        return None
    expires = rows[0]["expires_at"]
    if expires is not None:
        if not isinstance(expires, datetime):
            expires = datetime.fromisoformat(expires)
        if expires <= datetime.now(UTC):
            return None
    return int(rows[0]["user_id"])


def _today() -> date:
    return datetime.now(WARSAW).date()


# --- Dashboard ----------------------------------------------------------------------------

_STATUS_KEYS = (
    ("overdueInvoices", "OVERDUE"),
    ("partlyPaidInvoices", "PARTIALLY_PAID"),
    ("unpaidInvoices", "UNPAID"),
)


async def dashboard(request: Request) -> Response:
    db: Database = request.app.state.db
    user_id = await _viewer(db, request)
    if user_id is None:
        return _unauthorized()
    variables = orjson.loads(await request.body())["variables"]
    start, end = date.fromisoformat(variables["from"]), date.fromisoformat(variables["to"])
    today = _today()
    now = datetime.now(UTC)
    window = window_for(today, UTILITY.reading_window_opens_on_day)
    announcements = await db.fetch(
        """SELECT id, kind, title, body, published_at FROM announcements
        WHERE published_at <= ? AND (valid_to IS NULL OR valid_to >= ?)
        ORDER BY published_at DESC, id DESC""",
        *(2 * [now if db.postgres else now.isoformat(sep=" ")]),
    )
    data: dict[str, Any] = {
        "readingWindow": {
            "opensOn": window.opens_on.isoformat(),
            "closesOn": window.closes_on.isoformat(),
            "isOpen": window.is_open,
        },
        "announcements": [
            {
                "id": _global_id("Announcement", a["id"]),
                "kind": a["kind"],
                "title": a["title"],
                "body": a["body"],
                "publishedAt": (
                    a["published_at"]
                    if isinstance(a["published_at"], datetime)
                    else datetime.fromisoformat(a["published_at"])
                ).isoformat(),
            }
            for a in announcements
        ],
        "account": None,
    }
    rows = await db.fetch(
        """SELECT a.id, a.number, a.kind, a.holder_name, a.billing_cycle, a.e_readings_blocked,
        a.balance FROM accounts a JOIN user_accounts ua ON ua.account_id = a.id
        WHERE ua.user_id = ? AND a.number = ?""",
        user_id,
        variables["number"],
    )
    if not rows:
        return _json(data)
    account = rows[0]
    open_invoices = await db.fetch(
        """SELECT number, kind, issued_on, due_date, gross, paid, settlement FROM invoices
        WHERE account_id = ? AND settlement IN ('UNPAID', 'PARTIALLY_PAID')
        ORDER BY issued_on DESC, id DESC""",
        account["id"],
    )
    due: dict[str, list[dict[str, Any]]] = {status: [] for _, status in _STATUS_KEYS}
    overdue = Decimal("0")
    ahead: list[date] = []
    for invoice in open_invoices:
        gross, paid = _decimal(invoice["gross"]), _decimal(invoice["paid"])
        due_date = _date(invoice["due_date"])
        owed = amount_due(gross, paid)
        if due_date < today:
            overdue += owed
        else:
            ahead.append(due_date)
        status = status_on(invoice["settlement"], due_date, today)
        listed = due[status]
        if len(listed) < DUE_LIMIT:
            listed.append(
                {
                    "node": {
                        "number": invoice["number"],
                        "kind": invoice["kind"],
                        "status": status,
                        "issuedOn": _date(invoice["issued_on"]).isoformat(),
                        "dueDate": due_date.isoformat(),
                        "gross": _money(gross),
                        "amountDue": _money(owed),
                    }
                }
            )
    since = add_months(month_start(today), -RECENT_MONTHS)
    meters = await db.fetch(
        """SELECT m.id, m.serial_number, m.is_main, m.removed_on, m.digits, p.street,
        p.building_number, p.apartment_number, p.postal_code, p.city
        FROM contracts c JOIN meters m ON m.contract_id = c.id
        JOIN premises p ON p.id = c.premises_id WHERE c.account_id = ? ORDER BY m.id""",
        account["id"],
    )
    readings = await _readings_since(db, [m["id"] for m in meters], since)
    this_month = month_start(today)
    meter_data = []
    for meter in meters:
        recent = readings.get(meter["id"], [])
        latest = recent if len(recent) >= 2 else await _latest_two(db, meter["id"])
        blocked = None
        if account["e_readings_blocked"]:
            blocked = "READINGS_BLOCKED"
        elif meter["removed_on"] is not None:
            blocked = "INVALID"
        elif not window.is_open:
            blocked = "OUTSIDE_READING_WINDOW"
        elif any(r[3] == this_month for r in recent):
            blocked = "ALREADY_SUBMITTED_THIS_MONTH"
        last = None
        if latest:
            read_on, value, source, _ = latest[-1]
            used = (
                consumption_between(latest[-2][1], value, meter["digits"])
                if len(latest) >= 2
                else None
            )
            last = {
                "value": str(value),
                "readOn": read_on.isoformat(),
                "source": source,
                "consumption": None if used is None else str(used),
            }
        meter_data.append(
            {
                "id": _global_id("Meter", meter["id"]),
                "serialNumber": meter["serial_number"],
                "isMain": bool(meter["is_main"]),
                "premisesAddress": {
                    "street": meter["street"],
                    "buildingNumber": meter["building_number"],
                    "apartmentNumber": meter["apartment_number"],
                    "postalCode": meter["postal_code"],
                    "city": meter["city"],
                },
                "canSubmitReading": blocked is None,
                "submissionBlockedBy": blocked,
                "lastReading": last,
            }
        )
    counted = [m for m in meters if m["is_main"]] or list(meters)
    if start < since:  # a chart reaching further back than the recent readings
        readings = await _readings_since(db, [m["id"] for m in counted], start)
    series = [
        monthly_consumption(
            [MeterReadingPoint(r[0], r[1], r[2] == "ESTIMATED") for r in readings.get(m["id"], [])],
            m["digits"],
            start,
            end,
        )
        for m in counted
    ]
    consumption = merge_meters(series) if series else []
    data["account"] = {
        "number": account["number"],
        "kind": account["kind"],
        "holderName": account["holder_name"],
        "billingCycle": account["billing_cycle"],
        "eReadingsBlocked": bool(account["e_readings_blocked"]),
        "balance": _money(_decimal(account["balance"])),
        "overdue": _money(overdue),
        "nextDueDate": min(ahead).isoformat() if ahead else None,
        **{key: {"edges": due[status]} for key, status in _STATUS_KEYS},
        "meters": meter_data,
        "consumption": [
            {"month": c.month.isoformat(), "volume": str(c.volume), "estimated": c.estimated}
            for c in consumption
        ],
    }
    return _json(data)


Reading = tuple[date, Decimal, str, date | None]


async def _readings_since(db: Database, meter_ids: list[int], since: date) -> dict[int, list]:
    """Each meter's readings on or after `since` and the one just before, oldest first."""
    if not meter_ids:
        return {}
    marks = ", ".join("?" * len(meter_ids))
    rows = await db.fetch(
        f"""SELECT meter_id, read_on, value, source, customer_month, id FROM readings
        WHERE meter_id IN ({marks}) AND read_on >= ?
        UNION ALL
        SELECT meter_id, read_on, value, source, customer_month, id FROM readings WHERE id IN (
            SELECT (SELECT b.id FROM readings b WHERE b.meter_id = m.id AND b.read_on < ?
                    ORDER BY b.read_on DESC, b.id DESC LIMIT 1)
            FROM meters m WHERE m.id IN ({marks}))
        ORDER BY meter_id, read_on, id""",
        *meter_ids,
        since,
        since,
        *meter_ids,
    )
    found: dict[int, list[Reading]] = {}
    for r in rows:
        month = r["customer_month"]
        found.setdefault(r["meter_id"], []).append(
            (
                _date(r["read_on"]),
                _decimal(r["value"]),
                r["source"],
                None if month is None else _date(month),
            )
        )
    return found


async def _latest_two(db: Database, meter_id: int) -> list[Reading]:
    rows = await db.fetch(
        """SELECT read_on, value, source, customer_month FROM readings WHERE meter_id = ?
        ORDER BY read_on DESC, id DESC LIMIT 2""",
        meter_id,
    )
    return [(_date(r["read_on"]), _decimal(r["value"]), r["source"], None) for r in reversed(rows)]


# --- InvoiceDetail --------------------------------------------------------------------------


def _invoice_path(number: str) -> str:
    return "/faktury/" + quote(number, safe="/")


async def invoice_detail(request: Request) -> Response:
    db: Database = request.app.state.db
    user_id = await _viewer(db, request)
    if user_id is None:
        return _unauthorized()
    number = orjson.loads(await request.body())["variables"]["number"]
    today = _today()
    accounts = await db.fetch(
        """SELECT a.id, a.number, a.holder_name FROM accounts a
        JOIN user_accounts ua ON ua.account_id = a.id WHERE ua.user_id = ? ORDER BY a.id""",
        user_id,
    )
    found = await db.fetch(
        """SELECT i.id, i.account_id, i.number, i.kind, i.issued_on, i.period_from, i.period_to,
        i.due_date, i.net, i.vat, i.gross, i.paid, i.settlement, i.ksef_number,
        c.number AS corrected_number, c.issued_on AS corrected_issued_on
        FROM invoices i JOIN user_accounts ua ON ua.account_id = i.account_id AND ua.user_id = ?
        LEFT JOIN invoices c ON c.id = i.corrects_id
        WHERE i.number = ?""",
        user_id,
        number,
    )
    invoice = found[0] if found else None
    detail = None
    if invoice is not None:
        lines = await db.fetch(
            """SELECT service, description, quantity, unit, unit_price, net, vat_rate, vat, gross,
            estimated FROM invoice_lines WHERE invoice_id = ? ORDER BY position""",
            invoice["id"],
        )
        readings = await db.fetch(
            """SELECT r.value, r.read_on, r.source, m.serial_number FROM invoice_readings ir
            JOIN readings r ON r.id = ir.reading_id JOIN meters m ON m.id = r.meter_id
            WHERE ir.invoice_id = ? ORDER BY r.read_on, r.id""",
            invoice["id"],
        )
        corrections = await db.fetch(
            """SELECT number, issued_on, gross FROM invoices WHERE corrects_id = ?
            ORDER BY issued_on, id""",
            invoice["id"],
        )
        gross, paid = _decimal(invoice["gross"]), _decimal(invoice["paid"])
        owner = next(a["number"] for a in accounts if a["id"] == invoice["account_id"])
        path = _invoice_path(invoice["number"])
        corrected = None
        if invoice["corrected_number"] is not None:
            corrected = {
                "number": invoice["corrected_number"],
                "issuedOn": _date(invoice["corrected_issued_on"]).isoformat(),
            }
        detail = {
            "number": invoice["number"],
            "kind": invoice["kind"],
            "issuedOn": _date(invoice["issued_on"]).isoformat(),
            "periodFrom": _date(invoice["period_from"]).isoformat(),
            "periodTo": _date(invoice["period_to"]).isoformat(),
            "dueDate": _date(invoice["due_date"]).isoformat(),
            "status": status_on(invoice["settlement"], _date(invoice["due_date"]), today),
            "ksefNumber": invoice["ksef_number"],
            "transferTitle": transfer_title(owner, invoice["number"]),
            "pdfUrl": path + ".pdf",
            "eInvoiceUrl": path + ".xml",
            "net": _money(_decimal(invoice["net"])),
            "vat": _money(_decimal(invoice["vat"])),
            "gross": _money(gross),
            "amountDue": _money(amount_due(gross, paid)),
            "lines": [
                {
                    "service": line["service"],
                    "description": line["description"],
                    "quantity": str(_decimal(line["quantity"])),
                    "unit": line["unit"],
                    "unitPrice": _money(_decimal(line["unit_price"])),
                    "net": _money(_decimal(line["net"])),
                    "vatRate": str(_decimal(line["vat_rate"]).normalize()),
                    "vat": _money(_decimal(line["vat"])),
                    "gross": _money(_decimal(line["gross"])),
                    "estimated": bool(line["estimated"]),
                }
                for line in lines
            ],
            "readings": [
                {
                    "value": str(_decimal(r["value"])),
                    "readOn": _date(r["read_on"]).isoformat(),
                    "source": r["source"],
                    "meter": {"serialNumber": r["serial_number"]},
                }
                for r in readings
            ],
            "correctedInvoice": corrected,
            "corrections": [
                {
                    "number": c["number"],
                    "issuedOn": _date(c["issued_on"]).isoformat(),
                    "gross": _money(_decimal(c["gross"])),
                }
                for c in corrections
            ],
        }
    return _json(
        {
            "accounts": [
                {
                    "number": a["number"],
                    "holderName": a["holder_name"],
                    "paymentAccountNumber": to_iban(
                        individual_account_number(UTILITY.bank_branch, a["number"])
                    ),
                    "invoice": detail
                    if invoice is not None and invoice["account_id"] == a["id"]
                    else None,
                }
                for a in accounts
            ]
        }
    )


def create_baseline(database_url: str) -> Starlette:
    db = Database(database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.open()
        try:
            yield
        finally:
            await db.close()

    app = Starlette(
        routes=[
            Route("/dashboard", dashboard, methods=["POST"]),
            Route("/invoice", invoice_detail, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    arguments = parser.parse_args()
    uvicorn.run(
        create_baseline(arguments.database_url),
        host=arguments.host,
        port=arguments.port,
        workers=1,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()

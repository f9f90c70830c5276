"""`/`: the public home page (sign-in, failure report, tariff, reading window, news)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.gql import OperationFailed, run_operation
from web.rendering import render

log = logging.getLogger(__name__)

# Kinds that disturb the supply: shown first, under their own heading and label.
DISRUPTIONS = ("FAILURE", "PLANNED_OUTAGE")


@dataclass(frozen=True)
class Price:
    """One row of the price list: the net price and, as a hint, the gross one."""

    service: str
    net: Decimal
    gross: Decimal


def price_list(tariff: dict[str, Any]) -> list[Price]:
    services = (
        ("WATER", tariff["waterPrice"], tariff["waterPriceGross"]),
        ("SEWAGE", tariff["sewagePrice"], tariff["sewagePriceGross"]),
        ("SUBSCRIPTION", tariff["subscriptionFee"], tariff["subscriptionFeeGross"]),
    )
    return [
        Price(service, Decimal(net["amount"]), Decimal(gross["amount"]))
        for service, net, gross in services
    ]


def split_announcements(
    announcements: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(failures and planned outages, everything else), each in the API's order."""
    disruptions = [a for a in announcements if a["kind"] in DISRUPTIONS]
    others = [a for a in announcements if a["kind"] not in DISRUPTIONS]
    return disruptions, others


async def home(request: Request) -> Response:
    try:
        data = await run_operation(request, "HomePage")
    except OperationFailed:
        # The public page must still offer sign-in and the failure report when the
        # price list or the news cannot be read; the cause is in the log.
        log.exception("home page data unavailable")
        data = {}
    disruptions, others = split_announcements(data.get("announcements") or [])
    tariff = data.get("tariff")
    context = {
        "tariff": tariff,
        "prices": price_list(tariff) if tariff else [],
        "window": data.get("readingWindow"),
        "disruptions": disruptions,
        "news": others,
        "data_missing": not data,
    }
    return render(request, "home/page.html", context)


routes: list[BaseRoute] = [Route("/", home, methods=["GET"])]

"""Gathering what a forecast and a simulation are computed from: the account's meters,
their recent readings and the tariffs, through the request's loaders (one statement
each, whatever the number of meters). The arithmetic is models/rules/forecast.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from models.enums import ReadingSource
from models.errors import BadRequest, MeterRepeated, NoTariff, NotFound
from models.rows import AccountRow, MeterRow, ReadingRow
from models.rules import forecast as rules
from models.rules.estimates import RegisterPoint
from models.rules.reading_submission import PreviousReading
from models.rules.tariff import TariffRates
from resolvers.context import Context
from resolvers.ids import pk_of

FORECAST_PDF = "/prognoza.pdf"


@dataclass(frozen=True)
class SimulatedReading:
    meter_id: str
    value: Decimal


@dataclass(frozen=True)
class ForecastOf:
    """A forecast of one account, with the address of its PDF."""

    result: rules.Forecast
    pdf_url: str


async def _tariffs(ctx: Context) -> list[TariffRates]:
    rows = await ctx.loaders.tariffs.load("all")
    return [
        TariffRates(
            r.valid_from, r.valid_to, r.water_price, r.sewage_price, r.subscription_fee, r.vat_rate
        )
        for r in rows
    ]


def _counted(meters: list[MeterRow], today: date) -> list[MeterRow]:
    """The meters billed now: a housing community's main meter only, none removed."""
    in_use = [m for m in meters if m.removed_on is None or m.removed_on > today]
    return [m for m in in_use if m.is_main] or in_use


async def _histories(ctx: Context, meters: list[MeterRow]) -> list[list[ReadingRow]]:
    """Each meter's readings of the last two years (the dashboard's recent readings);
    a meter not read for that long falls back to its newest two."""
    ids = [m.id for m in meters]
    recent = await ctx.loaders.recent_readings_by_meter.load_many(ids)
    stale = [m for m, rows in zip(ids, recent, strict=True) if len(rows) < 2]
    latest = dict(
        zip(stale, await ctx.loaders.latest_readings_by_meter.load_many(stale), strict=True)
    )
    return [
        latest.get(m, rows) if len(rows) < 2 else rows for m, rows in zip(ids, recent, strict=True)
    ]


def _actual(rows: list[ReadingRow]) -> list[RegisterPoint]:
    return [RegisterPoint(r.read_on, r.value) for r in rows if r.source != ReadingSource.ESTIMATED]


def _no_tariff(day: date) -> NoTariff:
    return NoTariff(day=day.strftime("%d.%m.%Y"))


def forecast_pdf_url(account: AccountRow, start: date, end: date) -> str:
    query = urlencode({"konto": account.number, "od": start.isoformat(), "do": end.isoformat()})
    return f"{FORECAST_PDF}?{query}"


def simulation_pdf_url(account: AccountRow, readings: list[SimulatedReading]) -> str:
    pairs = [("konto", account.number)]
    for reading in readings:
        pairs += [("wodomierz", reading.meter_id), ("stan", str(reading.value))]
    return f"{FORECAST_PDF}?{urlencode(pairs)}"


async def forecast(ctx: Context, account: AccountRow, start: date, end: date) -> ForecastOf:
    today = ctx.clock.today()
    rules.check_period(start, end, today)
    meters = _counted(await ctx.loaders.meters_by_account.load(account.id), today)
    histories = await _histories(ctx, meters)
    given = [
        rules.MeterHistory(m.serial_number, m.digits, _actual(rows))
        for m, rows in zip(meters, histories, strict=True)
    ]
    try:
        result = rules.forecast(start, end, given, await _tariffs(ctx), today)
    except LookupError as error:
        raise _no_tariff(start) from error
    return ForecastOf(result, forecast_pdf_url(account, start, end))


async def simulate(
    ctx: Context, account: AccountRow, readings: list[SimulatedReading]
) -> ForecastOf:
    """Readings of this account's meters only: another's meter (or no meter) is "not
    found", as everywhere; one value per meter."""
    if not readings:
        raise BadRequest("Give at least one reading to simulate.", field="readings")
    today = ctx.clock.today()
    pks = [pk_of(r.meter_id, "Meter") for r in readings]
    own = {m.id: m for m in await ctx.loaders.meters_by_account.load(account.id)}
    for index, pk in enumerate(pks):
        if pk is None or pk not in own:
            raise NotFound(f"readings.{index}.meterId")
        if pks.index(pk) != index:
            repeated = MeterRepeated()
            repeated.field = f"readings.{index}.meterId"
            raise repeated
    meters = [own[pk] for pk in pks if pk is not None]
    histories = await _histories(ctx, meters)
    given = [
        rules.SimulatedMeter(
            serial_number=m.serial_number,
            digits=m.digits,
            value=r.value,
            previous=PreviousReading(rows[-1].value, rows[-1].read_on) if rows else None,
            actual=_actual(rows),
        )
        for m, r, rows in zip(meters, readings, histories, strict=True)
    ]
    try:
        result = rules.simulate(given, await _tariffs(ctx), today)
    except LookupError as error:
        raise _no_tariff(today) from error
    return ForecastOf(result, simulation_pdf_url(account, readings))

"""Static facts of the demo data: who the demo customers are, where they live, what they say.

Everything here is fixed text and numbers; `models.services.demo` turns it into rows
relative to the clock. Names, addresses, phone numbers and bank accounts are made up
(e-mail addresses use the reserved `example.pl` style); the tax ids and account
numbers pass their check-digit rules so that screens validating them accept them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.enums import AccountKind, BillingCycle

# --- Prices of the two tariffs (net PLN; VAT in percent) -------------------------------


@dataclass(frozen=True)
class DemoPrices:
    water: Decimal
    sewage: Decimal
    subscription: Decimal
    vat_rate: Decimal


OLD_PRICES = DemoPrices(Decimal("5.42"), Decimal("7.38"), Decimal("4.90"), Decimal("8"))
"""The regulator's price list in force until the change about eleven months ago."""
NEW_PRICES = DemoPrices(Decimal("5.83"), Decimal("7.96"), Decimal("5.20"), Decimal("8"))
"""The current price list."""

# --- How much water a customer uses ---------------------------------------------------


@dataclass(frozen=True)
class ConsumptionProfile:
    """Daily use in m³: `base_daily` shaped by the season, with day-to-day noise, clamped.

    The clamp is what the demo promises (e.g. a household uses 7–12 m³ a month, the
    Lipowa 12 building 250–330 m³), so it holds whatever the random draws are.
    """

    base_daily: float
    seasonal_swing: float
    """How much summer use exceeds the average (0.2 = up to +20 %), winter falls short."""
    noise: float
    """Month-to-month variation as a fraction of the seasonal rate."""
    min_daily: float
    max_daily: float
    opening_register: float
    """Register value (m³) at the opening reading, before the first month shown."""


SEASON_SHAPE: dict[int, float] = {
    1: -0.9,
    2: -1.0,
    3: -0.7,
    4: -0.3,
    5: 0.2,
    6: 0.7,
    7: 1.0,
    8: 0.9,
    9: 0.4,
    10: -0.2,
    11: -0.6,
    12: -0.5,
}
"""Relative water use per calendar month in [-1, 1]: gardens and showers in summer."""

# --- The customers ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCustomer:
    number: str
    kind: AccountKind
    billing_cycle: BillingCycle
    holder_name: str
    tax_id: str | None
    street: str
    building_number: str
    apartment_number: str | None
    postal_code: str
    email: str
    phone: str
    years_as_customer: int
    """The contract was signed this many years before the demo's today."""
    contract_serial: str
    """Contract number is "U/<year signed>/<serial>"."""
    meter_prefix: str
    meter_serial: str
    """Meter serial is "<prefix>-<two-digit year installed>-<serial>"."""
    meter_is_main: bool
    meter_digits: int
    reading_first_day: int
    """Readings are taken from this day of the month to its last day (the window is 25th–end)."""
    consumption: ConsumptionProfile
    payer_account: str
    """The NRB the customer's transfers come from (valid check digits)."""


JAN_KOWALSKI = DemoCustomer(
    number="100001",
    kind=AccountKind.INDIVIDUAL,
    billing_cycle=BillingCycle.BIMONTHLY,
    holder_name="Jan Kowalski",
    tax_id=None,
    street="ul. Słoneczna",
    building_number="14",
    apartment_number=None,
    postal_code="00-951",
    email="jan.kowalski@example.pl",
    phone="+48 601 234 567",
    years_as_customer=7,
    contract_serial="00421",
    meter_prefix="WS",
    meter_serial="204417",
    meter_is_main=False,
    meter_digits=5,
    reading_first_day=25,
    consumption=ConsumptionProfile(
        base_daily=0.31,
        seasonal_swing=0.2,
        noise=0.06,
        min_daily=0.235,
        max_daily=0.385,
        opening_register=556.0,
    ),
    payer_account="25102010420000170204417302",
)

KATARZYNA_WISNIEWSKA = DemoCustomer(
    number="100002",
    kind=AccountKind.INDIVIDUAL,
    billing_cycle=BillingCycle.BIMONTHLY,
    holder_name="Katarzyna Wiśniewska",
    tax_id=None,
    street="ul. Ogrodowa",
    building_number="23",
    apartment_number=None,
    postal_code="00-954",
    email="k.wisniewska@example.pl",
    phone="+48 512 908 114",
    years_as_customer=5,
    contract_serial="01377",
    meter_prefix="WS",
    meter_serial="318052",
    meter_is_main=False,
    meter_digits=5,
    reading_first_day=25,
    consumption=ConsumptionProfile(
        base_daily=0.24,
        seasonal_swing=0.15,
        noise=0.08,
        min_daily=0.17,
        max_daily=0.32,
        opening_register=249.0,
    ),
    payer_account="41114020170000430211889541",
)

WSPOLNOTA_LIPOWA = DemoCustomer(
    number="100003",
    kind=AccountKind.HOUSING_COMMUNITY,
    billing_cycle=BillingCycle.MONTHLY,
    holder_name="Wspólnota Mieszkaniowa ul. Lipowa 12",
    tax_id="5252874132",
    street="ul. Lipowa",
    building_number="12",
    apartment_number=None,
    postal_code="00-953",
    email="zarzad.lipowa12@example.pl",
    phone="+48 22 615 40 12",
    years_as_customer=18,
    contract_serial="00057",
    meter_prefix="WB",
    meter_serial="007731",
    meter_is_main=True,
    meter_digits=5,
    # Read on the 28th or later, so even the last month, whose days after its reading
    # have no reading yet, shows at least 28 days of use on the chart.
    reading_first_day=28,
    consumption=ConsumptionProfile(
        base_daily=9.6,
        seasonal_swing=0.06,
        noise=0.04,
        # 28 days x 9.05 = 253.4 m³, 31 days x 10.55 = 327.05 m³: every month stays in
        # 250–330 m³ even after a whole-m³ reading shifts a month by up to 1 m³.
        min_daily=9.05,
        max_daily=10.55,
        # Near the top of a 5-digit register, so it rolls over past 99 999 in the demo.
        opening_register=97_016.0,
    ),
    payer_account="28124060610000283317720019",
)

CUSTOMERS = (JAN_KOWALSKI, KATARZYNA_WISNIEWSKA, WSPOLNOTA_LIPOWA)

# --- eBOK users ---------------------------------------------------------------------------

CUSTOMER_PASSWORD = "Woda-Demo-2026!"
STAFF_PASSWORD = "Obsluga-Demo-2026!"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@dataclass(frozen=True)
class DemoUser:
    login: str
    email: str
    account_number: str | None
    """The account the customer user holds; None for staff."""


JAN_USER = DemoUser("jan.kowalski", "jan.kowalski@example.pl", "100001")
LIPOWA_USER = DemoUser("wspolnota.lipowa", "zarzad.lipowa12@example.pl", "100003")
STAFF_USER = DemoUser("obsluga", "obsluga@wodociagi-dabrowa.example.pl", None)

# --- Announcements --------------------------------------------------------------------

OUTAGE_STREETS = ("ul. Lipowa (nr 2–18)", "ul. Klonowa", "ul. Ogrodowa (nr 1–15)")
OUTAGE_FROM_HOUR = 8
OUTAGE_TO_HOUR = 14
OUTAGE_TITLE = "Planowana przerwa w dostawie wody: ul. Lipowa, Klonowa, Ogrodowa"
OUTAGE_BODY = (
    "W dniu {day} w godzinach {start}:00–{end}:00 nastąpi przerwa w dostawie wody "
    "na ulicach: {streets}. Przyczyną jest wymiana zasuwy na sieci wodociągowej. "
    "Beczkowóz z wodą pitną stanie przy skrzyżowaniu ul. Lipowej i ul. Klonowej. "
    "Przepraszamy za utrudnienia."
)
E_INVOICE_TITLE = "E-faktura zamiast papieru"
E_INVOICE_BODY = (
    "Wybierz e-fakturę w eBOK: faktura trafi do Ciebie w dniu wystawienia, "
    "bez czekania na listonosza, a w archiwum eBOK znajdziesz ją zawsze w formacie PDF. "
    "Zgodę zmienisz w każdej chwili w zakładce „Moje dane”."
)
READING_NEWS_TITLE = "Podaj odczyt wodomierza przez eBOK"
READING_NEWS_BODY = (
    "Odczyt wodomierza można podać w eBOK od {opens}. do ostatniego dnia każdego miesiąca. "
    "Faktura wystawiona na podstawie Twojego odczytu rozlicza rzeczywiste zużycie, "
    "bez szacunków."
)

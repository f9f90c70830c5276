"""Configuration from the environment (names and defaults as the outer surface fixes them).

Settings live under `models/` rather than `web/` because every layer needs them
(the database URL, the clock, the utility's bank prefix) and dependencies point
only downwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from models.rules.messages import AttachmentLimits

ENVIRONMENTS = ("production", "development", "test")

# Cost points per caller and hour through /graphql (EBOK_QUERY_ALLOWANCE). A partner
# app may fetch the costliest page's data (about 900 points) fifty times an hour and
# the one-point queries thousands of times, while one caller spending it all has
# had about five seconds of the server's time (a point is roughly 0.1 ms).
DEFAULT_QUERY_ALLOWANCE = 50_000


class ConfigurationError(RuntimeError):
    """The environment asks for something this process must not do."""


@dataclass(frozen=True)
class UtilitySettings:
    """Facts about the utility itself, printed on invoices and used by the rules."""

    name: str = "Miejskie Wodociągi i Kanalizacja w Dąbrowie Wielkiej Sp. z o.o."
    short_name: str = "Wodociągi Dąbrowa Wielka"
    tax_id: str = "5260250995"
    street: str = "ul. Wodna 1"
    postal_code: str = "00-950"
    city: str = "Dąbrowa Wielka"
    phone: str = "+48 22 123 45 67"
    email: str = "bok@wodociagi-dabrowa.example"
    accessibility_email: str = "dostepnosc@wodociagi-dabrowa.example"
    dpo_email: str = "iod@wodociagi-dabrowa.example"
    emergency_phone: str = "994"
    bank_branch: str = "10901014"
    reading_window_opens_on_day: int = 25
    payment_term_days: int = 14
    terms_version: str = "2026-01"


PAYMENT_PROVIDERS = ("sandbox", "przelewy24")
P24_SANDBOX_URL = "https://sandbox.przelewy24.pl"


@dataclass(frozen=True)
class Przelewy24Settings:
    """A merchant's Przelewy24 account: ids, the REST API key and the CRC (signing) key."""

    merchant_id: int
    pos_id: int
    api_key: str = field(repr=False)
    crc: str = field(repr=False)
    url: str = P24_SANDBOX_URL


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://var/ebok.sqlite3"
    secret_key: str = ""
    smtp_url: str | None = None
    mail_from: str = "ebok@localhost"
    upload_dir: Path = Path("var/uploads")
    mail_dir: Path = Path("var/mail")
    clock: str | None = None
    env: str = "production"
    payment_provider: str = "sandbox"
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For/-Proto give the
    # client's address and scheme; empty: nobody's are believed.
    trusted_proxies: tuple[str, ...] = ()
    query_allowance: int = DEFAULT_QUERY_ALLOWANCE
    # Where customers reach the site: links in e-mails (password reset, e-mail change)
    # are built on it, never on a request's Host header, which an attacker may choose.
    public_url: str = "http://127.0.0.1:8000"
    # Przelewy24 (EBOK_P24_*): used when payment_provider is "przelewy24".
    p24: Przelewy24Settings | None = None
    utility: UtilitySettings = field(default_factory=UtilitySettings)
    # Files on a message (EBOK_ATTACHMENT_MAX_MB, EBOK_ATTACHMENTS_PER_MESSAGE).
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(
    environ: Mapping[str, str] | None = None, var_dir: Path = Path("var")
) -> Settings:
    """Read EBOK_* variables; generate the secret key into var/secret_key when unset."""
    env = os.environ if environ is None else environ
    mode = env.get("EBOK_ENV", "production")
    if mode not in ENVIRONMENTS:
        raise ConfigurationError(f"EBOK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}")
    return Settings(
        database_url=env.get("EBOK_DATABASE_URL", "sqlite://var/ebok.sqlite3"),
        secret_key=env.get("EBOK_SECRET_KEY") or _stored_secret_key(var_dir),
        smtp_url=env.get("EBOK_SMTP_URL") or None,
        mail_from=env.get("EBOK_MAIL_FROM", "ebok@localhost"),
        upload_dir=Path(env.get("EBOK_UPLOAD_DIR", str(var_dir / "uploads"))),
        mail_dir=var_dir / "mail",
        clock=env.get("EBOK_CLOCK") or None,
        env=mode,
        payment_provider=_payment_provider(env.get("EBOK_PAYMENT_PROVIDER") or "sandbox"),
        p24=_przelewy24(env),
        trusted_proxies=_address_list(env.get("EBOK_TRUSTED_PROXIES", "")),
        query_allowance=_query_allowance(env.get("EBOK_QUERY_ALLOWANCE")),
        public_url=(env.get("EBOK_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        attachments=AttachmentLimits(
            max_bytes=_whole_number(env, "EBOK_ATTACHMENT_MAX_MB", 10, 100) * 1024 * 1024,
            per_message=_whole_number(env, "EBOK_ATTACHMENTS_PER_MESSAGE", 5, 20),
        ),
    )


def _whole_number(env: Mapping[str, str], name: str, default: int, most: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise ConfigurationError(f"{name} must be a whole number from 1 to {most}, not {value!r}")
    return int(value)


def _payment_provider(name: str) -> str:
    if name not in PAYMENT_PROVIDERS:
        raise ConfigurationError(
            f"EBOK_PAYMENT_PROVIDER must be one of {', '.join(PAYMENT_PROVIDERS)}, not {name!r}"
        )
    return name


def _przelewy24(env: Mapping[str, str]) -> Przelewy24Settings | None:
    """EBOK_P24_*; required (all four keys) when EBOK_PAYMENT_PROVIDER is przelewy24."""
    names = ("EBOK_P24_MERCHANT_ID", "EBOK_P24_POS_ID", "EBOK_P24_API_KEY", "EBOK_P24_CRC")
    values = {name: (env.get(name) or "").strip() for name in names}
    wanted = env.get("EBOK_PAYMENT_PROVIDER") == "przelewy24"
    if not any(values.values()) and not wanted:
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ConfigurationError(f"Przelewy24 needs {', '.join(missing)}")
    merchant, pos = values["EBOK_P24_MERCHANT_ID"], values["EBOK_P24_POS_ID"]
    if not (merchant.isdigit() and pos.isdigit()):
        raise ConfigurationError("EBOK_P24_MERCHANT_ID and EBOK_P24_POS_ID are numbers")
    url = (env.get("EBOK_P24_URL") or P24_SANDBOX_URL).rstrip("/")
    return Przelewy24Settings(
        int(merchant), int(pos), values["EBOK_P24_API_KEY"], values["EBOK_P24_CRC"], url
    )


def _address_list(text: str) -> tuple[str, ...]:
    """ "10.0.0.5, 10.0.0.6" -> ("10.0.0.5", "10.0.0.6"); blanks are left out."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _query_allowance(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_QUERY_ALLOWANCE
    try:
        points = int(value)
    except ValueError:
        points = 0
    if points < 1:
        raise ConfigurationError(
            f"EBOK_QUERY_ALLOWANCE must be a whole number of points above 0, not {value!r}"
        )
    return points


def _stored_secret_key(var_dir: Path) -> str:
    """The key made on first start, kept so sessions survive a restart."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create with owner-only permissions before writing the secret into it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key

"""Configuration from the environment, and a clock that only demo and tests may shift."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models.clock import WARSAW, Clock, clock_from_settings, parse_clock_start
from models.settings import ConfigurationError, load_settings


def test_defaults_follow_the_outer_surface(tmp_path: Path) -> None:
    settings = load_settings({}, var_dir=tmp_path)
    assert settings.database_url == "sqlite://var/ebok.sqlite3"
    assert settings.env == "production"
    assert settings.mail_from == "ebok@localhost"
    assert settings.payment_provider == "sandbox"
    assert settings.smtp_url is None


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_settings({}, var_dir=tmp_path).secret_key
    second = load_settings({}, var_dir=tmp_path).secret_key
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    given = load_settings({"EBOK_SECRET_KEY": "from-env"}, var_dir=tmp_path)
    assert given.secret_key == "from-env"


def test_an_unknown_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        load_settings({"EBOK_ENV": "staging"}, var_dir=tmp_path)


def test_a_shifted_clock_is_refused_in_production() -> None:
    with pytest.raises(ConfigurationError, match="EBOK_CLOCK"):
        clock_from_settings("2026-11-21T10:00", env="production", demo=False)
    with pytest.raises(ConfigurationError):
        clock_from_settings("2026-11-21T10:00", env="development", demo=False)


def test_demo_and_test_mode_start_the_clock_where_asked_and_let_it_run() -> None:
    clock = clock_from_settings("2026-11-21T23:30", env="test", demo=False)
    assert clock.today() == date(2026, 11, 21)
    assert clock.now().tzinfo is not None
    assert clock.now() >= datetime(2026, 11, 21, 22, 30, tzinfo=UTC)
    demo = clock_from_settings("2026-06-01", env="production", demo=True)
    assert demo.today() == date(2026, 6, 1)


def test_business_dates_are_warsaw_dates() -> None:
    # 23:30 UTC on 30 November is already 1 December in Warsaw.
    clock = Clock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), frozen=True)
    assert clock.today() == date(2026, 12, 1)
    assert parse_clock_start("2026-11-21T10:00").tzinfo == WARSAW


def test_a_malformed_clock_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        parse_clock_start("yesterday")


def test_trusted_proxies_are_a_comma_separated_list_and_none_by_default(tmp_path: Path) -> None:
    assert load_settings({}, var_dir=tmp_path).trusted_proxies == ()
    listed = load_settings({"EBOK_TRUSTED_PROXIES": " 10.0.0.5, ,10.0.1.0/24 "}, var_dir=tmp_path)
    assert listed.trusted_proxies == ("10.0.0.5", "10.0.1.0/24")


def test_attachment_limits_come_from_the_environment(tmp_path: Path) -> None:
    default = load_settings({}, var_dir=tmp_path).attachments
    assert (default.max_bytes, default.per_message) == (10 * 1024 * 1024, 5)
    env = {"EBOK_ATTACHMENT_MAX_MB": "2", "EBOK_ATTACHMENTS_PER_MESSAGE": "3"}
    chosen = load_settings(env, var_dir=tmp_path).attachments
    assert (chosen.max_bytes, chosen.per_message, chosen.megabytes) == (2 * 1024 * 1024, 3, 2)
    for bad in ({"EBOK_ATTACHMENT_MAX_MB": "0"}, {"EBOK_ATTACHMENTS_PER_MESSAGE": "pięć"}):
        with pytest.raises(ConfigurationError):
            load_settings(bad, var_dir=tmp_path)

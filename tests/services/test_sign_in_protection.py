"""Sign-in protection (SURFACE.md): delays, a 15-minute lock, a per-address limit,
two-step codes accepted once and checked against real time."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from models.clock import Clock
from models.enums import LoginOutcome
from models.errors import AccountLocked, InvalidCredentials, SignInRateLimited
from models.orm import LoginAttempt, User
from models.rules.totp import totp_at
from models.services import signin
from models.services.known_devices import new_proof, proven_device
from models.services.signin import Credentials, sign_in

pytestmark = pytest.mark.usefixtures("demo")

JAN, JAN_PASSWORD = "jan.kowalski", "Woda-Demo-2026!"
LIPOWA, LIPOWA_PASSWORD = "wspolnota.lipowa", "Woda-Demo-2026!"
STAFF, STAFF_PASSWORD, STAFF_SECRET = "obsluga", "Obsluga-Demo-2026!", "JBSWY3DPEHPK3PXP"
HERE = "10.0.0.7"


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits sign-in asks for, recorded instead of slept."""
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(signin, "pause", record)
    return asked


def _attempt(login: str, password: str, otp: str | None = None, address: str = HERE):
    return Credentials(login, password, otp, address)


async def _fail(clock: Clock, times: int, login: str = JAN, address: str = HERE) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await sign_in(_attempt(login, "zgadywane-haslo", address=address), clock)


async def test_from_the_fifth_failure_each_attempt_waits_longer(
    clock: Clock, pauses: list[float]
) -> None:
    await _fail(clock, 5)
    assert pauses == []
    # The 6th to the 10th attempt wait 1, 2, 3, 5 and 8 seconds before being checked.
    await _fail(clock, 5)
    assert pauses == [1, 2, 3, 5, 8]


async def test_ten_failures_lock_the_login_for_fifteen_minutes_even_for_the_right_password(
    clock: Clock, pauses: list[float]
) -> None:
    await _fail(clock, 10)
    with pytest.raises(AccountLocked) as locked:
        await sign_in(_attempt(JAN, JAN_PASSWORD), clock)
    assert locked.value.until == clock.now() + timedelta(minutes=15)
    assert "wstrzymane" in locked.value.message()
    clock.set(clock.now() + timedelta(minutes=15, seconds=1))
    user = await sign_in(_attempt(JAN, JAN_PASSWORD), clock)
    assert user.login == JAN


async def test_a_locked_login_never_blocks_another_login(clock: Clock, pauses: list[float]) -> None:
    await _fail(clock, 10)
    with pytest.raises(AccountLocked):
        await sign_in(_attempt(JAN, "jeszcze-jedno"), clock)
    pauses.clear()
    user = await sign_in(_attempt(LIPOWA, LIPOWA_PASSWORD), clock)
    assert user.login == LIPOWA
    assert pauses == [], "another login's failures do not slow this one"


async def test_a_success_forgets_the_failures(clock: Clock, pauses: list[float]) -> None:
    await _fail(clock, 9)
    await sign_in(_attempt(JAN, JAN_PASSWORD), clock)
    pauses.clear()
    await _fail(clock, 5)
    assert pauses == []


async def test_an_unknown_login_is_locked_like_a_real_one(
    clock: Clock, pauses: list[float]
) -> None:
    # The lock must not tell an attacker which logins exist.
    await _fail(clock, 10, login="nie.ma.takiego")
    with pytest.raises(AccountLocked):
        await sign_in(_attempt("nie.ma.takiego", "cokolwiek"), clock)


async def test_thirty_failures_from_one_address_answer_rate_limited_but_a_right_password_works(
    clock: Clock, pauses: list[float]
) -> None:
    for n in range(30):
        await _fail(clock, 1, login=f"zgadywany{n}")
    assert pauses == []
    with pytest.raises(SignInRateLimited):
        await sign_in(_attempt("zgadywany-inny", "haslo"), clock)
    assert pauses == [5], "an attempt from an address over its limit is held first"
    user = await sign_in(_attempt(LIPOWA, LIPOWA_PASSWORD), clock)
    assert user.login == LIPOWA
    # Another address is not affected at all.
    await _fail(clock, 1, login="zgadywany0", address="10.0.0.8")
    clock.set(clock.now() + timedelta(minutes=10, seconds=1))
    await _fail(clock, 1, login="zgadywany-po-oknie")


async def test_parallel_guesses_cannot_slip_past_the_lock(
    clock: Clock, pauses: list[float]
) -> None:
    outcomes = await asyncio.gather(
        *(sign_in(_attempt(JAN, f"rownolegle-{n}"), clock) for n in range(25)),
        return_exceptions=True,
    )
    assert all(isinstance(o, InvalidCredentials | AccountLocked) for o in outcomes)
    checked = await LoginAttempt.filter(login=JAN, outcome=LoginOutcome.FAILED).count()
    assert checked == 10, "only ten guesses were ever checked"
    assert sum(isinstance(o, AccountLocked) for o in outcomes) == 15


async def test_a_known_device_of_the_owner_gets_in_while_the_login_is_under_attack(
    clock: Clock, pauses: list[float]
) -> None:
    secret = "test-secret"
    proof = new_proof(secret, JAN)
    device = proven_device(secret, JAN, proof)
    assert device is not None
    assert proven_device(secret, LIPOWA, proof) is None, "a proof is for one login only"
    assert proven_device("another-key", JAN, proof) is None
    await _fail(clock, 10)
    with pytest.raises(AccountLocked):
        await sign_in(_attempt(JAN, JAN_PASSWORD), clock)
    owner = Credentials(JAN, JAN_PASSWORD, None, HERE, device_id=device)
    assert (await sign_in(owner, clock)).login == JAN
    # The device's own failures still count against it.
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            await sign_in(Credentials(JAN, "zle", None, HERE, device_id=device), clock)
    with pytest.raises(AccountLocked):
        await sign_in(owner, clock)


async def test_a_right_password_without_the_code_answers_like_a_wrong_password(
    clock: Clock, pauses: list[float]
) -> None:
    with pytest.raises(InvalidCredentials) as no_code:
        await sign_in(_attempt(STAFF, STAFF_PASSWORD), clock)
    with pytest.raises(InvalidCredentials) as wrong:
        await sign_in(_attempt(STAFF, "zle-haslo"), clock)
    assert no_code.value.message() == wrong.value.message()
    assert no_code.value.field == wrong.value.field


async def test_a_code_is_accepted_once_and_guesses_count_as_failures(
    clock: Clock, pauses: list[float]
) -> None:
    code = totp_at(STAFF_SECRET, Clock.real_now())
    assert (await sign_in(_attempt(STAFF, STAFF_PASSWORD, code), clock)).login == STAFF
    with pytest.raises(InvalidCredentials):
        await sign_in(_attempt(STAFF, STAFF_PASSWORD, code), clock)
    for guess in ("000000", "111111", "222222", "333333"):
        with pytest.raises(InvalidCredentials):
            await sign_in(_attempt(STAFF, STAFF_PASSWORD, guess), clock)
    await _fail(clock, 1, login=STAFF)
    assert pauses == [1], "the replay and four guesses are five failures: the next one waits"


async def test_codes_follow_real_time_not_the_demo_clock(pauses: list[float]) -> None:
    # The demo's business clock may be years away from the phone's real clock.
    demo_clock = Clock(Clock.real_now() - timedelta(days=400), frozen=True)
    real_code = totp_at(STAFF_SECRET, Clock.real_now())
    user = await sign_in(_attempt(STAFF, STAFF_PASSWORD, real_code), demo_clock)
    assert user.login == STAFF
    stored = await User.get(login=STAFF)
    assert stored.totp_last_step is not None


async def test_sign_ins_are_logged_without_secrets(
    clock: Clock, pauses: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ebok.security")
    await _fail(clock, 10)
    with pytest.raises(AccountLocked):
        await sign_in(_attempt(JAN, JAN_PASSWORD), clock)
    await sign_in(_attempt(LIPOWA, LIPOWA_PASSWORD), clock)
    events = [r.getMessage() for r in caplog.records if r.name == "ebok.security"]
    assert any('"event":"sign_in_failed"' in e and HERE in e for e in events)
    assert any('"event":"sign_in_locked"' in e for e in events)
    assert any('"event":"sign_in_succeeded"' in e and LIPOWA in e for e in events)
    assert not any(JAN_PASSWORD in e or "zgadywane-haslo" in e for e in caplog.messages)

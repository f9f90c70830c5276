"""One request checks at most one credential: aliases must not multiply password guesses."""

from __future__ import annotations

import pytest

from models.services import signin
from resolvers import identity
from schema.limits import CREDENTIAL_FIELDS
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

GUESS = 'issueToken(input: {{login: "jan.kowalski", password: "guess-{n}"}}) {{ token }}'


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords actually checked."""
    checked: list[str] = []
    real = signin.sign_in

    async def counting(credentials: signin.Credentials, clock: object):  # type: ignore[no-untyped-def]
        checked.append(credentials.password)
        return await real(credentials, clock)  # type: ignore[arg-type]

    monkeypatch.setattr(identity, "sign_in", counting)
    return checked


def _guesses(count: int) -> str:
    return "mutation { " + " ".join(f"g{n}: " + GUESS.format(n=n) for n in range(count)) + " }"


@pytest.mark.parametrize("count", [2, 15])
async def test_aliased_sign_ins_are_refused_before_any_password_is_checked(
    api: Api, checks: list[str], count: int
) -> None:
    result = await api.run(_guesses(count))
    assert result.codes == ["BAD_REQUEST"]
    assert result.data is None
    assert checks == []


async def test_one_sign_in_per_request_still_works(api: Api, checks: list[str]) -> None:
    result = await api.run(_guesses(1))
    assert not result.errors
    assert checks == ["guess-0"]


async def test_fragments_count_too(api: Api, checks: list[str]) -> None:
    query = (
        "mutation { ...A ...B } "
        "fragment A on Mutation { a: " + GUESS.format(n=1) + " } "
        'fragment B on Mutation { b: refreshToken(input: {refreshToken: "x"}) { token } }'
    )
    result = await api.run(query)
    assert result.codes == ["BAD_REQUEST"]
    assert checks == []


async def test_a_skipped_sign_in_is_not_a_check(api: Api, checks: list[str]) -> None:
    skipped = 'issueToken(input: {login: "jan.kowalski", password: "guess-1"}) @skip(if: true)'
    query = "mutation { g0: " + GUESS.format(n=0) + " g1: " + skipped + " { token } }"
    result = await api.run(query)
    assert not result.errors
    assert checks == ["guess-0"]


def test_the_rule_names_the_credential_fields_the_contract_adds_later() -> None:
    assert {"register", "changePassword", "changeLogin", "resetPassword"} <= CREDENTIAL_FIELDS

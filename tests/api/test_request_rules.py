"""Production hygiene of the API: what it reveals, and to whom."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from strawberry import relay

from models.clock import Clock
from models.enums import AnnouncementKind
from models.orm import Announcement
from models.settings import Settings
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def production(settings: Settings, clock: Clock) -> Api:
    return Api(replace(settings, env="production"), clock)


async def test_a_document_with_several_operations_must_name_one(api: Api) -> None:
    document = "query A { termsVersion } query B { readingWindow { isOpen } }"
    unnamed = await api.run(document)
    assert unnamed.codes == ["BAD_REQUEST"] and unnamed.data is None
    assert "operationName" in unnamed.errors[0]["message"]
    from schema import schema

    named = await schema.execute(document, operation_name="B", context_value=_context(api))
    assert named.errors is None and named.data == {"readingWindow": {"isOpen": False}}


def _context(api: Api):  # type: ignore[no-untyped-def]
    from resolvers.context import Context

    return Context(settings=api.settings, clock=api.clock)


async def test_anonymous_callers_cannot_introspect_in_production(production: Api) -> None:
    for document in (
        "{ __schema { types { name } } }",
        '{ __type(name: "Account") { fields { name } } }',
        "query { ...F } fragment F on Query { __schema { queryType { name } } }",
    ):
        refused = await production.run(document)
        assert refused.codes == ["BAD_REQUEST"], document
        assert refused.data is None
    typename = await production.run("{ __typename termsVersion }")
    assert typename.errors == []
    signed_in = await production.run("{ __schema { queryType { name } } }", as_user="jan.kowalski")
    assert signed_in.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_stays_open_outside_production(api: Api) -> None:
    result = await api.run("{ __schema { queryType { name } } }")
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_no_field_suggestions_in_production(production: Api, api: Api) -> None:
    typo = "{ termsVersio }"
    hidden = await production.run(typo)
    assert hidden.codes == ["BAD_REQUEST"]
    assert "Did you mean" not in hidden.errors[0]["message"]
    assert "termsVersion" not in hidden.errors[0]["message"]
    enum_typo = "{ announcements(kind: PLANNED_OUTAG) { title } }"
    assert "Did you mean" not in (await production.run(enum_typo)).errors[0]["message"]
    # Developers outside production keep the hint.
    assert "Did you mean" in (await api.run(typo)).errors[0]["message"]


async def test_node_never_returns_an_announcement_its_list_hides(api: Api, clock: Clock) -> None:
    now = clock.now()
    expired = await Announcement.create(
        kind=AnnouncementKind.NEWS,
        title="Stara wiadomość",
        body="…",
        published_at=now - timedelta(days=30),
        valid_to=now - timedelta(days=1),
    )
    future = await Announcement.create(
        kind=AnnouncementKind.NEWS,
        title="Jeszcze nieopublikowana",
        body="…",
        published_at=now + timedelta(days=1),
    )
    listed = await api.data("{ announcements { id title } }")
    titles = {a["title"] for a in listed["announcements"]}
    assert {"Stara wiadomość", "Jeszcze nieopublikowana"}.isdisjoint(titles)
    for row in (expired, future):
        node_id = str(relay.GlobalID("Announcement", str(row.id)))
        found = await api.data("query N($id: ID!) { node(id: $id) { id } }", {"id": node_id})
        assert found["node"] is None
    shown = listed["announcements"][0]["id"]
    found = await api.data("query N($id: ID!) { node(id: $id) { id } }", {"id": shown})
    assert found["node"] == {"id": shown}

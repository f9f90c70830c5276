"""Until a first password is changed and the regulations accepted, account data waits."""

from __future__ import annotations

import httpx
import pytest

from models.orm import User
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")


async def test_a_first_password_must_be_changed_before_account_data(api: Api) -> None:
    await User.filter(login="jan.kowalski").update(must_change_password=True)
    refused = await api.run("{ accounts { number } }", as_user="jan.kowalski")
    assert refused.codes == ["PASSWORD_CHANGE_REQUIRED"]
    me = await api.data("{ me { login mustChangePassword } }", as_user="jan.kowalski")
    assert me["me"] == {"login": "jan.kowalski", "mustChangePassword": True}


async def test_new_regulations_must_be_accepted_before_account_data(api: Api) -> None:
    await User.filter(login="jan.kowalski").update(accepted_terms_version="2020-01")
    refused = await api.run('{ account(number: "100001") { number } }', as_user="jan.kowalski")
    assert refused.codes == ["TERMS_NOT_ACCEPTED"]
    version = await api.data("{ termsVersion me { acceptedTermsVersion } }", as_user="jan.kowalski")
    assert version["me"]["acceptedTermsVersion"] != version["termsVersion"]


async def test_a_correction_names_the_invoice_it_corrects(api: Api) -> None:
    query = """{ account(number: "100001") { invoices(first: 100) { edges { node {
        number kind correctedInvoice { number } corrections { number } } } } } }"""
    edges = (await api.data(query, as_user="jan.kowalski"))["account"]["invoices"]["edges"]
    invoices = [e["node"] for e in edges]
    correction = next(i for i in invoices if i["kind"] == "CORRECTION")
    corrected = next(i for i in invoices if i["number"] == correction["correctedInvoice"]["number"])
    assert corrected["corrections"] == [{"number": correction["number"]}]
    assert all(i["correctedInvoice"] is None for i in invoices if i["kind"] == "INVOICE")


async def test_graphiql_only_outside_production(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_queries_by_get_but_never_mutations(http: httpx.AsyncClient) -> None:
    query = await http.get("/graphql", params={"query": "{ termsVersion }"})
    assert query.json() == {"data": {"termsVersion": "2026-01"}}
    mutation = await http.get(
        "/graphql",
        params={"query": 'mutation { refreshToken(input: {refreshToken: "x"}) { token } }'},
    )
    assert mutation.status_code == 405 or "errors" in mutation.json()
    assert "data" not in mutation.json() or not mutation.json().get("data")


async def test_no_graphiql_in_production(settings, clock) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from web.app import create_app

    app = create_app(replace(settings, env="production"), clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()

"""A query's cost is known before it runs, and one that costs too much never runs."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_named_type, get_nullable_type, is_list_type, is_object_type

from resolvers import accounts as account_resolvers
from schema import schema
from schema.cost import FIELD_COSTS, LIST_SIZES, MAX_COST, field_cost
from schema.limits import cost_of
from tests.support import Api
from web.gql import operation_documents

GRAPHQL = schema._schema

# The variables the pages pass, at their largest (web/pages/*: PAGE_SIZE and ranges).
PAGE_VARIABLES: dict[str, dict[str, Any]] = {
    "AccountChoice": {},
    "HomePage": {},
    "Dashboard": {"number": "100001", "from": "2024-11-01", "to": "2026-10-31"},
    "AccountDashboard": {"number": "100001", "from": "2024-11-01", "to": "2026-10-31"},
    "BillingAccountHeading": {"konto": "100001"},
    "InvoiceList": {"konto": "100001", "first": 12, "status": "UNPAID", "to": "2026-11-21"},
    "InvoiceDetail": {"number": "FV/2026/10/000001"},
    "InvoiceDocument": {"number": "FV/2026/10/000001"},
    "LedgerPage": {
        "konto": "100001",
        "from": "2016-11-21",
        "to": "2026-11-21",
        "openingDay": "2016-11-20",
    },
    "PaymentsPage": {"konto": "100001", "first": 10, "after": None},
    "StartPayment": {"input": {"invoiceIds": ["SW52b2ljZToxMg=="], "returnUrl": None}},
    "PaymentConfirmation": {"id": "UGF5bWVudDox"},
    "StatementDocument": {"konto": "100001", "from": "2016-11-21", "to": "2026-11-21"},
    "ReadingsPage": {"number": "100001", "first": 12},
    "MeterReadingsPage": {"meter": "TWV0ZXI6MQ==", "first": 12, "after": "b2Zmc2V0OjEx"},
    "SubmitReading": {"input": {"meterId": "TWV0ZXI6MQ==", "value": "785.5"}},
    "ReadingPreview": {"meter": "TWV0ZXI6MQ=="},
    "ForecastPage": {
        "konto": "100001",
        "from": "2026-11-21",
        "to": "2027-01-20",
        "withForecast": True,
    },
    "ForecastSimulation": {
        "konto": "100001",
        "readings": [{"meterId": "TWV0ZXI6MQ==", "value": "785.5"}],
    },
    "StaffReadings": {"first": 20, "blockedAfter": None, "unusualAfter": None},
    "LiftReadingBlock": {"input": {"accountId": "QWNjb3VudDox", "note": "x"}},
    "MarkReadingReviewed": {"id": "UmVhZGluZzox"},
    "BillingCyclePage": {"number": "100001"},
    "RequestBillingCycleChange": {"input": {"accountId": "QWNjb3VudDox", "cycle": "MONTHLY"}},
    "PendingBillingCycleChanges": {},
    "DataChangePage": {"number": "100001"},
    "RequestDataChange": {
        "input": {"accountId": "QWNjb3VudDox", "changes": [{"field": "phone", "newValue": "1"}]}
    },
    "PendingDataChangeRequests": {},
    "DecideDataChangeRequest": {"input": {"id": "x", "approve": True}},
    "BillingAdminPage": {},
    "RunBilling": {"input": {"period": "2026-10-01"}},
    "BankStatementsPage": {},
    "ImportBankStatement": {"input": {"file": "a statement file"}},
    "AddTariff": {
        "input": {
            "validFrom": "2027-01-01",
            "waterPrice": "5.5",
            "sewagePrice": "7.9",
            "subscriptionFee": "4.2",
            "vatRate": "8",
        }
    },
    "DecideBillingCycleChange": {
        "input": {"id": "QmlsbGluZ0N5Y2xlQ2hhbmdlUmVxdWVzdDox", "approve": True}
    },
    # Registration and the back office (web/pages/access.py).
    "RegisterPage": {
        "input": {
            "accountNumber": "100002",
            "invoiceNumber": "FV/2025/01/000002",
            "email": "k@example.com",
            "login": "k.wisniewska",
            "acceptTerms": True,
            "consentDataProcessing": True,
        }
    },
    "RequestAccountLinkPage": {
        "input": {"accountNumber": "100002", "invoiceNumber": "FV/2025/01/000002"}
    },
    "StaffHome": {"query": "100001", "search": True, "first": 20, "after": None},
    "StaffRegistrations": {},
    "DecideRegistrationPage": {"input": {"id": "UmVnaXN0cmF0aW9uOjE=", "approve": True}},
    "StaffAccount": {"number": "100001"},
    "RecordReadingPage": {
        "input": {
            "meterId": "TWV0ZXI6MQ==",
            "value": "781.5",
            "readOn": "2026-11-20",
            "source": "COLLECTOR",
        }
    },
    "StaffAuditLog": {"first": 50, "after": None, "action": None, "actor": None},
    # The queue of unmatched bank credits (web/pages/credit_queue.py, web/pages/access.py).
    "StaffCreditQueue": {"first": 20, "after": "b2Zmc2V0OjE5"},
    "AssignCreditPage": {"input": {"paymentId": "UGF5bWVudDox", "accountNumber": "100001"}},
    "ReverseCreditAssignmentPage": {
        "input": {"paymentId": "UGF5bWVudDox", "reason": "x", "accountNumber": "100001"}
    },
    # The credential pages (web/pages/credentials.py).
    "CredentialsMe": {},
    "TwoStepPage": {},
    "TokensPage": {},
    "ChangePasswordPage": {"input": {"currentPassword": "a", "newPassword": "b"}},
    "AcceptTermsPage": {"input": {"version": "2026-01"}},
    "ChangeLoginPage": {"input": {"newLogin": "a", "password": "b"}},
    "RequestEmailChangePage": {"input": {"newEmail": "a@b.pl", "password": "b"}},
    "ConfirmEmailChangePage": {"input": {"token": "t"}},
    "RequestPasswordResetPage": {"input": {"login": "a"}},
    "ResetPasswordPage": {"input": {"token": "t", "newPassword": "b"}},
    "BeginTwoStepPage": {},
    "ConfirmTwoStepPage": {"input": {"code": "123456"}},
    "DisableTwoStepPage": {"input": {"password": "a", "code": "123456"}},
    "CreateApiTokenPage": {"input": {"name": "a", "scopes": ["READ"], "expiresInDays": 30}},
    "RevokeApiTokenPage": {"id": "QXBpVG9rZW46MQ=="},
    # Failure reports and announcements (web/pages/talk.py).
    "ReportFailurePage": {"input": {"address": "ul. Lipowa 1", "description": "Wyciek"}},
    "OutagesPage": {},
    "StaffFailureReports": {"first": 20, "after": None},
    "StaffFailurePhoto": {"id": "RmFpbHVyZVJlcG9ydDox"},
    "MarkFailureHandledPage": {"id": "RmFpbHVyZVJlcG9ydDox"},
    "StaffAnnouncements": {"first": 20, "after": None},
    "PublishAnnouncementPage": {"input": {"kind": "NEWS", "title": "Tytuł", "body": "Treść"}},
    "ReminderPreferencesPage": {},
    "SetReminderPreferencesPage": {
        "input": {
            "preferences": [
                {"kind": kind, "enabled": False}
                for kind in (
                    "READING_WINDOW_OPENS",
                    "READING_WINDOW_CLOSING",
                    "INVOICE_DUE_SOON",
                    "INVOICE_OVERDUE",
                )
            ]
        }
    },
    "MessagesPage": {"number": "100001"},
    "MessageThreadPage": {"id": "TWVzc2FnZVRocmVhZDox"},
    "SendMessagePage": {
        "input": {
            "accountId": "QWNjb3VudDox",
            "category": "QUESTION",
            "subject": "Temat",
            "body": "Treść",
        }
    },
    "ReplyPage": {"input": {"threadId": "TWVzc2FnZVRocmVhZDox", "body": "Treść"}},
    "CloseThreadPage": {"id": "TWVzc2FnZVRocmVhZDox"},
    "AttachmentFile": {"id": "QXR0YWNobWVudDox"},
    "StaffInbox": {"status": None, "first": 20, "after": None},
}

# Fifteen aliases of nested connections: 472 bytes, within the depth, alias and token
# limits, and 4.5 to 5.7 seconds on the event loop before costs were counted.
STALLING_QUERY = (
    "{"
    + " ".join(f"a{i}: accounts {{ ...F }}" for i in range(15))
    + "} fragment F on Account { invoices(first: 100) { edges { node { readings { meter {"
    " readings(first: 100) { edges { node { consumption source value readOn"
    " meter { serialNumber canSubmitReading submissionBlockedBy } } } } } } } } } }"
)


def test_every_page_operation_has_realistic_variables_here() -> None:
    assert set(PAGE_VARIABLES) == set(operation_documents())


@pytest.mark.parametrize("name", sorted(PAGE_VARIABLES))
def test_every_page_operation_costs_well_under_the_limit(name: str) -> None:
    cost = cost_of(GRAPHQL, operation_documents()[name], PAGE_VARIABLES[name], name)
    # Headroom: a page may grow a good deal before it meets the limit.
    assert 0 < cost * 2 <= MAX_COST, cost


def test_the_query_that_stalled_the_server_costs_far_more_than_the_limit() -> None:
    assert len(STALLING_QUERY) < 2000
    assert cost_of(GRAPHQL, STALLING_QUERY) > 1000 * MAX_COST


@pytest.mark.usefixtures("demo")
async def test_a_query_over_the_limit_is_refused_before_any_resolver_runs(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []

    async def watched(ctx: object) -> list[object]:
        calls.append(ctx)
        return []

    monkeypatch.setattr(account_resolvers, "viewer_accounts", watched)
    result = await api.run(STALLING_QUERY, as_user="jan.kowalski")
    assert result.codes == ["QUERY_TOO_COMPLEX"]
    assert result.data is None
    assert "2500 points" in result.errors[0]["message"]
    assert calls == []


@pytest.mark.usefixtures("demo")
async def test_first_from_the_variables_decides_the_cost(api: Api) -> None:
    query = """query Q($n: Int) { accounts { meters { readings(first: $n) {
        edges { node { consumption meter { canSubmitReading submissionBlockedBy } } } } } } }"""
    small = await api.run(query, {"n": 12}, as_user="jan.kowalski")
    assert not small.errors
    assert small.data is not None and small.data["accounts"][0]["meters"][0]["readings"]
    large = await api.run(query, {"n": 100}, as_user="jan.kowalski")
    assert large.codes == ["QUERY_TOO_COMPLEX"]


@pytest.mark.usefixtures("demo")
async def test_the_operation_that_runs_is_the_one_that_is_costed(api: Api) -> None:
    """Without operationName the first operation runs, so the first is the one measured."""
    costly = STALLING_QUERY.replace("{", "query Costly {", 1).replace(
        "} fragment F", "} query Cheap { termsVersion } fragment F", 1
    )
    result = await api.run(costly, as_user="jan.kowalski")
    assert result.codes == ["QUERY_TOO_COMPLEX"]


def test_a_connection_costs_its_selection_first_times() -> None:
    one = cost_of(GRAPHQL, "{ accounts { invoices(first: 1) { edges { node { status } } } } }")
    ten = cost_of(GRAPHQL, "{ accounts { invoices(first: 10) { edges { node { status } } } } }")
    accounts = LIST_SIZES["Query.accounts"]
    # accounts + per account (invoices + first x status)
    assert one == 1 + accounts * (1 + 1)
    assert ten == 1 + accounts * (1 + 10)
    default = cost_of(GRAPHQL, "{ accounts { invoices { edges { node { status } } } } }")
    assert default == 1 + accounts * (1 + 20)


def test_plain_attributes_cost_nothing_and_resolvers_one_each() -> None:
    assert cost_of(GRAPHQL, "{ termsVersion }") == 1
    plain = cost_of(GRAPHQL, "{ tariff { validFrom vatRate waterPrice { amount } } }")
    assert plain == 1
    # The balance is stored on the account: an attribute. What is overdue is worked out.
    assert cost_of(GRAPHQL, "{ accounts { number holderName balance { amount } } }") == 1
    assert cost_of(GRAPHQL, "{ accounts { number holderName overdue { amount } } }") == 1 + 5


def test_fragments_and_inline_fragments_cost_what_the_fields_they_spread_cost() -> None:
    plain = cost_of(GRAPHQL, "{ accounts { meters { lastReading { consumption } } } }")
    spread = cost_of(
        GRAPHQL,
        "{ accounts { ...A } } fragment A on Account { meters { ...M } }"
        " fragment M on Meter { lastReading { consumption } }",
    )
    inline = cost_of(
        GRAPHQL,
        "{ accounts { ... on Account { meters { ... { lastReading { consumption } } } } } }",
    )
    assert plain == spread == inline > 0


def test_a_field_asked_twice_under_one_name_runs_once_and_costs_once() -> None:
    once = cost_of(GRAPHQL, "{ accounts { meters { canSubmitReading } } }")
    merged = cost_of(
        GRAPHQL,
        "{ accounts { meters { canSubmitReading } ...A } } "
        "fragment A on Account { meters { canSubmitReading } }",
    )
    aliased = cost_of(GRAPHQL, "{ accounts { meters { canSubmitReading } m: meters { id } } }")
    assert merged == once
    assert aliased == once + LIST_SIZES["Query.accounts"] * 1


def test_skipped_fields_cost_nothing() -> None:
    query = "query Q($s: Boolean!) { termsVersion accounts @skip(if: $s) { balance { amount } } }"
    assert cost_of(GRAPHQL, query, {"s": True}) == 1
    assert cost_of(GRAPHQL, query, {"s": False}) > 1


def test_an_interface_costs_what_its_costliest_possible_type_would() -> None:
    query = """query Q($id: ID!) { node(id: $id) {
        ... on Meter { readings(first: 50) { edges { node { consumption } } } }
        ... on Invoice { status }
    } }"""
    assert cost_of(GRAPHQL, query, {"id": "TWV0ZXI6MQ=="}) == 1 + 1 + 50


def test_every_costed_field_and_sized_list_exists() -> None:
    for key in [*FIELD_COSTS, *LIST_SIZES]:
        parent, name = key.split(".")
        if name.startswith("__"):
            continue
        assert name in GRAPHQL.type_map[parent].fields, key  # type: ignore[union-attr]


def test_every_list_whose_items_cost_something_has_a_typical_size() -> None:
    """A new list must say how long it usually is, or its cost would be a guess."""
    missing = []
    for type_name, type_ in GRAPHQL.type_map.items():
        if type_name.startswith("__") or type_name.endswith("Connection"):
            continue
        if not is_object_type(type_):
            continue
        for name, field in type_.fields.items():
            item = get_named_type(field.type)
            if not is_list_type(get_nullable_type(field.type)) or not is_object_type(item):
                continue
            costly = any(field_cost(item.name, n, f) for n, f in item.fields.items())
            if costly and f"{type_name}.{name}" not in LIST_SIZES:
                missing.append(f"{type_name}.{name}")
    assert missing == []

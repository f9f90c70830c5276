"""What a request costs, in points, worked out before anything runs.

One call of a field costs 1 when the field has its own resolver (it asks a loader,
computes or formats something), 0 when it is a plain attribute of an object already
in hand (`number`, `gross`, an address) or an encoded id; FIELD_COSTS names the
fields that cost more. A field that returns many objects costs its selection once
per object: a connection as many times as `first` asks (its default when absent), a
list as many times as LIST_SIZES says such a list typically holds.

schema/limits.py walks the selected operation (fragments included, with the
request's variables), refuses one that costs more than MAX_COST with
QUERY_TOO_COMPLEX and charges the rest to the caller's hourly allowance.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLField, get_nullable_type, is_list_type

# The pages' costliest operation (PaymentsPage) costs about 900 points, so a page
# may grow to well over twice its size. A point is about one resolver call, roughly
# 0.1 ms here, so the costliest admitted query holds the event loop for a fraction
# of a second; the nested queries that stalled it for seconds cost millions.
MAX_COST = 2_500

# Fields whose one call costs more than 1 point.
FIELD_COSTS: dict[str, int] = {
    # Checks a password with argon2id: tens of milliseconds of CPU per call.
    "Mutation.issueToken": 20,
    "Mutation.refreshToken": 2,
    "Mutation.submitReading": 5,
    "Mutation.addTariff": 3,
    # A whole month's billing: the allowance should feel it.
    "Mutation.runBilling": 500,
    # Reads, matches and books a whole statement file.
    "Mutation.importBankStatement": 500,
    "Mutation.requestBillingCycleChange": 3,
    "Mutation.decideBillingCycleChange": 3,
    "Mutation.recordReading": 5,
    # Registers the order with the payment operator (an HTTP call for Przelewy24).
    "Mutation.startPayment": 10,
    "Mutation.liftReadingBlock": 3,
    "Mutation.markReadingReviewed": 3,
    # Lock an account and its open invoices, allocate or withdraw, audit.
    "Mutation.assignCredit": 5,
    "Mutation.reverseCreditAssignment": 5,
    # Each checks a password (argon2id) or hashes a new one, some queue an e-mail.
    "Mutation.changePassword": 40,
    "Mutation.changeLogin": 20,
    "Mutation.resetPassword": 20,
    "Mutation.requestPasswordReset": 20,
    "Mutation.requestEmailChange": 20,
    "Mutation.disableTwoStep": 20,
    "Mutation.confirmTwoStepSetup": 5,
    "Mutation.createApiToken": 5,
    "Mutation.setReminderPreferences": 3,
    # Read every invoice and payment of the account since the day asked about.
    "Account.balanceOn": 2,
    "Account.ledger": 3,
    # One aggregate for the opening balance, then the range's documents and payments.
    "Account.statement": 3,
    # Spreads the readings of every meter over the months, one by one.
    "Account.consumption": 3,
    # Spread every meter's recent readings over the months and price the period.
    "Account.forecast": 3,
    "Account.simulate": 3,
    # The whole schema, as GraphiQL asks for it first: large, but the same every time.
    "Query.__schema": 20,
    # Registration and the back office: a few lookups each; an approval hashes a password.
    "Mutation.register": 10,
    "Mutation.requestAccountLink": 10,
    "Mutation.decideRegistration": 20,
    "Query.searchAccounts": 5,
    "Query.auditLog": 2,
    # Throttled per address, may store a photo, queues an e-mail.
    "Mutation.reportFailure": 10,
    "Mutation.publishAnnouncement": 3,
    "Mutation.markFailureReportHandled": 3,
}

# How many items a list without `first` typically holds (its selection counts that
# many times). A list whose items cost nothing to select needs no entry.
LIST_SIZES: dict[str, int] = {
    "Query.accounts": 5,  # a household has one account, a landlord a few
    "User.accounts": 5,
    "Query.announcements": 10,
    "User.apiTokens": 10,
    "User.reminderPreferences": 4,  # one per ReminderKind
    "Account.contracts": 3,
    "Account.meters": 5,
    "Account.ledger": 60,  # five years of bimonthly invoices and their payments
    "Statement.entries": 60,
    "Account.consumption": 24,  # the dashboard's two years of months
    "Account.billingCycleChangeRequests": 5,
    "Query.pendingBillingCycleChanges": 20,  # a day's requests across the utility
    "Account.dataChangeRequests": 5,
    "Query.pendingDataChangeRequests": 20,  # a day's requests across the utility
    "Invoice.lines": 5,
    "Invoice.readings": 4,
    "Invoice.corrections": 2,
    "Payment.allocations": 3,
    "MessageThread.messages": 20,
    "Message.attachments": 5,
    "Query.pendingRegistrations": 20,
    "Query.auditActions": 30,
    "Query.staffQueues": 5,
    "Query.accountUsers": 5,
    "Query.accountRegistrations": 5,
    "Query.bankStatements": 20,  # the staff page's list
}
# For a list nobody has sized yet (tests/api/test_query_limits.py asks for an entry).
DEFAULT_LIST_SIZE = 10
# `first` when a connection is asked with `first: null` and declares no default.
DEFAULT_PAGE_SIZE = 20


def field_key(parent: str, field: str) -> str:
    return f"{parent}.{field}"


def field_cost(parent: str, name: str, field: GraphQLField) -> int:
    """The points one call of the field costs."""
    key = field_key(parent, name)
    if key in FIELD_COSTS:
        return FIELD_COSTS[key]
    if parent.startswith("__") or name in ("id", "__typename"):
        return 0  # introspection answers from memory; ids are encoded from the row
    return 1 if _has_resolver(field) else 0


def multiplier(parent: str, name: str, field: GraphQLField, args: dict[str, Any]) -> int:
    """How many times the field's selection is resolved per call of the field."""
    if "first" in field.args:
        first = args.get("first")
        return first if isinstance(first, int) else _default_first(field)
    if parent.endswith("Connection") or parent.startswith("__"):
        return 1  # a connection's edges are counted by its `first`; introspection is static
    if is_list_type(get_nullable_type(field.type)):
        return LIST_SIZES.get(field_key(parent, name), DEFAULT_LIST_SIZE)
    return 1


def _has_resolver(field: GraphQLField) -> bool:
    definition = (field.extensions or {}).get("strawberry-definition")
    return definition is not None and definition.base_resolver is not None


def _default_first(field: GraphQLField) -> int:
    default = field.args["first"].default_value
    return default if isinstance(default, int) else DEFAULT_PAGE_SIZE

"""The root types, assembled from each area's queries and mutations.

Each area keeps its root fields in its own module (schema/query.py for the
customer's read side, schema/mutation.py for partner-app sign-in, more as areas
grow); `merge_types` joins them under the contract's names, `Query` and `Mutation`.
Adding an area's fields means adding its class to a tuple here.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.access import AccessMutation, AccessQuery
from schema.bank_statements import BankStatementMutation, BankStatementQuery
from schema.billing_admin import BillingAdminMutation, TariffQuery
from schema.billing_cycle import BillingCycleMutation, BillingCycleQuery
from schema.credentials import CredentialMutation
from schema.credit_queue import CreditQueueMutation, CreditQueueQuery
from schema.data_changes import DataChangeMutation, DataChangeQuery
from schema.messages import MessageMutation, MessageQuery
from schema.mutation import TokenMutation
from schema.payments import PaymentMutation
from schema.query import ReadQuery
from schema.reading_mutation import ReadingMutation
from schema.reminders import ReminderMutation
from schema.staff_readings import StaffReadingMutation, StaffReadingQuery
from schema.talk import TalkMutation, TalkQuery

QUERIES: tuple[type, ...] = (
    ReadQuery,
    AccessQuery,
    StaffReadingQuery,
    BillingCycleQuery,
    TariffQuery,
    DataChangeQuery,
    BankStatementQuery,
    CreditQueueQuery,
    TalkQuery,
    MessageQuery,
)
MUTATIONS: tuple[type, ...] = (
    TokenMutation,
    CredentialMutation,
    AccessMutation,
    ReadingMutation,
    StaffReadingMutation,
    BillingCycleMutation,
    BillingAdminMutation,
    DataChangeMutation,
    BankStatementMutation,
    CreditQueueMutation,
    PaymentMutation,
    TalkMutation,
    ReminderMutation,
    MessageMutation,
)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)

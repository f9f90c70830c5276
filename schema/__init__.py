"""The eBOK GraphQL schema: one instance, served at /graphql and run in-process by pages."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from schema.extensions import ErrorPolicy
from schema.mutation import Mutation
from schema.query import Query
from schema.types.accounts import Account, Contract, Meter, Reading
from schema.types.billing import Invoice, Payment
from schema.types.identity import ApiToken, User
from schema.types.talk import (
    Announcement,
    Attachment,
    BillingCycleChangeRequest,
    DataChangeRequest,
    FailureReport,
    Message,
    MessageThread,
    Registration,
)

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
# Bounded caches: a hostile client sending endless distinct queries cannot grow them.
CACHE_SIZE = 256

# Every Node type, so the schema lists them even before a field returns them.
NODE_TYPES = [
    Account,
    Announcement,
    ApiToken,
    Attachment,
    BillingCycleChangeRequest,
    Contract,
    DataChangeRequest,
    FailureReport,
    Invoice,
    Message,
    MessageThread,
    Meter,
    Payment,
    Reading,
    Registration,
    User,
]

class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None):  # type: ignore[no-untyped-def]
        """ErrorPolicy logs what deserves it; a client's typo is not a server error."""


schema = Schema(
    query=Query,
    mutation=Mutation,
    types=NODE_TYPES,
    extensions=[
        ErrorPolicy,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ],
)

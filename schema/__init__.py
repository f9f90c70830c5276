"""The eBOK GraphQL schema: one instance, served at /graphql and run in-process by pages."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule

from schema.execution import PlainValueExecutor
from schema.extensions import ErrorPolicy, RequestRules, ValidatedOnce
from schema.limits import RequestLimits
from schema.roots import Mutation, Query
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

# The limit rules are made once: the validation cache is keyed by the rule classes,
# and rules built per request would be new classes (and miss) each time.
LIMIT_RULES = [
    depth_limit_rule(max_depth=MAX_DEPTH, should_ignore=None),
    alias_limit_rule(max_alias_count=MAX_ALIASES),
]

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
    execution_context_class=PlainValueExecutor,
    extensions=[
        ErrorPolicy,
        RequestRules,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidatedOnce(LIMIT_RULES, size=CACHE_SIZE),
        # Bounds, cost, one credential check per request, and the hourly allowance.
        RequestLimits,
    ],
)

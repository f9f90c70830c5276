"""The domain enumerations, exposed to GraphQL under their contract names."""

import strawberry

from models import enums

Role = strawberry.enum(enums.Role)
AccountKind = strawberry.enum(
    enums.AccountKind,
    description=None,
)
BillingCycle = strawberry.enum(enums.BillingCycle)
Service = strawberry.enum(enums.Service)
ReadingSource = strawberry.enum(enums.ReadingSource)
InvoiceKind = strawberry.enum(enums.InvoiceKind)
InvoiceStatus = strawberry.enum(enums.InvoiceStatus)
PaymentMethod = strawberry.enum(enums.PaymentMethod)
PaymentStatus = strawberry.enum(enums.PaymentStatus)
LedgerEntryKind = strawberry.enum(enums.LedgerEntryKind)
AnnouncementKind = strawberry.enum(enums.AnnouncementKind)
ThreadCategory = strawberry.enum(enums.ThreadCategory)
ThreadStatus = strawberry.enum(enums.ThreadStatus)
Author = strawberry.enum(enums.Author)
RequestStatus = strawberry.enum(enums.RequestStatus)
Scope = strawberry.enum(enums.Scope)
RegistrationKind = strawberry.enum(enums.RegistrationKind)
ReminderKind = strawberry.enum(
    enums.ReminderKind,
    description="an e-mail reminder: the reading window opens, it closes in two days (to who "
    "has not submitted), an invoice is due in three days, an invoice became overdue",
)

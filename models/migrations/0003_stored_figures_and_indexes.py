from tortoise import migrations
from tortoise.migrations import operations as ops
from decimal import Decimal
from models.enums import InvoiceStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ebok', '0002_sign_in_protection')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Account',
            name='balance',
            field=fields.DecimalField(default=Decimal('0'), max_digits=14, decimal_places=2),
        ),
        ops.AddField(
            model_name='Account',
            name='version',
            field=fields.IntField(default=0),
        ),
        ops.AlterField(
            model_name='ApiToken',
            name='user',
            field=fields.ForeignKeyField('ebok.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Attachment',
            name='message',
            field=fields.ForeignKeyField('ebok.Message', source_field='message_id', db_index=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='BillingCycleChangeRequest',
            name='account',
            field=fields.ForeignKeyField('ebok.Account', source_field='account_id', db_index=True, db_constraint=True, to_field='id', related_name='billing_cycle_requests', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Consent',
            name='user',
            field=fields.ForeignKeyField('ebok.User', source_field='user_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Contract',
            name='account',
            field=fields.ForeignKeyField('ebok.Account', source_field='account_id', db_index=True, db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='DataChangeRequest',
            name='account',
            field=fields.ForeignKeyField('ebok.Account', source_field='account_id', db_index=True, db_constraint=True, to_field='id', related_name='data_change_requests', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Invoice',
            name='corrects',
            field=fields.ForeignKeyField('ebok.Invoice', source_field='corrects_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Invoice',
            name='paid',
            field=fields.DecimalField(default=Decimal('0'), max_digits=14, decimal_places=2),
        ),
        ops.AddField(
            model_name='Invoice',
            name='settlement',
            field=fields.CharEnumField(default=InvoiceStatus.UNPAID, description='UNPAID: UNPAID\nPARTIALLY_PAID: PARTIALLY_PAID\nPAID: PAID\nOVERDUE: OVERDUE', enum_type=InvoiceStatus, max_length=16),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['account_id', 'settlement', 'due_date']),
        ),
        ops.AlterField(
            model_name='Meter',
            name='contract',
            field=fields.ForeignKeyField('ebok.Contract', source_field='contract_id', db_index=True, db_constraint=True, to_field='id', related_name='meters', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['account_id', 'created_at']),
        ),
        ops.AlterField(
            model_name='PaymentAllocation',
            name='invoice',
            field=fields.ForeignKeyField('ebok.Invoice', source_field='invoice_id', db_index=True, db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='Registration',
            name='account',
            field=fields.ForeignKeyField('ebok.Account', source_field='account_id', db_index=True, db_constraint=True, to_field='id', related_name='registrations', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Session',
            name='user',
            field=fields.ForeignKeyField('ebok.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE),
        ),
    ]


async def _fill_stored_figures(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Existing invoices and accounts get their figures from the ledger."""
    from models.services.figures import Tables, check_figures

    await check_figures(repair=True, tables=Tables.of_migration(apps))


Migration.operations.append(ops.RunPython(_fill_stored_figures, ops.RunPython.noop))

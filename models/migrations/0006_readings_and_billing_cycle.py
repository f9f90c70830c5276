from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ebok', '0005_billing')]

    initial = False

    operations = [
        ops.AddField(
            model_name='BillingCycleChangeRequest',
            name='applied_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Account',
            index=Index(fields=['e_readings_blocked', 'e_readings_blocked_at']),
        ),
        ops.AddIndex(
            model_name='Reading',
            index=Index(fields=['flagged_implausible', 'submitted_at']),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ebok', '0004_identity_and_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InvoiceSeries',
            fields=[
                ('series', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('last_number', fields.IntField(default=0)),
            ],
            options={'table': 'invoice_series', 'app': 'ebok', 'pk_attr': 'series', 'table_description': 'The last number given in a series (e.g. "FV/2026/11"): numbers follow without'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobState',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('done_until', fields.DateField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_states', 'app': 'ebok', 'pk_attr': 'name', 'table_description': 'How far a scheduled job has got (e.g. the last reading window it closed), so a'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='e_readings_blocked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invoice',
            name='billing_key',
            field=fields.CharField(null=True, unique=True, max_length=80),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import LoginOutcome
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ebok', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateAllowance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=100)),
                ('window_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used', fields.IntField(default=0)),
            ],
            options={'table': 'rate_allowances', 'app': 'ebok', 'pk_attr': 'id', 'table_description': "A caller's hourly GraphQL allowance: what the current window has used so far."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ApiToken',
            name='family_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='rotated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='signed_in_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterModelOptions(
            name='LoginAttempt',
            options={'table': 'login_attempts', 'app': 'ebok', 'indexes': [Index(fields=['login', 'at']), Index(fields=['client_address', 'at']), Index(fields=['device_id', 'at'])], 'pk_attr': 'id', 'table_description': 'Every sign-in attempt, for throttling per login and per client address.'},
        ),
        ops.AddField(
            model_name='LoginAttempt',
            name='device_id',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='LoginAttempt',
            name='outcome',
            field=fields.CharEnumField(default=LoginOutcome.PENDING, description='PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nREFUSED: REFUSED', enum_type=LoginOutcome, max_length=16),
        ),
        ops.RemoveField(model_name='LoginAttempt', name='succeeded'),
        ops.AddIndex(
            model_name='LoginAttempt',
            index=Index(fields=['device_id', 'at']),
        ),
        ops.AddField(
            model_name='User',
            name='totp_last_step',
            field=fields.BigIntField(null=True),
        ),
        ops.RemoveField(model_name='User', name='failed_logins'),
        ops.RemoveField(model_name='User', name='locked_until'),
    ]

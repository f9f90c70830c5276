from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import RegistrationKind, UserTokenPurpose
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ebok', '0003_stored_figures_and_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('ebok.User', source_field='user_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'recovery_codes', 'app': 'ebok', 'indexes': [Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': 'One of the ten single-use codes that sign in when the phone is lost.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UserToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('ebok.User', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='PASSWORD_RESET: PASSWORD_RESET\nEMAIL_CHANGE: EMAIL_CHANGE', enum_type=UserTokenPurpose, max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('new_email', fields.CharField(null=True, max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'user_tokens', 'app': 'ebok', 'indexes': [Index(fields=['user_id', 'purpose'])], 'pk_attr': 'id', 'table_description': 'A single-use link sent by e-mail: a password reset, or the confirmation of a new'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxEmail',
            name='body_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='OutboxEmail',
            name='claimed_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='OutboxEmail',
            name='key',
            field=fields.CharField(null=True, unique=True, max_length=120),
        ),
        ops.AddField(
            model_name='OutboxEmail',
            name='message_id',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AlterModelOptions(
            name='Registration',
            options={'table': 'registrations', 'app': 'ebok', 'indexes': [Index(fields=['status', 'created_at']), Index(fields=['account_id'])], 'pk_attr': 'id', 'table_description': "A request for eBOK access, waiting for staff to verify it: a new user's, or a"},
        ),
        ops.AddField(
            model_name='Registration',
            name='kind',
            field=fields.CharEnumField(default=RegistrationKind.NEW_USER, description='NEW_USER: NEW_USER\nADD_ACCOUNT: ADD_ACCOUNT', enum_type=RegistrationKind, max_length=16),
        ),
        ops.AddField(
            model_name='Registration',
            name='requested_by',
            field=fields.ForeignKeyField('ebok.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='User',
            name='password_expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='totp_pending_secret',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='User',
            name='version',
            field=fields.IntField(default=0),
        ),
        ops.DeleteModel(name='PasswordResetToken'),
    ]

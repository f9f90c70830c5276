from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ebok', '0005_billing')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Account',
            index=Index(fields=['e_readings_blocked', 'e_readings_blocked_at']),
        ),
        ops.AddIndex(
            model_name='Reading',
            index=Index(fields=['flagged_implausible', 'submitted_at']),
        ),
    ]

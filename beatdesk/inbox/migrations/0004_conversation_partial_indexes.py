"""Conversations index their post and assignee only where set: most are new, unassigned and
under no post of ours, and each insert updated both indexes for nothing. Like 0003, the
foreign keys' own indexes are dropped by name, without copying the table on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models


# (index, table, column): the foreign keys' indexes made by the initial migration.
DROPPED = [
    ("inbox_conversation_post_id_6322151a", "inbox_conversation", "post_id"),
    ("inbox_conversation_assignee_id_4bf0d3a6", "inbox_conversation", "assignee_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('forces', '0002_initial'),
        ('inbox', '0003_fewer_message_indexes'),
        ('people', '0002_api_token'),
        ('publishing', '0003_delivery_network_id_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='conversation',
                    name='assignee',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.officer'),
                ),
                migrations.AlterField(
                    model_name='conversation',
                    name='post',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='publishing.post'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
                )
                for name, table, column in DROPPED
            ],
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('post__isnull', False)), fields=['post'], name='inbox_conv_post'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('assignee__isnull', False)), fields=['assignee'], name='inbox_conv_assigned'),
        ),
    ]

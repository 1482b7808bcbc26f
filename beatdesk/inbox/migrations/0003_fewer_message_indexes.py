"""Inbox messages and conversations lose the indexes that others cover or that only our own
replies use: every incoming message used to update eleven indexes, now seven.

The foreign keys' own indexes are dropped by name (Django's names, the same on both
databases) rather than by altering the fields, which on SQLite would copy both tables.
"""

import django.db.models.deletion
from django.db import migrations, models


# (index, table, column): the foreign keys' indexes made by the initial migration.
DROPPED = [
    ("inbox_conversation_force_id_eac2e37b", "inbox_conversation", "force_id"),
    ("inbox_message_force_id_c363a17d", "inbox_message", "force_id"),
    ("inbox_message_conversation_id_37bc0d72", "inbox_message", "conversation_id"),
    ("inbox_message_delivery_id_71f048a0", "inbox_message", "delivery_id"),
    ("inbox_message_author_officer_id_93c006c0", "inbox_message", "author_officer_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("forces", "0002_initial"),
        ("inbox", "0002_conversation_private_sender_index"),
        ("people", "0002_api_token"),
        ("publishing", "0003_delivery_network_id_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="conversation",
                    name="force",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forces.force",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="author_officer",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.officer",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="conversation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="inbox.conversation",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="delivery",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="publishing.delivery",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="force",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forces.force",
                    ),
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
            model_name="message",
            index=models.Index(
                condition=models.Q(("delivery__isnull", False)),
                fields=["delivery"],
                name="inbox_message_delivery",
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("author_officer__isnull", False)),
                fields=["author_officer"],
                name="inbox_message_author",
            ),
        ),
    ]

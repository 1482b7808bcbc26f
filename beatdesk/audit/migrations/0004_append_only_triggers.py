from django.db import migrations


def install(apps, schema_editor):
    from beatdesk.audit import triggers

    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from beatdesk.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    """Database triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the trail."""

    dependencies = [("audit", "0003_hash_chain")]

    operations = [migrations.RunPython(install, remove)]

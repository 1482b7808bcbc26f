import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from beatdesk.audit.chain import verify_chains


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_chain_are_linked_by_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_initial")])
    old = executor.loader.project_state([("audit", "0002_initial")]).apps
    Event = old.get_model("audit", "AuditEvent")
    for n in range(3):
        Event.objects.create(action=f"old.event.{n}", data={"n": n})
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        report = verify_chains()
        assert report.ok, report.problems
        assert report.events >= 3
    finally:
        # Leave the schema as the rest of the suite expects it.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

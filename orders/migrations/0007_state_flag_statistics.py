"""PostgreSQL statistics on how the state and the flags go together.

An order is at risk or overdue only while it is open (in production, mostly), but the planner assumes the
columns independent: for "in production and at risk" it expected ~130 rows of ~3,200, sorted them itself
and took 10 ms instead of reading the at-risk index newest first (0.07 ms). Extended statistics
(dependencies, most common combinations) give it the real proportions. Nothing to do on SQLite.
"""

from django.db import migrations

STATISTICS = "order_state_flags_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
            "ON status, is_at_risk, is_overdue FROM orders_order"
        )
        schema_editor.execute("ANALYZE orders_order")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_owner_status_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
